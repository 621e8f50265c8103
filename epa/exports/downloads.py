"""A list's rows as a CSV download: every page of what its filters select, up to a limit."""

from flask import Response

from epa import clock
from epa.errors import ServiceError
from epa.exports.csv_files import CSV, MAX_ROWS, csv_filename, generate_csv
from epa.extensions import db


def rows_within_limit(query, what: str) -> list:
    """Every row of the query, or a refusal when there are more than one file holds."""
    found = db.session.scalars(query.limit(MAX_ROWS + 1)).all()
    if len(found) > MAX_ROWS:
        raise ServiceError(
            "too_many_rows",
            f"These filters select more than {MAX_ROWS:,} {what}, the most one download holds. "
            "Narrow the filters (a date range, a status or an organisation) and download again.",
            status=422,
        )
    return found


def send_csv(what: str, headers: list[str], rows, *, day=None) -> Response:
    """The rows as a CSV file named for what it holds and `day` (by default today); personal
    data, so no cache keeps a copy."""
    filename = csv_filename(what, day or clock.today())
    return Response(
        generate_csv(headers, rows),
        mimetype=CSV,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
