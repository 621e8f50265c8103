"""Returns spreadsheets over a date range: confirmed outcomes and bookings, as xlsx files."""

from flask import g

from epa.api.contract import OFFICE, operation
from epa.api.jobs import started
from epa.exports import services
from epa.exports.jobs import start_export
from epa.exports.schemas import ExportRange
from epa.extensions import db
from epa.jobs.schemas import JobStarted

#: both exports take a range of dates and give a workbook; a `to` earlier than `from` (once
#: the defaults are taken) is validation_failed
EXPORT = {
    "roles": OFFICE,
    "tag": "Exports",
    "query": ExportRange,
    "content": services.XLSX,
    "errors": {422: ["invalid_date"]},
}


@operation(
    "get",
    "/exports/outcomes.xlsx",
    **EXPORT,
    summary="Confirmed outcomes achieved in a date range, one row per apprentice (sheet "
    "Outcomes); `from` defaults to 12 months before `to`, `to` to today (London)",
)
def export_outcomes(query: ExportRange):
    """Confirmed outcomes achieved in the range, one row per apprentice."""
    return services.export_file("outcomes", query, g.actor.id)


@operation(
    "get",
    "/exports/bookings.xlsx",
    **EXPORT,
    summary="Assessments starting in a date range (London dates), cancelled ones included, by "
    "start time (sheet Bookings); `from` defaults to today (London), `to` to 12 months after "
    "`from`",
)
def export_bookings(query: ExportRange):
    """Every assessment starting in the range, cancelled ones included, by start time."""
    return services.export_file("bookings", query, g.actor.id)


#: making a return of any size: a worker writes it, and the job's result says where to fetch it
PREPARE = {
    "roles": OFFICE,
    "tag": "Exports",
    "body": ExportRange,
    "response": JobStarted,
    "status": 202,
    "errors": {422: ["invalid_date"]},
}


@operation(
    "post",
    "/exports/outcomes",
    **PREPARE,
    summary="Make the outcomes return for a date range (as GET /exports/outcomes.xlsx) as a job; "
    "on success its result's download_url serves the file to you for 7 days",
)
def prepare_outcomes(body: ExportRange):
    return _prepare("outcomes", body)


@operation(
    "post",
    "/exports/bookings",
    **PREPARE,
    summary="Make the bookings return for a date range (as GET /exports/bookings.xlsx) as a job; "
    "on success its result's download_url serves the file to you for 7 days",
)
def prepare_bookings(body: ExportRange):
    return _prepare("bookings", body)


def _prepare(kind: str, asked: ExportRange) -> dict:
    job = start_export(kind, asked, user=g.actor, channel="api")
    db.session.commit()
    db.session.refresh(job)
    return started(job)
