"""The returns exports: reading a date range, building each file, and sending it.

The pages and the API call the same functions; the file itself comes from the pure
`generate_xlsx`, and `send_xlsx` only wraps its bytes in a response.
"""

import logging
from datetime import date

from flask import Response

from epa import clock, validation
from epa.exports import queries
from epa.exports.spreadsheets import generate_xlsx
from epa.ops.metrics import EXPORT_SECONDS, EXPORTS, timed
from epa.rules.dates import add_months

log = logging.getLogger("epa.exports")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: how far a range reaches when one end (or both) is left out
DEFAULT_MONTHS = 12


def read_range(data, kind: str) -> tuple[date, date]:
    """The `from` and `to` dates of an export, both optional; refused with every problem.

    Outcomes default to the 12 months up to today (or up to `to`); bookings to the 12
    months from today (or from `from`).
    """
    problems = validation.Problems()
    date_from = validation.a_date(data, "from", "from date", problems, required=False)
    date_to = validation.a_date(data, "to", "to date", problems, required=False)
    problems.raise_if_any()
    today = clock.today()
    if kind == "outcomes":
        date_to = date_to or today
        date_from = date_from or add_months(date_to, -DEFAULT_MONTHS)
    else:
        date_from = date_from or today
        date_to = date_to or add_months(date_from, DEFAULT_MONTHS)
    if date_from > date_to:
        problems.add(
            "to",
            f"The to date ({_long(date_to)}) must be the same as or after the from date "
            f"({_long(date_from)})",
        )
    problems.raise_if_any()
    return date_from, date_to


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def outcomes_file(date_from: date, date_to: date, user_id: int) -> tuple[str, bytes]:
    """The outcomes return for the range and its file name; who asked is logged."""
    with timed(EXPORT_SECONDS, kind="outcomes"):
        names = queries.outcome_method_names(date_from, date_to)
        data = generate_xlsx(
            "Outcomes",
            queries.outcome_headers(names),
            queries.outcome_rows(date_from, date_to, names),
        )
    _log_export(user_id, "outcomes", date_from, date_to)
    return f"outcomes-{date_from}-to-{date_to}.xlsx", data


def bookings_file(date_from: date, date_to: date, user_id: int) -> tuple[str, bytes]:
    """The bookings export for the range and its file name; who asked is logged."""
    with timed(EXPORT_SECONDS, kind="bookings"):
        data = generate_xlsx(
            "Bookings", queries.BOOKING_HEADERS, queries.booking_rows(date_from, date_to)
        )
    _log_export(user_id, "bookings", date_from, date_to)
    return f"bookings-{date_from}-to-{date_to}.xlsx", data


def _log_export(user_id: int, kind: str, date_from: date, date_to: date) -> None:
    EXPORTS.labels(kind=kind).inc()
    log.info("User %s exported %s from %s to %s", user_id, kind, date_from, date_to)


def send_xlsx(filename: str, data: bytes) -> Response:
    """The file as a download; personal data, so no cache keeps a copy."""
    return Response(
        data,
        mimetype=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
