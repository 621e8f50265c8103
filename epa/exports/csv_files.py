"""CSV files from plain headers and rows: pure (no Flask, no database), so every list's download
uses it.

A spreadsheet opening the file would run a cell that starts like a formula, so such a cell is
written with a leading apostrophe (OWASP's advice on CSV injection). The byte order mark lets
Excel read the file as UTF-8, so names such as Élodie or Siobhán come through as written.
"""

import csv
from collections.abc import Iterable
from datetime import date, datetime
from io import StringIO

from epa.rules.local_time import LONDON

CSV = "text/csv"
BOM = "\ufeff"
#: what a spreadsheet may take as the start of a formula (a tab or carriage return can hide one)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: the most rows one download holds: the same as the most an import takes, so a file the service
#: wrote can always be read back; a wider selection is refused with a word to narrow it
MAX_ROWS = 20_000


def safe_cell(value) -> str:
    """A value as the text of one cell, which no spreadsheet will run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)  # a number, -1 say, is data and not a formula
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def generate_csv(headers: list[str], rows: Iterable[list]) -> bytes:
    """The whole file in UTF-8 with a byte order mark, lines ended CRLF as RFC 4180 asks."""
    buffer = StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(text) for text in headers])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def csv_filename(what: str, today: date) -> str:
    """The download's name: what it holds and the day it was made, "apprentices-2026-11-26.csv"."""
    return f"{what}-{today.isoformat()}.csv"
