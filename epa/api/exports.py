"""Returns spreadsheets over a date range: confirmed outcomes and bookings, as xlsx files."""

from flask import g

from epa.api.contract import OFFICE, operation
from epa.exports import services
from epa.exports.schemas import ExportRange

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
