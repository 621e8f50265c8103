"""The returns exports: reading a date range, building each file, and sending it.

The pages and the API call the same functions; the file itself comes from the pure
`write_xlsx`, into a file of any size (`write_export`, for work done away from a request) or
into memory for a download (`export_file`); `send_xlsx` only wraps its bytes in a response.
"""

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import BinaryIO

from flask import Response

from epa import clock
from epa.errors import ServiceError
from epa.exports import queries
from epa.exports.schemas import DateRange, ExportRange
from epa.exports.spreadsheets import write_xlsx
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


@dataclass(frozen=True)
class Sheet:
    """What an export's workbook holds: its sheet's name, header row and rows (read as they
    are written), and a count of those rows, asked only to report progress."""

    name: str
    headers: list[str]
    rows: Iterator[list]
    count: Callable[[], int]


def _outcomes(span: DateRange) -> Sheet:
    names = queries.outcome_method_names(span.first, span.last)
    return Sheet(
        "Outcomes",
        queries.outcome_headers(names),
        queries.outcome_rows(span.first, span.last, names),
        lambda: queries.outcome_count(span.first, span.last),
    )


def _bookings(span: DateRange) -> Sheet:
    return Sheet(
        "Bookings",
        queries.BOOKING_HEADERS,
        queries.booking_rows(span.first, span.last),
        lambda: queries.booking_count(span.first, span.last),
    )


#: each export's sheet, by the name its file, metrics and log give it
TABLES = {"outcomes": _outcomes, "bookings": _bookings}


def file_name(kind: str, span: DateRange) -> str:
    return f"{kind}-{span.first}-to-{span.last}.xlsx"


def write_export(
    kind: str,
    span: DateRange,
    out: BinaryIO | str | os.PathLike,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the export (`outcomes` or `bookings`) over the range to a file object or path,
    whatever its size, and return how many rows it holds.

    `progress(done, total)` is told every PROGRESS_EVERY rows and at the end; `total` is
    counted first (another query), so only when progress is asked for.
    """
    sheet = TABLES[kind](span)
    told = None
    if progress is not None:
        total = sheet.count()
        progress(0, total)

        def told(done: int) -> None:
            # Rows confirmed between the count and the reading still count.
            progress(done, max(done, total))

    return write_xlsx(out, sheet.name, sheet.headers, sheet.rows, progress=told)


def export_file(kind: str, asked: ExportRange, user_id: int) -> Response:
    """The export (`outcomes` or `bookings`) over the range asked for, as a download; who
    asked is logged."""
    span = date_range(asked, kind)
    buffer = BytesIO()
    with timed(EXPORT_SECONDS, kind=kind):
        write_export(kind, span, buffer)
    EXPORTS.labels(kind=kind).inc()
    log.info("User %s exported %s from %s to %s", user_id, kind, span.first, span.last)
    return send_xlsx(file_name(kind, span), buffer.getvalue())


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
