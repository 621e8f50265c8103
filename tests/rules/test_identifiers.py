"""UKPRN format, as a table."""

import pytest

from epa.rules.identifiers import is_valid_ukprn


@pytest.mark.parametrize(
    "value, valid",
    [
        ("10000000", True),
        ("19999999", True),
        ("10012345", True),
        ("09999999", False),
        ("20000000", False),
        ("1000000", False),
        ("100000000", False),
        ("1000000a", False),
        ("1000000٣", False),  # an Arabic-Indic digit is a digit to Python, not to a UKPRN
        (" 10000000", False),
        ("", False),
        (None, False),
        (10000000, False),
    ],
)
def test_ukprn(value, valid):
    assert is_valid_ukprn(value) is valid
