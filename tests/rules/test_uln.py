"""ULN check digit, as a table."""

import pytest

from epa.rules.identifiers import TEMPORARY_ULN, is_valid_uln


def _with_check_digit(first_nine: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    remainder = total % 11
    return None if remainder == 0 else first_nine + str(10 - remainder)


@pytest.mark.parametrize(
    "uln, valid",
    [
        ("9999999999", True),  # the temporary ULN, and the top of the range
        ("1000000000", True),  # the bottom of the range: sum 10, r = 10, check digit 0
        ("0987654321", False),  # its check digit works (sum 284, r = 9), but it starts with 0
        ("0123456788", False),  # likewise: sum 156, r = 2
        ("1000000004", False),
        ("1234567890", False),  # sum 210, r = 1: the check digit must be 9
        ("1234567899", True),
        ("9876543210", False),
        ("1000000001", False),
        ("0000000000", False),  # sum 0, r = 0: never valid
        ("123456789", False),  # nine digits
        ("12345678990", False),  # eleven digits
        ("123456789X", False),
        ("12345 6789", False),
        ("１２３４５６７８９９", False),  # full-width digits
        ("", False),
        (None, False),
        (1234567899, False),  # a number, not text
    ],
)
def test_uln(uln, valid):
    assert is_valid_uln(uln) is valid


def test_the_temporary_uln_would_fail_the_check_digit():
    """9999999999 is accepted as itself: by the weights its tenth digit would have to be 8."""
    remainder = sum(9 * w for w in range(10, 1, -1)) % 11
    assert 10 - remainder == 8
    assert is_valid_uln("9999999998") and is_valid_uln(TEMPORARY_ULN)


@pytest.mark.parametrize("uln", ["0987654321", "0123456788"])
def test_a_leading_zero_is_refused_even_with_a_working_check_digit(uln):
    assert _with_check_digit(uln[:9]) == uln
    assert not is_valid_uln(uln)


@pytest.mark.parametrize("first_nine", ["100000000", "123456789", "555555555", "987654321"])
def test_the_check_digit_is_ten_minus_the_weighted_remainder(first_nine):
    expected = _with_check_digit(first_nine)
    for last in "0123456789":
        uln = first_nine + last
        assert is_valid_uln(uln) is (uln == expected), uln
