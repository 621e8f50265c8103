"""The retention period's last day, and which purge dates it refuses."""

from datetime import date

import pytest

from epa.rules.retention import cutoff_refusal, latest_cutoff


@pytest.mark.parametrize(
    "today, years, latest",
    [
        (date(2026, 12, 1), 6, date(2020, 12, 1)),
        (date(2026, 12, 1), 0, date(2026, 12, 1)),
        (date(2028, 2, 29), 6, date(2022, 2, 28)),  # no 29 February in 2022
        (date(2028, 2, 29), 4, date(2024, 2, 29)),
        (date(2027, 1, 1), 1, date(2026, 1, 1)),
    ],
)
def test_latest_cutoff(today, years, latest):
    assert latest_cutoff(today, years) == latest


@pytest.mark.parametrize(
    "before, refused",
    [
        (date(2020, 11, 30), False),
        (date(2020, 12, 1), False),  # the last day still allowed
        (date(2020, 12, 2), True),
        (date(2026, 12, 1), True),
    ],
)
def test_cutoff_refusal(before, refused):
    refusal = cutoff_refusal(before, date(2026, 12, 1), 6)
    assert (refusal is not None) == refused
    if refused:
        assert "within the 6-year retention period" in refusal and "2020-12-01" in refusal
