"""The slot finder's pure part as tables: the grid of a day, and which assessor comes first."""

from datetime import UTC, date, datetime, timedelta

import pytest

from epa.rules.local_time import london
from epa.rules.patterns import WorkingPattern
from epa.rules.scheduling import Interval
from epa.rules.slots import AssessorWeek, day_starts, slots
from tests.rules.test_scheduling import request

HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    "day, minutes, count, first_utc, last_utc",
    [
        (date(2026, 12, 10), 60, 19, "08:00", "17:00"),  # GMT: 08:00 to 17:00 starts
        (date(2026, 12, 10), 180, 15, "08:00", "15:00"),  # the project ends by 18:00
        (date(2027, 3, 29), 60, 19, "07:00", "16:00"),  # the day after the clocks go forward
        (date(2026, 10, 26), 60, 19, "08:00", "17:00"),  # the day after they go back
        (date(2026, 12, 10), 600, 1, "08:00", "08:00"),  # the whole service day
        (date(2026, 12, 10), 601, 0, None, None),
    ],
)
def test_a_days_grid(day, minutes, count, first_utc, last_utc):
    starts = day_starts(day, timedelta(minutes=minutes))
    assert len(starts) == count
    if count:
        assert f"{starts[0].astimezone(UTC):%H:%M}" == first_utc
        assert f"{starts[-1].astimezone(UTC):%H:%M}" == last_utc
        assert all(b - a == timedelta(minutes=30) for a, b in zip(starts, starts[1:], strict=False))


def at(hour, minute=0):
    return london(datetime(2026, 12, 10, hour, minute))


def offered(assessors, *hours, own=()):
    requests = [request(at(hour)) for hour in hours]
    return [(s.starts_at.hour, s.assessor_name) for s in slots(requests, assessors, own)]


def test_the_assessor_with_fewer_bookings_that_week_comes_first_then_by_name():
    busy = AssessorWeek(1, "Ann", week_count=3)
    free = AssessorWeek(2, "Zoe", week_count=1)
    same = AssessorWeek(3, "Bea", week_count=1)
    assert offered([busy, free, same], 10) == [(10, "Bea"), (10, "Zoe"), (10, "Ann")]


def test_a_clash_a_full_day_or_a_day_off_leaves_an_assessor_out():
    day = date(2026, 12, 10)  # a Thursday
    booked = AssessorWeek(1, "Ann", bookings={day: (Interval(at(10), at(11)),)})
    full = AssessorWeek(
        2, "Bea", bookings={day: (Interval(at(8), at(9)), Interval(at(15), at(16)))}
    )
    off = AssessorWeek(3, "Cal", pattern=WorkingPattern(weekdays=frozenset({0})))
    assert offered([booked, full, off], 10, 11) == [(11, "Ann")]


def test_the_apprentices_own_bookings_rule_out_the_time_for_everyone():
    own = (Interval(at(10), at(10) + HOUR),)
    assert offered([AssessorWeek(1, "Ann")], 10, 11, own=own) == [(11, "Ann")]
