"""The import page: download the template, upload it filled in, see every problem or the count."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
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
from epa.imports.jobs import KIND, start_import
from epa.imports.reading import MAX_FILE_BYTES, MAX_ROWS
from epa.jobs.services import recent_jobs

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
    try:
        job = start_import(form.file.data, user=current_user, channel="web")
    except ServiceError as error:
        db.session.rollback()
        form.file.errors = [*form.file.errors, error.message]
        return _page(form, status=error.status)
    db.session.commit()
    return redirect(url_for("jobs.show", job_id=job.id), 303)


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


def _page(form: ImportForm, *, status: int):
    return render_template(
        "imports/index.html",
        form=form,
        limits=LIMITS,
        recent=recent_jobs(current_user, (KIND,)),
    ), status


def problem_lines(problems: list[dict]) -> tuple[list[str], str | None]:
    """A refused file's problems as lines for a page (the first MAX_LISTED), and what is left."""
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
    return listed, unlisted
