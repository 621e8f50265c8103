"""The exports page: choose a date range and a return; a worker makes the file, and its page
offers the download. The direct downloads (GET …xlsx) still answer at once for small ranges."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from epa.auth.decorators import roles_required
from epa.errors import ServiceError
from epa.exports import services
from epa.exports.forms import ExportForm, PrepareForm
from epa.exports.jobs import KINDS, start_export
from epa.exports.schemas import ExportRange
from epa.extensions import db
from epa.jobs.files import KEEP
from epa.jobs.services import recent_jobs

bp = Blueprint("exports", __name__, url_prefix="/exports")
OFFICE = ("admin", "staff")


@bp.get("")
@roles_required(*OFFICE)
def index():
    """The date range and a button for each return."""
    return _page(PrepareForm(formdata=None))


@bp.post("")
@roles_required(*OFFICE)
def prepare():
    """Start making the return asked for; its page shows the progress, then the download."""
    form = PrepareForm()
    kind = request.form.get("kind")
    if kind not in KINDS:
        form.form_errors.append("Choose which return to make: outcomes or bookings")
        return _page(form, 422)
    if form.validate():
        try:
            job = start_export(
                kind, ExportRange.read(form.service_data()), user=current_user, channel="web"
            )
        except ServiceError as error:
            db.session.rollback()
            _show(form, error)
        else:
            db.session.commit()
            return redirect(url_for("jobs.show", job_id=job.id), 303)
    return _page(form, 422)


def _page(form, status: int = 200):
    recent = recent_jobs(current_user, tuple(KINDS.values()))
    return render_template(
        "exports/index.html", form=form, recent=recent, keep_days=KEEP.days
    ), status


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
    return _page(form, 422)


def _show(form: ExportForm, error: ServiceError) -> None:
    for name, message in error.fields.items():
        field = form[form.FIELDS[name]] if name in form.FIELDS else None
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]
    if not error.fields:
        form.form_errors.append(error.message)
