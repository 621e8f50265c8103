"""The returns exports: reading a date range, building each file, and sending it.

The pages and the API call the same functions; the file itself comes from the pure
`generate_xlsx`, and `send_xlsx` only wraps its bytes in a response.
"""

import logging
from collections.abc import Iterable
from datetime import date

from flask import Response

from epa import clock
from epa.errors import ServiceError
from epa.exports import queries
from epa.exports.schemas import DateRange, ExportRange
from epa.exports.spreadsheets import generate_xlsx
from epa.ops.metrics import EXPORT_SECONDS, EXPORTS, timed
from epa.rules.dates import add_months

log = logging.getLogger("epa.exports")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: how far a range reaches when one end (or both) is left out
DEFAULT_MONTHS = 12


def date_range(asked: ExportRange, kind: str) -> DateRange:
    """The dates an export covers: outcomes default to the 12 months up to today (or up to
    `to`), bookings to the 12 months from today (or from `from`); refused if `to` is earlier."""
    today = clock.today()
    if kind == "outcomes":
        last = asked.to or today
        first = asked.from_ or add_months(last, -DEFAULT_MONTHS)
    else:
        first = asked.from_ or today
        last = asked.to or add_months(first, DEFAULT_MONTHS)
    if first > last:
        message = (
            f"The to date ({_long(last)}) must be the same as or after the from date "
            f"({_long(first)})"
        )
        raise ServiceError("validation_failed", message + ".", fields={"to": message})
    return DateRange(first, last)


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _outcomes(span: DateRange) -> tuple[str, list[str], Iterable[list]]:
    names = queries.outcome_method_names(span.first, span.last)
    rows = queries.outcome_rows(span.first, span.last, names)
    return "Outcomes", queries.outcome_headers(names), rows


def _bookings(span: DateRange) -> tuple[str, list[str], Iterable[list]]:
    return "Bookings", queries.BOOKING_HEADERS, queries.booking_rows(span.first, span.last)


#: each export's sheet name, headers and rows, by the name its file, metrics and log give it
TABLES = {"outcomes": _outcomes, "bookings": _bookings}
#: rows written between two reports of progress
PROGRESS_EVERY = 1000


def file_name(kind: str, span: DateRange) -> str:
    return f"{kind}-{span.first}-to-{span.last}.xlsx"


def write_export(kind: str, span: DateRange, path, *, progress=None) -> int:
    """Write the export's workbook to `path`; how many rows it holds. `progress(done, None)`
    is told as rows are written (how many there will be is not counted first)."""
    sheet, headers, rows = TABLES[kind](span)
    counted = 0

    def counting(rows):
        nonlocal counted
        for row in rows:
            counted += 1
            if progress is not None and counted % PROGRESS_EVERY == 0:
                progress(counted, None)
            yield row

    data = generate_xlsx(sheet, headers, counting(rows))
    with open(path, "wb") as out:
        out.write(data)
    return counted


def export_file(kind: str, asked: ExportRange, user_id: int) -> Response:
    """The export (`outcomes` or `bookings`) over the range asked for, as a download; who
    asked is logged."""
    span = date_range(asked, kind)
    with timed(EXPORT_SECONDS, kind=kind):
        data = generate_xlsx(*TABLES[kind](span))
    EXPORTS.labels(kind=kind).inc()
    log.info("User %s exported %s from %s to %s", user_id, kind, span.first, span.last)
    return send_xlsx(file_name(kind, span), data)


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
