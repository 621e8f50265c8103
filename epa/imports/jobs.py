"""The apprentices import as a job: the upload is kept with the job, and a worker registers every
row, or none, while the page shows its progress."""

from epa.imports import services
from epa.imports.reading import MAX_FILE_BYTES, FileRefused, check_upload
from epa.jobs import services as jobs
from epa.jobs.models import Job
from epa.jobs.running import Progress, handler

KIND = "import_apprentices"


def start_import(upload, *, user, channel: str) -> Job:
    """Queue the file's import; a file too large, or not an xlsx at all, is refused at once."""
    # One byte more than allowed is enough to know the file is too large.
    data = upload.read(MAX_FILE_BYTES + 1)
    try:
        check_upload(data, upload.filename)
    except FileRefused as refusal:
        raise services.refused(refusal) from None
    params = {"filename": (upload.filename or "")[:200]}
    return jobs.start(KIND, user=user, channel=channel, params=params, upload=data)


@handler(KIND)
def run_import(job: Job, progress: Progress) -> dict:
    created = services.import_apprentices(
        job.upload or b"", job.params.get("filename"), progress=progress
    )
    return {"created": created}
