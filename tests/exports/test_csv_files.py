"""The CSV writer every list's download uses: no cell a spreadsheet would run as a formula."""

import csv
from datetime import UTC, date, datetime
from io import StringIO

import pytest

from epa.exports.csv_files import BOM, csv_filename, generate_csv, safe_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        (
            '=HYPERLINK("http://evil.example","Click")',
            '\'=HYPERLINK("http://evil.example","Click")',
        ),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        # Only the first character counts: a formula sign later on is plain text.
        ("Smith-Jones", "Smith-Jones"),
        ("a=b", "a=b"),
        (" =1+1", " =1+1"),
        ("'quoted", "'quoted"),
        ("", ""),
        ("Élodie Ó Súilleabháin", "Élodie Ó Súilleabháin"),
        (None, ""),
        (True, "Yes"),
        (False, "No"),
        (-1, "-1"),  # a number is data, not a formula
        (0, "0"),
        (2.5, "2.5"),
        (date(2027, 3, 2), "2027-03-02"),
        # An instant is written on the London clock: 10:00 UTC in summer is 11:00.
        (datetime(2026, 7, 1, 10, 0, tzinfo=UTC), "2026-07-01 11:00"),
        (datetime(2026, 12, 1, 10, 0, tzinfo=UTC), "2026-12-01 10:00"),
    ],
)
def test_a_cell_that_would_start_a_formula_begins_with_an_apostrophe(value, cell):
    assert safe_cell(value) == cell


def test_the_file_is_utf8_with_a_byte_order_mark_and_reads_back():
    data = generate_csv(
        ["Name", "Note"],
        [["Élodie", 'says "hi", twice\non two lines'], ["=cmd|' /C calc'!A0", None]],
    )
    assert data.startswith(BOM.encode("utf-8"))
    text = data.decode("utf-8-sig")
    assert text.endswith("\r\n")
    rows = list(csv.reader(StringIO(text, newline="")))
    assert rows == [
        ["Name", "Note"],
        ["Élodie", 'says "hi", twice\non two lines'],
        ["'=cmd|' /C calc'!A0", ""],
    ]


def test_headers_are_neutralised_too():
    assert generate_csv(["=Name"], []).decode("utf-8-sig") == "'=Name\r\n"


def test_the_file_name_carries_the_date():
    assert csv_filename("apprentices", date(2026, 11, 26)) == "apprentices-2026-11-26.csv"
