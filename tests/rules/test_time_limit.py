"""The limit on the whole EPA's span as a table: every assessment, resits and retakes included,
within the plan's months of the first; the last day counts, a month's end clamps, a booking
earlier than the others becomes the first, and exceptional circumstances lift the limit."""

from datetime import date

import pytest

from epa.rules.time_limit import TimeLimitBreach, time_limit_breach

FIRST = date(2026, 12, 10)
SIX = 6


@pytest.mark.parametrize(
    "starts_on, others, breach",
    [
        # nothing else in this EPA: the booking will be the first
        (date(2027, 12, 10), [], None),
        # the last allowed day counts; the day after does not
        (date(2027, 6, 10), [FIRST], None),
        (
            date(2027, 6, 11),
            [FIRST],
            TimeLimitBreach(FIRST, date(2027, 6, 10), date(2027, 6, 11), False),
        ),
        # the first of several, in any order, is the anchor
        (date(2027, 6, 10), [date(2027, 3, 1), FIRST, date(2027, 1, 5)], None),
        (
            date(2027, 6, 11),
            [date(2027, 3, 1), FIRST],
            TimeLimitBreach(FIRST, date(2027, 6, 10), date(2027, 6, 11), False),
        ),
        # on the first day itself
        (FIRST, [FIRST], None),
        # 31 August + 6 months is clamped to the end of February
        (date(2027, 2, 28), [date(2026, 8, 31)], None),
        (
            date(2027, 3, 1),
            [date(2026, 8, 31)],
            TimeLimitBreach(date(2026, 8, 31), date(2027, 2, 28), date(2027, 3, 1), False),
        ),
        (date(2028, 2, 29), [date(2027, 8, 31)], None),  # a leap year's end of February
        # earlier than every other: the latest other must fall within the months of it
        (date(2026, 12, 1), [FIRST, date(2027, 6, 1)], None),
        (
            date(2026, 11, 30),
            [FIRST, date(2027, 6, 1)],
            TimeLimitBreach(date(2026, 11, 30), date(2027, 5, 30), date(2027, 6, 1), True),
        ),
        # others already apart by more (booked for exceptional circumstances): a booking within
        # the months of the first is still allowed
        (date(2027, 2, 1), [FIRST, date(2027, 8, 2)], None),
    ],
)
def test_the_time_limit(starts_on, others, breach):
    assert time_limit_breach(starts_on, others, SIX) == breach


@pytest.mark.parametrize(
    "starts_on, others",
    [(date(2027, 6, 11), [FIRST]), (date(2026, 11, 30), [FIRST, date(2027, 6, 1)])],
)
def test_exceptional_circumstances_lift_the_limit(starts_on, others):
    assert time_limit_breach(starts_on, others, SIX) is not None
    assert time_limit_breach(starts_on, others, SIX, exceptional=True) is None


def test_the_months_are_the_plan_s():
    assert time_limit_breach(date(2027, 3, 11), [FIRST], 3) is not None
    assert time_limit_breach(date(2027, 3, 10), [FIRST], 3) is None
