"""Files jobs make (exports), kept in a storage folder for a week and then removed.

The folder is JOB_FILES_PATH (under instance/ by default); with workers on several machines it
must be one folder they all share, such as a network mount (docs/operations.md).
"""

import logging
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Response, current_app, send_file
from sqlalchemy import select

from epa import clock
from epa.exports.services import XLSX
from epa.extensions import db
from epa.jobs.models import Job

log = logging.getLogger("epa.jobs")

#: how long a made file can be downloaded
KEEP = timedelta(days=7)
#: beyond KEEP, how old a file no job names must be before the sweep deletes it
LEFTOVER_GRACE = timedelta(days=1)


def folder() -> Path:
    path = Path(current_app.config["JOB_FILES_PATH"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_name(job: Job, suffix: str) -> str:
    # Unguessable as well as unique: the folder may be shared more widely than the service.
    return f"job-{job.id}-{secrets.token_hex(8)}{suffix}"


def kept_path(job: Job) -> Path | None:
    """The job's file while it may still be downloaded."""
    if job.file_name is None or job.expires_at is None or job.expires_at <= clock.now():
        return None
    path = folder() / job.file_name
    return path if path.is_file() else None


def send(job: Job, path: Path) -> Response:
    """The file as a download under the name it was asked for; personal data, so never cached."""
    response = send_file(
        path, mimetype=XLSX, as_attachment=True, download_name=job.params.get("filename", path.name)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def remove_expired() -> int:
    """Delete every file past its week; the job stays, saying its file has gone."""
    now = clock.now()
    jobs = db.session.scalars(
        select(Job).where(Job.file_name.is_not(None), Job.expires_at <= now).limit(1000)
    ).all()
    for job in jobs:
        (folder() / job.file_name).unlink(missing_ok=True)
        job.file_name = None
    db.session.commit()
    # A worker that died between writing a file and committing its job leaves a file no job
    # names; whatever is older than any kept file can only be such a leftover.
    oldest = (clock.now() - KEEP - LEFTOVER_GRACE).timestamp()
    leftovers = [path for path in folder().iterdir() if path.stat().st_mtime < oldest]
    for path in leftovers:
        path.unlink(missing_ok=True)
    if jobs or leftovers:
        log.info("Removed %s expired job files and %s left over", len(jobs), len(leftovers))
    return len(jobs) + len(leftovers)
