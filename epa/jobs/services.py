"""Starting a job and finding one: the pages and the API call these."""

from functools import partial
from pathlib import Path

from sqlalchemy import select

from epa.auth.models import User
from epa.errors import NotFound, ServiceError
from epa.extensions import db
from epa.jobs import queue
from epa.jobs.files import kept_path
from epa.jobs.models import Job

#: each kind's name as its page says it
TITLES = {
    "import_apprentices": "Apprentices import",
    "export_outcomes": "Outcomes return",
    "export_bookings": "Bookings return",
    "send_reminders": "Reminders and deadline digest",
}


def start(
    kind: str, *, user: User | None, channel: str, params: dict, upload: bytes | None = None
) -> Job:
    """Record a queued job in the current transaction; a worker takes it once that commits."""
    job = Job(
        kind=kind,
        status="queued",
        user_id=user.id if user else None,
        channel=channel,
        params=params,
        upload=upload,
        done=0,
        attempts=0,
    )
    db.session.add(job)
    db.session.flush()
    queue.after_commit(db.session(), partial(queue.dispatch, "epa.jobs.run", job.id))
    return job


def visible_job(job_id: int, user: User) -> Job:
    """The job, for the user who started it or an administrator; anyone else is told nothing."""
    job = db.session.get(Job, job_id)
    if job is None or (job.user_id != user.id and user.role != "admin"):
        raise NotFound("job")
    return job


def recent_jobs(user: User, kinds: tuple[str, ...], limit: int = 5) -> list[Job]:
    """The user's latest jobs of these kinds, newest first."""
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.user_id == user.id, Job.kind.in_(kinds))
            .order_by(Job.created_at.desc(), Job.id.desc())
            .limit(limit)
        )
    )


def described(job: Job, file_url: str) -> dict:
    """The job as the API and the progress page give it; an export's result carries the address
    of its file while the file is kept."""
    result = dict(job.result) if job.result is not None else None
    if result is not None and "rows" in result and job.kind.startswith("export_"):
        result["download_url"] = file_url if kept_path(job) is not None else None
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": {"done": job.done, "total": job.total},
        "result": result,
        "error": job.error,
    }


def file_of(job_id: int, user: User) -> tuple[Job, Path]:
    """A job's file, for the user who started the job only, while it is kept."""
    job = db.session.get(Job, job_id)
    path = kept_path(job) if job is not None and job.user_id == user.id else None
    if path is None:
        raise ServiceError(
            "not_found",
            "There is no file here: files are kept for 7 days after they are made, and only "
            "for whoever asked for them.",
            status=404,
        )
    return job, path
