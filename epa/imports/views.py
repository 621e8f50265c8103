"""The import page: download the template, upload it filled in, see every problem or the count."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import SubmitField

from epa.auth.decorators import roles_required
from epa.errors import ServiceError
from epa.exports.services import send_xlsx
from epa.extensions import db
from epa.imports import services
from epa.imports.reading import MAX_FILE_BYTES, MAX_ROWS

bp = Blueprint("imports", __name__, url_prefix="/imports")
OFFICE = ("admin", "staff")
#: problems listed on the page; a file with more says how many are not shown
MAX_LISTED = 200
LIMITS = f"at most {MAX_FILE_BYTES // (1024 * 1024)} MB and {MAX_ROWS:,} apprentices"


class ImportForm(FlaskForm):
    file = FileField(
        "Upload the filled-in template",
        widget=GovFileInput(),
        validators=[FileRequired("Select the filled-in template (an .xlsx file)")],
        description=f"An Excel workbook (.xlsx), {LIMITS}",
    )
    submit = SubmitField("Import apprentices", widget=GovSubmitInput())


@bp.route("", methods=["GET", "POST"])
@roles_required(*OFFICE)
def index():
    """The template link and the upload; a refused file lists each problem by row and column."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, status=422 if form.is_submitted() else 200)
    upload = form.file.data
    try:
        # One byte more than allowed is enough to know the file is too large.
        created = services.import_apprentices(upload.read(MAX_FILE_BYTES + 1), upload.filename)
    except ServiceError as error:
        db.session.rollback()
        form.file.errors = [*form.file.errors, error.message]
        return _page(form, problems=error.extra.get("rows", []), status=error.status)
    db.session.commit()
    flash(f"{created:,} apprentice{' was' if created == 1 else 's were'} registered.")
    return redirect(url_for("apprentices.index"))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A request over the service's limit never reaches the view: say so beside the upload."""
    form = ImportForm(formdata=None)
    form.file.errors = [
        f"The file must be smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it into "
        "smaller files and upload each one"
    ]
    return _page(form, status=413)


@bp.get("/template.xlsx")
@roles_required(*OFFICE)
def template():
    """The spreadsheet to fill in: the header row only."""
    return send_xlsx(*services.template_file())


def _page(form: ImportForm, *, problems=(), status: int):
    listed = [
        f"Row {p['row']}, {p['column']}: {p['message']}"
        if p["column"]
        else f"Row {p['row']}: {p['message']}"
        for p in problems[:MAX_LISTED]
    ]
    more = len(problems) - len(listed)
    unlisted = None
    if more:
        unlisted = (
            f"There {'is' if more == 1 else 'are'} {more:,} more problem{'' if more == 1 else 's'} "
            f"not listed here; the first {MAX_LISTED} are above"
        )
    return render_template(
        "imports/index.html", form=form, problems=listed, unlisted=unlisted, limits=LIMITS
    ), status
