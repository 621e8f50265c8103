"""Which day an assessor is reminded of an assessment, and which EPA deadlines are at risk."""

from datetime import date, timedelta

import pytest

from epa.rules.reminders import (
    at_risk_window,
    is_at_risk,
    reminder_day,
    reminder_due,
    reminder_horizon,
)
from epa.rules.scheduling import is_working_day


@pytest.mark.parametrize(
    "assessment_day, reminded_on, why",
    [
        (date(2026, 12, 7), date(2026, 12, 3), "a Monday: the Thursday before"),
        (date(2026, 12, 8), date(2026, 12, 4), "a Tuesday: the Friday before"),
        (date(2026, 12, 9), date(2026, 12, 7), "a Wednesday: the Monday"),
        (date(2026, 12, 10), date(2026, 12, 8), "a Thursday: the Tuesday"),
        (date(2026, 12, 11), date(2026, 12, 9), "a Friday: the Wednesday"),
        (date(2026, 12, 12), date(2026, 12, 10), "a Saturday: two working days before"),
        (date(2026, 12, 13), date(2026, 12, 10), "a Sunday: as the Saturday"),
        # Christmas Day is a Friday in 2026; Boxing Day's substitute is Monday 28 December.
        (date(2026, 12, 29), date(2026, 12, 23), "after Christmas: 24th and 23rd"),
        (date(2026, 12, 30), date(2026, 12, 24), "the 29th counts, then Christmas Eve"),
        (date(2027, 1, 4), date(2026, 12, 30), "New Year's Day (a Friday) does not count"),
        # Good Friday 26 March and Easter Monday 29 March 2027.
        (date(2027, 3, 30), date(2027, 3, 24), "the Tuesday after Easter"),
        (date(2027, 3, 31), date(2027, 3, 25), "the Wednesday after Easter"),
        (date(2027, 5, 5), date(2027, 4, 30), "the early May bank holiday (3 May) skipped"),
    ],
)
def test_reminder_day(assessment_day, reminded_on, why):
    assert reminder_day(assessment_day) == reminded_on, why
    assert is_working_day(reminded_on)


@pytest.mark.parametrize(
    "today, due, why",
    [
        (date(2026, 12, 2), False, "three working days before: not yet"),
        (date(2026, 12, 3), True, "its day: the Thursday before a Monday"),
        (date(2026, 12, 4), True, "the Thursday run was missed"),
        (date(2026, 12, 5), True, "missed over the weekend"),
        (date(2026, 12, 7), True, "missed until the day itself (the time is the caller's)"),
        (date(2026, 12, 8), False, "the day after: too late"),
    ],
)
def test_reminder_due_for_a_monday_assessment(today, due, why):
    assert reminder_due(date(2026, 12, 7), today) is due, why


@pytest.mark.parametrize(
    "today, horizon",
    [
        (date(2026, 12, 3), date(2026, 12, 7)),  # Thursday: up to Monday (the weekend too)
        (date(2026, 12, 4), date(2026, 12, 8)),  # Friday: up to Tuesday
        (date(2026, 12, 5), date(2026, 12, 8)),  # Saturday: nothing new, catches up only
        (date(2026, 12, 6), date(2026, 12, 8)),
        (date(2026, 12, 7), date(2026, 12, 9)),  # Monday: Wednesday
        (date(2026, 12, 23), date(2026, 12, 29)),  # over Christmas and Boxing Day's substitute
        (date(2026, 12, 24), date(2026, 12, 30)),
        (date(2027, 3, 24), date(2027, 3, 30)),  # over Easter
    ],
)
def test_reminder_horizon(today, horizon):
    assert reminder_horizon(today) == horizon


def test_the_horizon_holds_exactly_the_days_due_over_three_years():
    # Every (today, assessment day) pair: due for a day ahead exactly when it is within the horizon.
    start = date(2026, 1, 1)
    for offset in range(3 * 366):
        today = start + timedelta(days=offset)
        horizon = reminder_horizon(today)
        for ahead in range(21):
            day = today + timedelta(days=ahead)
            assert reminder_due(day, today) is (day <= horizon), (today, day)


TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    "deadline, booked, at_risk, why",
    [
        (TODAY + timedelta(days=30), False, True, "exactly 30 days away: at risk"),
        (TODAY + timedelta(days=31), False, False, "31 days away: not yet"),
        (TODAY + timedelta(days=1), False, True, "tomorrow"),
        (TODAY, False, True, "today is the deadline's last day: still at risk"),
        (TODAY - timedelta(days=1), False, False, "passed: missed, no longer at risk"),
        (TODAY + timedelta(days=30), True, False, "booked (not cancelled)"),
        (TODAY, True, False, "booked, deadline today"),
        (None, False, False, "no deadline (not past gateway)"),
    ],
)
def test_at_risk(deadline, booked, at_risk, why):
    assert is_at_risk(deadline, TODAY, booked=booked) is at_risk, why


def test_at_risk_window_is_today_to_thirty_days_ahead():
    assert at_risk_window(TODAY) == (TODAY, date(2026, 12, 31))
