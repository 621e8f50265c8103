"""The exports page: choose a date range, then download the outcomes or the bookings."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from epa.auth.decorators import roles_required
from epa.errors import ServiceError
from epa.exports import services
from epa.exports.forms import ExportForm
from epa.exports.schemas import ExportRange

bp = Blueprint("exports", __name__, url_prefix="/exports")
OFFICE = ("admin", "staff")


@bp.get("")
@roles_required(*OFFICE)
def index():
    """The date range and a download button for each return."""
    return render_template("exports/index.html", form=ExportForm(formdata=None))


@bp.get("/outcomes.xlsx")
@roles_required(*OFFICE)
def outcomes():
    """Download the confirmed outcomes achieved in the range."""
    return _download("outcomes")


@bp.get("/bookings.xlsx")
@roles_required(*OFFICE)
def bookings():
    """Download the assessments starting in the range."""
    return _download("bookings")


def _download(kind: str):
    """The file for the form's range, or the page again with each problem beside its field."""
    form = ExportForm(request.args)
    if form.validate():
        try:
            return services.export_file(
                kind, ExportRange.read(form.service_data()), current_user.id
            )
        except ServiceError as error:
            _show(form, error)
    return render_template("exports/index.html", form=form), 422


def _show(form: ExportForm, error: ServiceError) -> None:
    for name, message in error.fields.items():
        field = form[form.FIELDS[name]] if name in form.FIELDS else None
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]
    if not error.fields:
        form.form_errors.append(error.message)
