"""xlsx files from plain headers and rows: pure (no Flask, no database), so any export uses it.

openpyxl's write-only mode streams rows to a temporary file as they come, so an export of
hundreds of thousands of rows never holds them all in memory.
"""

import contextlib
import logging
import re
from collections.abc import Iterable
from datetime import date, datetime
from io import BytesIO
from itertools import chain, islice

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from epa.rules.local_time import LONDON

log = logging.getLogger("epa.exports")

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
#: the most characters (UTF-16 units, as Excel counts) one cell holds
MAX_CELL_TEXT = 32_767
#: XML 1.0 cannot carry these either, beyond the control characters openpyxl refuses
_NOT_XML = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
#: rows read ahead to size the columns when no widths are given
SAMPLE_ROWS = 100
MIN_WIDTH, MAX_WIDTH = 8, 60
#: room for the auto filter's drop-down button beside a header
FILTER_BUTTON = 4
_BOLD = Font(bold=True)
#: text starting with one of these is forced to a text cell
_NOT_PLAIN = ("=", "+", "-", "@", "#")


def generate_xlsx(
    sheet_name: str,
    headers: list[str],
    rows: Iterable[list],
    *,
    widths: list[int] | None = None,
) -> bytes:
    """One sheet: a bold, frozen, filterable header row, then the rows, read one at a time."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    rows = iter(rows)
    if widths is None:
        sample = list(islice(rows, SAMPLE_ROWS))
        widths = column_widths(headers, sample)
        rows = chain(sample, rows)
    # Column widths and the frozen pane go before the rows in the file: set them first.
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    place = _Place(sheet_name, headers)
    try:
        sheet.append([_header_cell(sheet, text, place, i) for i, text in enumerate(headers)])
        row_number = 1
        for row in rows:
            row_number += 1
            place.row = row_number
            sheet.append([_cell(sheet, value, place, i) for i, value in enumerate(row)])
        sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(headers), 1))}{row_number}"
        buffer = BytesIO()
        workbook.save(buffer)
    except BaseException:
        _discard(workbook)
        raise
    return buffer.getvalue()


def _discard(workbook) -> None:
    """Finish a half-written workbook into nothing.

    openpyxl keeps the rows written so far (personal data) in a temporary file that it
    removes only on save or when the process ends: a long-lived worker would keep them.
    Saving is its public way to close the sheet and delete that file; the bytes are dropped.
    """
    with contextlib.suppress(Exception):
        workbook.save(BytesIO())


def column_widths(headers: list[str], sample: list[list]) -> list[int]:
    """Widths that fit each header (with its filter button) and the sampled values."""
    widths = []
    for index, header in enumerate(headers):
        longest = max((_shown_length(row[index]) for row in sample if index < len(row)), default=0)
        wanted = max(len(header) + FILTER_BUTTON, longest + 2)
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, wanted)))
    return widths


def excel_text(value: str) -> tuple[str, bool, bool]:
    """Text Excel can hold: (text, whether characters were removed, whether it was cut)."""
    cleaned = _NOT_XML.sub("", ILLEGAL_CHARACTERS_RE.sub("", value))
    removed = len(cleaned) != len(value)
    cut = False
    if len(cleaned) > MAX_CELL_TEXT // 2 and _utf16_length(cleaned) > MAX_CELL_TEXT:
        cleaned = _cut_to_fit(cleaned)
        cut = True
    return cleaned, removed, cut


class _Place:
    """Where a value goes, for logging without the value itself (it may be personal data)."""

    def __init__(self, sheet: str, headers: list[str]):
        self.sheet = sheet
        self.headers = headers
        self.row = 1

    def describe(self, index: int) -> str:
        header = self.headers[index] if index < len(self.headers) else "no header"
        column = get_column_letter(index + 1)
        return f"sheet {self.sheet!r}, row {self.row}, column {column} ({header})"


def _header_cell(sheet, text: str, place: _Place, index: int):
    cell = _forced_text_cell(sheet, excel_text(text)[0])
    cell.font = _BOLD
    return cell


def _cell(sheet, value, place: _Place, index: int):
    if isinstance(value, str):
        return _text_cell(sheet, value, place, index)
    if isinstance(value, datetime):
        if value.tzinfo is not None:  # Excel has no time zones: show the London wall clock
            value = value.astimezone(LONDON).replace(tzinfo=None)
        return _formatted_cell(sheet, value, DATETIME_FORMAT)
    if isinstance(value, date):
        return _formatted_cell(sheet, value, DATE_FORMAT)
    return value


def _text_cell(sheet, value: str, place: _Place, index: int):
    text, removed, cut = excel_text(value)
    if removed:
        log.warning("Removed characters Excel cannot hold from %s", place.describe(index))
    if cut:
        log.warning("Cut text longer than a cell holds (32,767) in %s", place.describe(index))
    if not text.startswith(_NOT_PLAIN):
        return text  # openpyxl writes any other text as text, and a bare value is quicker
    return _forced_text_cell(sheet, text)


def _forced_text_cell(sheet, text: str):
    """A cell that is text whatever it holds: openpyxl would make "=..." a formula and
    "#N/A" an error value; "+", "-" and "@" start formulas in spreadsheet programs."""
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"
    return cell


def _formatted_cell(sheet, value, number_format: str):
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = number_format
    return cell


def _shown_length(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len("00/00/0000 00:00")
    if isinstance(value, date):
        return len("00/00/0000")
    lines = str(value).splitlines() or [""]
    return max(len(line) for line in lines)


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut_to_fit(text: str) -> str:
    """The longest start of the text that fits a cell, never splitting a surrogate pair."""
    units = 0
    for position, character in enumerate(text):
        units += 2 if ord(character) > 0xFFFF else 1
        if units > MAX_CELL_TEXT:
            return text[:position]
    return text
