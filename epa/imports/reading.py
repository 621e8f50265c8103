"""Reading the apprentices import spreadsheet: pure (no Flask, no database).

An upload is untrusted. Before openpyxl sees it the zip container is checked, because a zip
bomb declares sizes far beyond its own (and `zipfile` never unpacks more than a member
declares). openpyxl parses every XML part through defusedxml, which refuses entity
declarations: no "billion laughs" expansion, no external entity reading a local file.
"""

import logging
import warnings
import zipfile
from datetime import date, datetime, time
from io import BytesIO

import openpyxl

from epa.imports import sheet_values

# openpyxl uses defusedxml whenever it is installed (the project depends on it); without it an
# uploaded sheet's entities would expand or read files, so refuse to run at all.
if not openpyxl.DEFUSEDXML:
    raise ImportError(
        "defusedxml must be installed (and OPENPYXL_DEFUSEDXML not False) to read uploads"
    )

log = logging.getLogger("epa.imports")

#: The template's header row: the contract's columns, in order.
HEADERS = (
    "ULN",
    "Given names",
    "Family name",
    "Date of birth",
    "Email",
    "Employer",
    "Provider UKPRN",
    "Standard",
    "Start date",
    "EHC plan",
)
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
#: what the parts may unpack to, in all. A full file (20,000 rows of ten columns) unpacks to
#: about 15 MB; parsing is what a crafted file makes costly (about 3 MB a second), so the cap
#: stays a few times that rather than the 100 MB or more a zip could declare.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
#: a part that unpacks to more than this many times its packed size is a zip bomb
MAX_RATIO = 100
#: small parts (styles, an almost empty sheet) may pack tighter than that, harmlessly
RATIO_CHECKED_FROM = 1024 * 1024
MAX_PARTS = 1_000
#: columns read from each row; the template has ten, and further ones are ignored
MAX_COLUMNS = 50
#: Excel's last row: a sheet claiming a later one was not made by a spreadsheet program
LAST_ROW = 1_048_576
_LABEL_LENGTH = 40


class FileRefused(Exception):
    """The file as a whole cannot be imported: a contract code and a sentence to act on."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class CellProblem(ValueError):
    """A cell that holds the wrong kind of value; the message names what to enter."""


def unreadable(reason: str) -> FileRefused:
    return FileRefused(
        "unreadable_file",
        f"The file cannot be read as an Excel workbook (.xlsx): {reason}. Download the "
        "template, fill it in and save it as an Excel workbook.",
    )


def read_rows(data: bytes, filename: str | None = None) -> list[tuple[int, dict]]:
    """The filled-in rows as (spreadsheet row number, {header: cell value}), blank rows skipped.

    Raises FileRefused for a file that is too large, not a safe xlsx, not the template, empty,
    or longer than MAX_ROWS.
    """
    check_upload(data, filename)
    with warnings.catch_warnings():
        # openpyxl warns about the parts it skips (data validation, conditional formatting,
        # a missing stylesheet); reading values needs none of them, so they are not problems.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
        return _read_first_sheet(data)


def check_upload(data: bytes, filename: str | None = None) -> None:
    """What can be told of a file at once, before its rows are read: its size, its name, and
    that it is a zip an xlsx can be. Raises FileRefused."""
    check_size(data)
    if filename and not filename.lower().endswith(".xlsx"):
        raise unreadable("only .xlsx files can be imported (save a CSV or .xls file as .xlsx)")
    check_container(data)


def check_size(data: bytes) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(
            "file_too_large",
            f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB. Split it into "
            "smaller files and upload each one.",
        )


def check_container(data: bytes) -> None:
    """Refuse anything that is not a zip a spreadsheet program could have written."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise unreadable("it is not a zip file, or it is incomplete") from None
    if len(parts) > MAX_PARTS:
        raise unreadable(f"it has more than {MAX_PARTS} parts")
    if "[Content_Types].xml" not in {part.filename for part in parts}:
        raise unreadable("it is a zip file, but not a spreadsheet")
    if any(part.flag_bits & 0x1 for part in parts):
        raise unreadable("it is encrypted; save it again without a password")
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise unreadable("it unpacks to far more data than a spreadsheet of apprentices holds")
    for part in parts:
        if part.file_size > RATIO_CHECKED_FROM and part.file_size > MAX_RATIO * max(
            part.compress_size, 1
        ):
            raise unreadable("it unpacks to far more data than a spreadsheet of apprentices holds")


def _read_first_sheet(data: bytes) -> list[tuple[int, dict]]:
    try:
        workbook = sheet_values.Workbook(data)
    except Exception as error:  # a hostile or broken file can make openpyxl raise anything
        log.info("Refused an unreadable import: %s", type(error).__name__)
        raise unreadable("its contents are damaged or not allowed") from None
    try:
        try:
            # The dimension the file declares may lie: the rows are read as they are.
            cells = workbook.first_sheet_rows(MAX_COLUMNS)
        except Exception as error:
            log.info("Refused an import without a readable sheet: %s", type(error).__name__)
            raise unreadable("its first sheet cannot be read") from None
        return _rows(_guarded(cells))
    finally:
        workbook.close()


def _guarded(cells):
    """openpyxl's rows, with any failure inside the sheet's XML turned into a refusal."""
    while True:
        try:
            values = next(cells)
        except StopIteration:
            return
        except Exception as error:  # a hostile or broken sheet can make openpyxl raise anything
            log.info("Refused an import with an unreadable sheet: %s", type(error).__name__)
            raise unreadable("its first sheet is damaged or not allowed") from None
        yield values


def _rows(numbered) -> list[tuple[int, dict]]:
    first = next(numbered, None)
    if first is None or _blank(first[1]):
        raise FileRefused("wrong_columns", _header_message("The first row is empty"))
    positions = columns(first[1])
    found = []
    for row_number, values in numbered:
        if row_number > LAST_ROW:
            raise unreadable(f"it has rows after row {LAST_ROW:,}, Excel's last row")
        if _blank(values):
            continue
        if len(found) == MAX_ROWS:
            raise FileRefused(
                "too_many_rows",
                f"The file has more than {MAX_ROWS:,} apprentices. Split it into files of "
                f"{MAX_ROWS:,} rows or fewer and upload each one.",
            )
        found.append((row_number, {header: values[index] for header, index in positions.items()}))
    if not found:
        raise FileRefused(
            "no_rows",
            "The file has no apprentices: fill in one row for each apprentice under the header "
            "row, then upload it again.",
        )
    return found


def columns(header_row) -> dict[str, int]:
    """Where each template column is; refused unless every column is there exactly once."""
    wanted = {header.casefold(): header for header in HEADERS}
    positions: dict[str, int] = {}
    unexpected = []
    for index, value in enumerate(header_row):
        if _is_blank(value):
            continue
        label = " ".join(str(value).split())
        header = wanted.get(label.casefold())
        if header is None or header in positions:
            unexpected.append(_short(label))
        else:
            positions[header] = index
    missing = [header for header in HEADERS if header not in positions]
    if missing or unexpected:
        found = []
        if missing:
            found.append(f"missing {', '.join(missing)}")
        if unexpected:
            found.append(f"not in the template (or there twice) {', '.join(unexpected[:5])}")
        raise FileRefused(
            "wrong_columns", _header_message(f"The header row has {'; '.join(found)}")
        )
    return positions


def _header_message(problem: str) -> str:
    return (
        f"{problem}. The first row must be the template's header: {', '.join(HEADERS)}. "
        "Download the template and copy the apprentices into it."
    )


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_LENGTH else label[: _LABEL_LENGTH - 1] + "…"


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _blank(values: tuple) -> bool:
    # Counting in C first: a sheet may hold a million empty rows.
    return values.count(None) == len(values) or all(_is_blank(value) for value in values)


def cell_text(value) -> str | None:
    """A cell as text: a whole number typed into Excel (a ULN, a UKPRN) as its digits."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def cell_date(value) -> date | str | None:
    """A date cell's date, or the text (the service reads YYYY-MM-DD); None when blank."""
    if _is_blank(value):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise CellProblem("Enter a date without a time, or text like 2001-04-12")
        return value.date()
    if isinstance(value, date):
        return value
    raise CellProblem("Enter a date: a date cell, or text like 2001-04-12")


def cell_yes_no(value) -> bool:
    """Yes or No in any case; blank is No."""
    if _is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().casefold() in ("yes", "no"):
        return value.strip().casefold() == "yes"
    raise CellProblem("Enter Yes or No (leave it blank for No)")
