"""A job's page: its progress while it runs (refreshed in place, or by reloading without
JavaScript), then its result; and the file an export made."""

from flask import Blueprint, jsonify, render_template, url_for
from flask_login import current_user

from epa.auth.decorators import roles_required
from epa.auth.models import ROLES
from epa.jobs import files, services
from epa.jobs.files import KEEP, kept_path
from epa.rules.local_time import LONDON

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
#: how often the page asks for progress while the job runs
POLL_MILLISECONDS = 1500


@bp.app_context_processor
def job_words():
    return {"job_titles": services.TITLES, "job_when": when}


def when(instant) -> str:
    """An instant in UK time, as the service writes times: 1 December 2026 at 09:05."""
    local = instant.astimezone(LONDON)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


@bp.get("/<id:job_id>")
@roles_required(*ROLES)
def show(job_id: int):
    job = services.visible_job(job_id, current_user)
    described = services.described(job, url_for("jobs.download", job_id=job.id))
    problems, unlisted = [], None
    if job.kind == "import_apprentices" and job.error:
        from epa.imports.views import problem_lines

        problems, unlisted = problem_lines(job.error.get("rows", []))
    return render_template(
        "jobs/show.html",
        job=job,
        described=described,
        title=services.TITLES.get(job.kind, "Work"),
        problems=problems,
        unlisted=unlisted,
        file_kept=kept_path(job) is not None,
        keep_days=KEEP.days,
        poll=POLL_MILLISECONDS,
    )


@bp.get("/<id:job_id>/status.json")
@roles_required(*ROLES)
def status(job_id: int):
    """What the progress bar reads while the page is open."""
    job = services.visible_job(job_id, current_user)
    return jsonify(services.described(job, url_for("jobs.download", job_id=job.id)))


@bp.get("/<id:job_id>/file")
@roles_required(*ROLES)
def download(job_id: int):
    return files.send(*services.file_of(job_id, current_user))
