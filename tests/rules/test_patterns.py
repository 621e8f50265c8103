"""Working patterns and daily limits as tables: the weekdays, the hours at both edges, the
limit at and over, what a pattern may be set to, and where the refusals fall among the others."""

from datetime import datetime, time, timedelta

import pytest

from epa.rules.local_time import london
from epa.rules.patterns import WorkingPattern, describe, pattern_problems, pattern_refusal
from epa.rules.scheduling import Diary, Interval, diary_refusal
from tests.rules.test_scheduling import request

PART_TIME = WorkingPattern(
    weekdays=frozenset({1, 3}), starts=time(9, 30), ends=time(15, 0), max_per_day=1
)


def at(day, hour, minute=0):
    """December 2026: the 8th is a Tuesday, the 9th a Wednesday, the 10th a Thursday."""
    return london(datetime(2026, 12, day, hour, minute))


@pytest.mark.parametrize(
    "pattern, start, minutes, booked, code",
    [
        (WorkingPattern(), at(7, 8), 180, 0, None),  # the default: Monday, from 08:00
        (WorkingPattern(), at(11, 15), 180, 1, None),  # Friday, ending at 18:00
        (WorkingPattern(), at(9, 10), 60, 1, None),  # one booked, two allowed
        (WorkingPattern(), at(9, 10), 60, 2, "assessor_day_full"),  # two booked already
        (PART_TIME, at(8, 9, 30), 60, 0, None),  # Tuesday at the start of their hours
        (PART_TIME, at(8, 9), 60, 0, "assessor_not_working"),  # before their hours
        (PART_TIME, at(8, 9, 29), 60, 0, "assessor_not_working"),  # a minute before
        (PART_TIME, at(10, 14), 60, 0, None),  # Thursday, ending as they stop
        (PART_TIME, at(10, 14, 1), 60, 0, "assessor_not_working"),  # a minute past
        (PART_TIME, at(10, 12), 180, 0, None),  # 12:00 to 15:00 ends as they stop
        (PART_TIME, at(10, 12, 30), 180, 0, "assessor_not_working"),  # to 15:30
        (PART_TIME, at(9, 10), 60, 0, "assessor_not_working"),  # Wednesday: not their day
        (PART_TIME, at(8, 10), 60, 1, "assessor_day_full"),  # their one for the day is taken
        (PART_TIME, at(8, 16), 60, 1, "assessor_not_working"),  # outside hours comes first
    ],
)
def test_pattern_refusals(pattern, start, minutes, booked, code):
    assert pattern_refusal(pattern, start, start + timedelta(minutes=minutes), booked) == code


@pytest.mark.parametrize(
    "weekdays, starts, ends, per_day, fields",
    [
        ([0, 1, 2, 3, 4], time(8), time(18), 2, set()),
        ([6], time(8), time(8, 30), 1, set()),  # the shortest sensible day, a Sunday
        ([0, 1, 2, 3, 4], time(8), time(18), 10, set()),  # the most a day
        ([], time(8), time(18), 2, {"weekdays"}),
        ([7], time(8), time(18), 2, {"weekdays"}),
        ([-1], time(8), time(18), 2, {"weekdays"}),
        ([1, 1], time(8), time(18), 2, {"weekdays"}),
        ([1], time(7, 59), time(18), 2, {"starts"}),
        ([1], time(18), time(18), 2, {"starts"}),
        ([1], time(9), time(18, 1), 2, {"ends"}),
        ([1], time(9), time(9), 2, {"ends"}),  # an empty day
        ([1], time(10), time(9), 2, {"ends"}),
        ([1], time(9, 15), time(18), 2, {"starts"}),  # slots are on the half hour
        ([1], time(9), time(16, 45), 2, {"ends"}),
        ([1], time(8), time(18), 0, {"max_per_day"}),
        ([1], time(8), time(18), 11, {"max_per_day"}),
    ],
)
def test_what_a_pattern_may_be(weekdays, starts, ends, per_day, fields):
    assert set(pattern_problems(weekdays, starts, ends, per_day)) == fields


def test_the_service_wide_clashes_come_before_the_pattern():
    ours = request(at(9, 10))  # a Wednesday, which the part-timer does not work
    busy = Interval(at(9, 10), at(9, 11))
    assert diary_refusal(ours, Diary(pattern=PART_TIME)) == "assessor_not_working"
    assert (
        diary_refusal(ours, Diary(pattern=PART_TIME, assessor_bookings=[busy]))
        == "assessor_double_booked"
    )
    assert diary_refusal(ours, Diary(pattern=PART_TIME, unavailability=[busy])) == (
        "assessor_unavailable"
    )
    assert (
        diary_refusal(ours, Diary(pattern=PART_TIME, conflict_of_interest=True))
        == "assessor_not_working"
    )
    assert diary_refusal(ours, Diary(assessor_day_count=2)) == "assessor_day_full"


def test_a_record_of_an_assessment_already_held_is_not_bound_by_todays_pattern():
    held = request(at(9, 10), backdated=True)
    assert diary_refusal(held, Diary(pattern=PART_TIME, assessor_day_count=5)) is None


@pytest.mark.parametrize(
    "pattern, words",
    [
        (WorkingPattern(), "Monday to Friday, 08:00 to 18:00, at most 2 assessments a day"),
        (PART_TIME, "Tuesday and Thursday, 09:30 to 15:00, at most 1 assessment a day"),
        (
            WorkingPattern(weekdays=frozenset({0, 2, 4})),
            "Monday, Wednesday and Friday, 08:00 to 18:00, at most 2 assessments a day",
        ),
        (
            WorkingPattern(weekdays=frozenset({5})),
            "Saturday, 08:00 to 18:00, at most 2 assessments a day",
        ),
    ],
)
def test_a_pattern_in_words(pattern, words):
    assert describe(pattern) == words
