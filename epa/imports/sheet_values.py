"""The values of a workbook's first sheet, row by row, read with openpyxl's own parsers.

openpyxl's read-only worksheet reads a whole sheet once just to learn its size when the file
does not state it (openpyxl's own write-only files do not), and builds a rich-text object for
every text cell stored in the sheet rather than in the shared strings; reading the values of
a 10,000-row import cost twice what it needs. This reads the same parts through the same
parsers (defusedxml's, so no entity is ever expanded), once.
"""

from collections.abc import Iterator
from io import BytesIO

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import coordinate_to_tuple
from openpyxl.worksheet._reader import INLINE_STRING, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_RUN = f"{{{SHEET_MAIN_NS}}}r"


class Workbook:
    """An xlsx file opened for its first sheet's values; close it when done."""

    def __init__(self, data: bytes):
        self._reader = ExcelReader(BytesIO(data), read_only=True, data_only=True, keep_links=False)
        try:
            self._reader.read_manifest()
            self._reader.read_strings()
            self._reader.read_workbook()
            apply_stylesheet(self._reader.archive, self._reader.wb)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self._reader.archive.close()

    def first_sheet_rows(self, width: int) -> Iterator[tuple[int, tuple]]:
        """(row number, the first `width` values) for every row to the last one with cells,
        those the file leaves out as `width` Nones, as openpyxl's read-only sheet gives them."""
        reader = self._reader
        target = next(
            rel.target
            for _, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        )
        workbook = reader.wb
        parser = _ValuesParser(
            reader.archive.open(target),
            reader.shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        return _rows(parser, width)


def _rows(parser: WorkSheetParser, width: int) -> Iterator[tuple[int, tuple]]:
    empty = (None,) * width
    expected = 1
    for number, cells in parser.parse():
        if number < expected:  # a row out of order, which openpyxl passes over too
            continue
        for missing in range(expected, number):
            yield missing, empty
        values = [None] * width
        for cell in cells:
            if 1 <= cell["column"] <= width:
                values[cell["column"] - 1] = cell["value"]
        yield number, tuple(values)
        expected = number + 1


class _ValuesParser(WorkSheetParser):
    """openpyxl's sheet parser, reading text stored in a cell as its plain text."""

    def parse_cell(self, element):
        if element.get("t") != "inlineStr":
            return super().parse_cell(element)
        coordinate = element.get("r")
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        inline = element.find(INLINE_STRING)
        value = None if inline is None else _plain_text(inline)
        return {"row": row, "column": column, "value": value}


def _plain_text(inline) -> str:
    """The cell's text as openpyxl's rich text gives it: the text, then each run's text
    (phonetic guides left out)."""
    parts = [inline.findtext(_TEXT) or ""]
    parts += [run.findtext(_TEXT) or "" for run in inline.iterfind(_RUN)]
    return "".join(parts)
