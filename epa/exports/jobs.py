"""The returns as jobs: a worker writes the workbook into the storage folder, where whoever asked
for it may download it for 7 days (epa.jobs.files)."""

import logging
from datetime import date

from epa import clock
from epa.exports import services
from epa.exports.schemas import DateRange, ExportRange
from epa.jobs import files
from epa.jobs import services as jobs
from epa.jobs.models import Job
from epa.jobs.running import Progress, handler
from epa.ops.metrics import EXPORT_SECONDS, EXPORTS, timed
from epa.rules.local_time import london_iso

log = logging.getLogger("epa.exports")

#: each export's job kind
KINDS = {"outcomes": "export_outcomes", "bookings": "export_bookings"}


def start_export(kind: str, asked: ExportRange, *, user, channel: str) -> Job:
    """Queue the export over the range asked for; a range it refuses is refused now."""
    span = services.date_range(asked, kind)
    params = {
        "from": span.first.isoformat(),
        "to": span.last.isoformat(),
        "filename": services.file_name(kind, span),
    }
    return jobs.start(KINDS[kind], user=user, channel=channel, params=params)


def _export(kind: str):
    def run(job: Job, progress: Progress) -> dict:
        span = DateRange(
            date.fromisoformat(job.params["from"]), date.fromisoformat(job.params["to"])
        )
        name = files.new_name(job, ".xlsx")
        path = files.folder() / name
        partial = path.with_name(name + ".part")
        try:
            with timed(EXPORT_SECONDS, kind=kind):
                rows = services.write_export(kind, span, partial, progress=progress)
            partial.replace(path)  # whole or not at all: a reader never sees half a file
        finally:
            partial.unlink(missing_ok=True)
        EXPORTS.labels(kind=kind).inc()
        log.info("User %s exported %s from %s to %s", job.user_id, kind, span.first, span.last)
        job.file_name = name
        job.expires_at = clock.now() + files.KEEP
        return {
            "rows": rows,
            "filename": job.params["filename"],
            "expires_at": london_iso(job.expires_at),
        }

    return run


for _kind, _name in KINDS.items():
    handler(_name)(_export(_kind))
