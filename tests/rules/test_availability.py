"""The availability grid's words for an assessor's day, as tables: free time at the edges of
their hours, bookings and unavailability in time order, the daily limit at and under, days off,
weekends and bank holidays, and the London clock either side of a change."""

from datetime import UTC, date, datetime, time

import pytest

from epa.rules.availability import (
    Booked,
    Entry,
    day_entries,
    free_periods,
    initials,
    week_days,
)
from epa.rules.local_time import london
from epa.rules.patterns import WorkingPattern
from epa.rules.scheduling import Interval

TUESDAY = date(2026, 12, 8)
PART_TIME = WorkingPattern(
    weekdays=frozenset({1, 3}), starts=time(9, 30), ends=time(15, 0), max_per_day=1
)


def at(hour, minute=0, day=TUESDAY):
    return london(datetime.combine(day, time(hour, minute)))


def booked(start, end, who="ST", method="Professional discussion", shown=True):
    return Booked(start, end, who, method, shown=shown)


def away(start, end):
    return Interval(start, end)


def words(entries: list[Entry]) -> list[str]:
    return [" ".join(part for part in (e.label, e.text) if part) for e in entries]


@pytest.mark.parametrize(
    "pattern, bookings, unavailability, expected",
    [
        (WorkingPattern(), [], [], ["Free 08:00 to 18:00"]),
        (PART_TIME, [], [], ["Free 09:30 to 15:00"]),
        (
            WorkingPattern(),
            [booked(at(8), at(9))],  # at the very start of the day
            [],
            ["Booked 08:00 to 09:00 ST", "Free 09:00 to 18:00"],
        ),
        (
            WorkingPattern(),
            [booked(at(17), at(18))],  # ending as the day ends
            [],
            ["Free 08:00 to 17:00", "Booked 17:00 to 18:00 ST"],
        ),
        (
            WorkingPattern(),
            [booked(at(14), at(15), "PS"), booked(at(10), at(11))],  # one under the limit of 2
            [],
            [
                "Full (2 of 2)",
                "Booked 10:00 to 11:00 ST",
                "Booked 14:00 to 15:00 PS",
            ],
        ),
        (
            WorkingPattern(),
            [booked(at(10), at(11))],
            [],
            ["Free 08:00 to 10:00", "Booked 10:00 to 11:00 ST", "Free 11:00 to 18:00"],
        ),
        (
            PART_TIME,
            [booked(at(10), at(11))],  # their one a day
            [],
            ["Full (1 of 1)", "Booked 10:00 to 11:00 ST"],
        ),
        (
            WorkingPattern(),
            [],
            [away(at(9), at(12))],
            ["Free 08:00 to 09:00", "Unavailable 09:00 to 12:00", "Free 12:00 to 18:00"],
        ),
        (
            WorkingPattern(),
            [],
            [away(at(8), at(18))],  # exactly their hours
            ["Unavailable all day"],
        ),
        (
            WorkingPattern(),
            [],
            [away(at(8), at(17, 59))],  # a minute short
            ["Unavailable 08:00 to 17:59", "Free 17:59 to 18:00"],
        ),
        (
            PART_TIME,
            [],
            [away(at(8), at(12))],  # from before their hours: only their part is said
            ["Unavailable 09:30 to 12:00", "Free 12:00 to 15:00"],
        ),
        (
            WorkingPattern(),
            [],
            [away(at(18), at(20)), away(at(6), at(8))],  # outside their hours
            ["Free 08:00 to 18:00"],
        ),
        (
            WorkingPattern(),
            [],
            [away(at(12, day=date(2026, 12, 7)), at(10, day=date(2026, 12, 9)))],  # for days
            ["Unavailable all day"],
        ),
        (
            WorkingPattern(),
            [booked(at(10), at(11))],
            [away(at(10, 30), at(12))],  # overlapping: the free time is what neither covers
            [
                "Free 08:00 to 10:00",
                "Booked 10:00 to 11:00 ST",
                "Unavailable 10:30 to 12:00",
                "Free 12:00 to 18:00",
            ],
        ),
        (
            WorkingPattern(),
            [booked(at(10), at(11), shown=False)],  # another standard's: not named, still busy
            [],
            ["Free 08:00 to 10:00", "Booked 10:00 to 11:00", "Free 11:00 to 18:00"],
        ),
        (
            WorkingPattern(),
            [booked(at(10), at(11))],
            [away(at(7), at(19))],
            ["Unavailable all day", "Booked 10:00 to 11:00 ST"],
        ),
    ],
)
def test_a_working_day(pattern, bookings, unavailability, expected):
    assert words(day_entries(TUESDAY, pattern, bookings, unavailability)) == expected


@pytest.mark.parametrize(
    "day, pattern, expected",
    [
        (date(2026, 12, 9), PART_TIME, ["Not working"]),  # a Wednesday, not one of theirs
        (date(2026, 12, 12), WorkingPattern(), ["Weekend"]),
        (date(2026, 12, 13), WorkingPattern(weekdays=frozenset({6})), ["Weekend"]),
        (date(2026, 12, 25), WorkingPattern(), ["Bank holiday"]),  # Christmas Day
        (date(2026, 12, 28), WorkingPattern(), ["Bank holiday"]),  # Boxing Day (observed)
        (date(2026, 12, 24), WorkingPattern(), ["Free 08:00 to 18:00"]),
    ],
)
def test_days_without_free_time(day, pattern, expected):
    assert words(day_entries(day, pattern, [], [])) == expected


def test_bookings_already_made_still_show_on_a_day_off():
    wednesday = date(2026, 12, 9)
    held = booked(at(10, day=wednesday), at(11, day=wednesday))
    assert words(day_entries(wednesday, PART_TIME, [held], [])) == [
        "Not working",
        "Booked 10:00 to 11:00 ST",
    ]


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 10, 23),  # British Summer Time: 10:00 is 09:00 UTC
        date(2026, 10, 26),  # the Monday after the clocks went back: 10:00 is 10:00 UTC
        date(2027, 3, 25),  # the Thursday before they go forward (Friday is Good Friday)
        date(2027, 3, 30),  # the Tuesday after (Monday is Easter Monday)
    ],
)
def test_times_are_on_the_london_clock_either_side_of_a_change(day):
    held = booked(at(10, day=day), at(11, day=day))
    assert words(day_entries(day, WorkingPattern(), [held], [])) == [
        "Free 08:00 to 10:00",
        "Booked 10:00 to 11:00 ST",
        "Free 11:00 to 18:00",
    ]


def test_an_instant_given_in_utc_is_shown_in_summer_time():
    day = date(2026, 10, 23)
    held = booked(datetime(2026, 10, 23, 9, tzinfo=UTC), datetime(2026, 10, 23, 10, tzinfo=UTC))
    assert "Booked 10:00 to 11:00 ST" in words(day_entries(day, WorkingPattern(), [held], []))


@pytest.mark.parametrize(
    "busy, expected",
    [
        ([], [(8, 18)]),
        ([(8, 18)], []),
        ([(7, 19)], []),
        ([(8, 9), (9, 10)], [(10, 18)]),  # back to back
        ([(9, 12), (10, 11)], [(8, 9), (12, 18)]),  # one inside another
        ([(12, 13), (9, 10)], [(8, 9), (10, 12), (13, 18)]),  # given out of order
        ([(18, 19)], [(8, 18)]),  # starting as the day ends
    ],
)
def test_free_periods(busy, expected):
    intervals = [Interval(at(start), at(end)) for start, end in busy]
    free = free_periods(at(8), at(18), intervals)
    assert free == [Interval(at(start), at(end)) for start, end in expected]


@pytest.mark.parametrize(
    "given, family, expected",
    [
        ("Sam", "Taylor", "ST"),
        ("Priya Anne", "Shah", "PS"),  # the first given name only
        ("jo", "o'neill", "JO"),
        ("Zoë", "Ångström", "ZÅ"),
        ("Ana", "Smith-Jones", "AS"),
    ],
)
def test_initials(given, family, expected):
    assert initials(given, family) == expected


@pytest.mark.parametrize(
    "booked_on, expected_weekdays",
    [
        ([], [0, 1, 2, 3, 4]),
        ([date(2026, 12, 12)], [0, 1, 2, 3, 4, 5]),  # a Saturday booking
        ([date(2026, 12, 13)], [0, 1, 2, 3, 4, 6]),
        ([date(2026, 12, 19)], [0, 1, 2, 3, 4]),  # the next week's Saturday
    ],
)
def test_week_days(booked_on, expected_weekdays):
    days = week_days(date(2026, 12, 7), booked_on)
    assert [day.weekday() for day in days] == expected_weekdays
    assert days[0] == date(2026, 12, 7)
