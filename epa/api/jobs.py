"""Following long work: a job's state and result, and the file an export job made."""

from flask import g

from epa.api.contract import ALL, operation
from epa.jobs import files, services
from epa.jobs.schemas import JobOut

TAG = "Jobs"


def job_url(job_id: int) -> str:
    return f"/api/v1/jobs/{job_id}"


def started(job) -> dict:
    """The 202 answer's body: the job, and where to follow it."""
    return {"job": {"id": job.id, "status": job.status, "url": job_url(job.id)}}


@operation("get", "/jobs/<id:job_id>", roles=ALL, tag=TAG, response=JobOut)
def job(job_id: int):
    """A job: queued, running (with progress), succeeded (with its result) or failed (with the
    error); only for the user who started it, or an administrator"""
    found = services.visible_job(job_id, g.actor)
    return services.described(found, f"{job_url(found.id)}/file")


@operation("get", "/jobs/<id:job_id>/file", roles=ALL, tag=TAG, content=files.XLSX)
def job_file(job_id: int):
    """The file an export job made, for the user who asked for it, for 7 days"""
    return files.send(*services.file_of(job_id, g.actor))
