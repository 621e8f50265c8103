"""The pure xlsx generator, read back with openpyxl as a spreadsheet program would."""

import gc
import logging
import weakref
import zipfile
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from epa.exports.spreadsheets import (
    MAX_CELL_TEXT,
    MAX_WIDTH,
    MIN_WIDTH,
    SAMPLE_ROWS,
    generate_xlsx,
)

HEADERS = ["Name", "Born", "When", "Count"]


def read(data: bytes, sheet: str = "People"):
    return load_workbook(BytesIO(data))[sheet]


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_header_row_is_bold_frozen_and_filtered():
    rows = [["Sam", date(2001, 4, 12), None, 3], ["Priya", date(1999, 1, 2), None, 5]]
    sheet = read(generate_xlsx("People", HEADERS, rows))
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert all(cell.font.b for cell in sheet[1])
    assert not any(cell.font.b for cell in sheet[2])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D3"
    assert sheet.max_row == 3


def test_no_rows_still_gives_a_filtered_header():
    sheet = read(generate_xlsx("People", HEADERS, []))
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet.auto_filter.ref == "A1:D1"
    assert sheet.max_row == 1


def test_dates_are_date_cells_with_a_date_format():
    sheet = read(generate_xlsx("People", HEADERS, [["Sam", date(2001, 4, 12), None, 1]]))
    cell = sheet["B2"]
    assert cell.is_date and cell.data_type == "d"
    assert cell.number_format == "DD/MM/YYYY"
    assert cell.value == datetime(2001, 4, 12)


@pytest.mark.parametrize(
    "instant, wall_clock",
    [
        (datetime(2026, 12, 10, 10, 0, tzinfo=UTC), datetime(2026, 12, 10, 10, 0)),  # GMT
        (datetime(2027, 6, 10, 9, 0, tzinfo=UTC), datetime(2027, 6, 10, 10, 0)),  # BST
        (datetime(2027, 6, 10, 10, 0), datetime(2027, 6, 10, 10, 0)),  # already wall clock
    ],
)
def test_instants_become_london_wall_clock_date_time_cells(instant, wall_clock):
    sheet = read(generate_xlsx("People", HEADERS, [["Sam", None, instant, 1]]))
    cell = sheet["C2"]
    assert cell.is_date and cell.number_format == "DD/MM/YYYY HH:MM"
    assert cell.value == wall_clock


FORMULA_LOOKING = [
    "=1+1",
    "+44 1234",
    "-5",
    "@SUM(A1)",
    '=HYPERLINK("http://example.com","click")',
    "=",
    "#N/A",
    "#DIV/0!",
    "  spaced  ",
    "-",
]


@pytest.mark.parametrize("text", FORMULA_LOOKING)
def test_text_that_looks_like_a_formula_stays_text_exactly(text):
    data = generate_xlsx("People", HEADERS, [[text, None, None, text]])
    sheet = read(data)
    for cell in (sheet["A2"], sheet["D2"]):
        assert cell.data_type == "s", cell.data_type
        assert cell.value == text
    assert "<f>" not in sheet_xml(data) and "<f " not in sheet_xml(data)


def test_a_formula_looking_header_stays_text():
    sheet = read(generate_xlsx("People", ["=1+1", "-x"], []))
    assert [(c.value, c.data_type) for c in sheet[1]] == [("=1+1", "s"), ("-x", "s")]


def test_numbers_and_booleans_keep_their_type():
    rows = [["Sam", None, None, 42], [True, None, None, 1.5]]
    sheet = read(generate_xlsx("People", HEADERS, rows))
    assert (sheet["D2"].value, sheet["D2"].data_type) == (42, "n")
    assert (sheet["D3"].value, sheet["D3"].data_type) == (1.5, "n")
    assert (sheet["A3"].value, sheet["A3"].data_type) == (True, "b")
    assert sheet["B2"].value is None


def test_characters_excel_cannot_hold_are_removed_and_logged_without_the_value(caplog):
    secret = "Sam\x00\x01\x0bTay\x1flor\ufffe"
    with caplog.at_level(logging.WARNING, logger="epa.exports"):
        sheet = read(generate_xlsx("People", HEADERS, [["ok", None, None, 1], [secret]]))
    assert sheet["A3"].value == "SamTaylor"
    records = [r for r in caplog.records if r.name == "epa.exports"]
    assert len(records) == 1 and records[0].levelno == logging.WARNING
    message = records[0].getMessage()
    assert "'People'" in message and "row 3" in message and "column A (Name)" in message
    assert "Sam" not in message and "Tay" not in message


def test_tabs_and_line_breaks_are_kept(caplog):
    with caplog.at_level(logging.WARNING, logger="epa.exports"):
        sheet = read(generate_xlsx("People", HEADERS, [["Flat 1\nHigh St\tEast"]]))
    assert sheet["A2"].value == "Flat 1\nHigh St\tEast"
    assert not caplog.records


def test_text_too_long_for_a_cell_is_cut_and_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="epa.exports"):
        data = generate_xlsx("People", HEADERS, [["ok"], ["=" + "x" * 40_000]], widths=[10] * 4)
    cell = read(data)["A3"]
    assert cell.data_type == "s"
    assert len(cell.value) == MAX_CELL_TEXT and cell.value.startswith("=xxx")
    message = caplog.records[0].getMessage()
    assert "row 3" in message and "xxx" not in message


def test_long_text_is_measured_as_excel_counts_characters():
    # Excel counts an emoji as two characters; a pair is never split.
    data = generate_xlsx("People", HEADERS, [["\U0001f600" * 20_000]], widths=[10] * 4)
    value = read(data)["A2"].value
    assert value == "\U0001f600" * (MAX_CELL_TEXT // 2)


def test_text_exactly_at_the_limit_is_kept(caplog):
    text = "y" * MAX_CELL_TEXT
    with caplog.at_level(logging.WARNING, logger="epa.exports"):
        assert read(generate_xlsx("People", HEADERS, [[text]]))["A2"].value == text
    assert not caplog.records


def test_given_widths_are_used():
    sheet = read(generate_xlsx("People", HEADERS, [], widths=[30, 12, 18, 9]))
    widths = [sheet.column_dimensions[letter].width for letter in "ABCD"]
    assert widths == [30, 12, 18, 9]


def test_widths_fit_headers_and_values_within_limits():
    rows = [["A name of thirty characters xx", date(2001, 4, 12), None, 1], ["z" * 500]]
    sheet = read(generate_xlsx("People", HEADERS, rows))
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCD"}
    assert widths["A"] == MAX_WIDTH  # the longest value is capped
    assert widths["B"] >= len("00/00/0000")
    assert widths["C"] == MIN_WIDTH  # a short header over empty cells
    assert widths["D"] > len("Count")  # room for the filter's button beside the header


class Row(list):
    """A row that can be watched with a weak reference."""


def test_rows_are_streamed_not_collected():
    alive = most_alive = 0

    def gone():
        nonlocal alive
        alive -= 1

    def rows():
        nonlocal alive, most_alive
        for n in range(1000):
            row = Row([f"Person {n}", None, None, n])
            weakref.finalize(row, gone)
            alive += 1
            most_alive = max(most_alive, alive)
            yield row

    sheet = read(generate_xlsx("People", HEADERS, rows()))
    assert sheet.max_row == 1001 and sheet["D1001"].value == 999
    # Only the rows read ahead to size the columns are held at once, never the whole export.
    assert most_alive <= SAMPLE_ROWS + 2


def test_rows_shorter_than_the_header_leave_cells_empty():
    sheet = read(generate_xlsx("People", HEADERS, [["Sam"]]))
    assert [cell.value for cell in sheet[2]] == ["Sam", None, None, None]


def test_a_failure_part_way_leaves_no_temporary_file_behind():
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    before = list(ALL_TEMP_FILES)

    def rows():
        for n in range(SAMPLE_ROWS + 50):
            yield [f"Person {n}"]
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        generate_xlsx("People", HEADERS, rows())
    # openpyxl would otherwise keep the rows written so far on disk until the process ends.
    assert list(ALL_TEMP_FILES) == before
    gc.collect()


def test_a_file_of_any_size_is_written_to_a_path_with_progress(tmp_path, monkeypatch):
    from epa.exports import spreadsheets

    monkeypatch.setattr(spreadsheets, "PROGRESS_EVERY", 10)
    told = []
    path = tmp_path / "people.xlsx"
    rows = ([f"Person {n}", date(2001, 4, 12), None, n] for n in range(25))
    assert spreadsheets.write_xlsx(path, "People", HEADERS, rows, progress=told.append) == 25
    assert told == [10, 20, 25]
    sheet = load_workbook(path)["People"]
    assert sheet.max_row == 26 and sheet["D26"].value == 24


def test_a_file_that_fails_part_way_is_not_left_at_its_path(tmp_path):
    from epa.exports.spreadsheets import write_xlsx

    def rows():
        yield ["Sam"]
        raise RuntimeError("the database went away")

    path = tmp_path / "people.xlsx"
    with pytest.raises(RuntimeError, match="went away"):
        write_xlsx(path, "People", HEADERS, rows())
    assert not path.exists()
