"""xlsx files from plain headers and rows: pure (no Flask, no database), so any export uses it.

Rows are written as they come, straight into the zip being written, so an export of hundreds
of thousands of rows never holds them in memory and leaves no temporary file. Each row is
written as text (see xlsx_package): openpyxl's cell objects made an export cost a third more
than the cells alone.
"""

import logging
import math
import os
import re
import zipfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from io import BytesIO
from itertools import chain, islice
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from epa.exports import xlsx_package as package
from epa.rules.local_time import LONDON

log = logging.getLogger("epa.exports")

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
#: the most characters (UTF-16 units, as Excel counts) one cell holds
MAX_CELL_TEXT = 32_767
#: XML 1.0 cannot carry these either, beyond the control characters openpyxl refuses
_NOT_XML = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
#: either kind, found in one pass: most text holds neither and is written as it is
_NOT_IN_A_CELL = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|{_NOT_XML.pattern}")
#: rows read ahead to size the columns when no widths are given
SAMPLE_ROWS = 100
MIN_WIDTH, MAX_WIDTH = 8, 60
#: room for the auto filter's drop-down button beside a header
FILTER_BUTTON = 4
#: rows between reports of progress, and between writes to the file
PROGRESS_EVERY = 1000
#: every column Excel has, by position from 0
_LETTERS = [get_column_letter(number) for number in range(1, 16_385)]
#: the day Excel counts dates from (with its 29 February 1900, which never was)
_DAY_ZERO = date(1899, 12, 30)


def generate_xlsx(
    sheet_name: str,
    headers: list[str],
    rows: Iterable[list],
    *,
    widths: list[int] | None = None,
) -> bytes:
    """One sheet, as the bytes of an xlsx file: for downloads small enough to hold."""
    buffer = BytesIO()
    write_xlsx(buffer, sheet_name, headers, rows, widths=widths)
    return buffer.getvalue()


def write_xlsx(
    out: BinaryIO | str | os.PathLike,
    sheet_name: str,
    headers: list[str],
    rows: Iterable[list],
    *,
    widths: list[int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write an xlsx file of one sheet to a file object or path: a bold, frozen, filterable
    header row, then the rows, read one at a time and never held. Returns how many rows.

    `progress(rows written)` is told every PROGRESS_EVERY rows and at the end. Text is always
    a text cell (never a formula or an error value), dates are date cells, instants show the
    London wall clock. A file written to a path is removed if writing fails part way.
    """
    if isinstance(out, str | os.PathLike):
        try:
            with open(out, "wb") as file:
                return write_xlsx(file, sheet_name, headers, rows, widths=widths, progress=progress)
        except BaseException:
            Path(out).unlink(missing_ok=True)
            raise
    rows = iter(rows)
    if widths is None:
        sample = list(islice(rows, SAMPLE_ROWS))
        widths = column_widths(headers, sample)
        rows = chain(sample, rows)
    place = _Place(sheet_name, headers)
    last_column = _LETTERS[max(len(headers), 1) - 1]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=_COMPRESSION) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(package.sheet_start(widths).encode())
            part.write(_header(headers, place).encode())
            count = _write_rows(part, rows, place, progress)
            part.write(package.sheet_end(last_column, count + 1).encode())
        archive.writestr("[Content_Types].xml", package.CONTENT_TYPES)
        archive.writestr("_rels/.rels", package.ROOT_RELATIONSHIPS)
        archive.writestr("xl/workbook.xml", package.workbook(sheet_name, last_column, count + 1))
        archive.writestr("xl/_rels/workbook.xml.rels", package.WORKBOOK_RELATIONSHIPS)
        archive.writestr("xl/styles.xml", package.styles(DATE_FORMAT, DATETIME_FORMAT))
    return count


#: zlib's quickest level: the sheet's text is most of the work of writing, and packs almost as
#: small (about a ninth) as at the default level
_COMPRESSION = 1


def _write_rows(part, rows: Iterable[list], place: "_Place", progress) -> int:
    waiting: list[str] = []
    count = 0
    for count, row in enumerate(rows, 1):  # noqa: B007 (the count is the result)
        place.row = count + 1
        waiting.append(_row(count + 1, row, place))
        if count % PROGRESS_EVERY == 0:
            part.write("".join(waiting).encode())
            waiting.clear()
            if progress is not None:
                progress(count)
    part.write("".join(waiting).encode())
    if progress is not None:
        progress(count)
    return count


def _header(headers: list[str], place: "_Place") -> str:
    cells = "".join(
        _text(f"{_LETTERS[index]}1", text, place, index, package.BOLD)
        for index, text in enumerate(headers)
    )
    return f'<row r="1">{cells}</row>'


def _row(number: int, values: list, place: "_Place") -> str:
    """One row's XML. The common kinds are told apart by their exact type, the quickest way."""
    row = str(number)
    cells = [f'<row r="{row}">']
    add = cells.append
    for index, value in enumerate(values):
        kind = type(value)
        if value is None:
            continue
        if kind is str:
            add(_text(_LETTERS[index] + row, value, place, index))
        elif kind is date:
            day = (value - _DAY_ZERO).days
            if day <= 60:  # before March 1900 Excel's count is out by its extra day
                day = to_excel(value)
            add(f'<c r="{_LETTERS[index]}{row}" s="{package.DATE}"><v>{day}</v></c>')
        elif kind is int:
            add(f'<c r="{_LETTERS[index]}{row}"><v>{value}</v></c>')
        else:
            add(_other(_LETTERS[index] + row, value, place, index))
    add("</row>")
    return "".join(cells)


def _other(reference: str, value, place: "_Place", index: int) -> str:
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, str):
        return _text(reference, str(value), place, index)
    if isinstance(value, datetime):
        if value.tzinfo is not None:  # Excel has no time zones: show the London wall clock
            value = value.astimezone(LONDON).replace(tzinfo=None)
        return f'<c r="{reference}" s="{package.DATETIME}"><v>{to_excel(value)!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{reference}" s="{package.DATE}"><v>{to_excel(value)}</v></c>'
    if isinstance(value, int | float) and math.isfinite(value):
        return f'<c r="{reference}"><v>{value!r}</v></c>'
    return _text(reference, str(value), place, index)


def _text(reference: str, value: str, place: "_Place", index: int, style: int = 0) -> str:
    """A text cell: text in a cell is never a formula or an error value, however it starts."""
    if _NOT_IN_A_CELL.search(value) or len(value) > MAX_CELL_TEXT // 2:
        value, removed, cut = excel_text(value)
        if removed:
            log.warning("Removed characters Excel cannot hold from %s", place.describe(index))
        if cut:
            log.warning("Cut text longer than a cell holds (32,767) in %s", place.describe(index))
    text = escape(value, _CARRIAGE_RETURN) if _NEEDS_ESCAPING.search(value) else value
    space = ' xml:space="preserve"' if value != value.strip() else ""
    styled = f' s="{style}"' if style else ""
    return f'<c r="{reference}"{styled} t="inlineStr"><is><t{space}>{text}</t></is></c>'


_NEEDS_ESCAPING = re.compile("[&<>\r]")
#: a carriage return would be read back as a line feed unless written as a reference
_CARRIAGE_RETURN = {"\r": "&#13;"}


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
