"""Where an assessment stands, and from when its result may be recorded, as tables."""

from datetime import UTC, datetime, timedelta

import pytest

from epa.rules.stages import Stage, assessment_stage, may_record_result, time_and_day

STARTS = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    "now, allowed",
    [
        (STARTS - timedelta(days=1), False),
        (STARTS - SECOND, False),
        (STARTS, True),  # from the start itself
        (STARTS + SECOND, True),
        (STARTS + timedelta(days=30), True),
    ],
)
def test_a_result_is_recorded_from_the_start(now, allowed):
    assert may_record_result(STARTS, now) is allowed


@pytest.mark.parametrize(
    "status, now, submitted, stage",
    [
        ("booked", STARTS - SECOND, False, Stage.BOOKED),
        ("booked", STARTS, False, Stage.AWAITING_RESULT),
        ("booked", STARTS + timedelta(days=3), False, Stage.AWAITING_RESULT),
        ("booked", STARTS + timedelta(hours=2), True, Stage.GRADED),
        ("cancelled", STARTS - SECOND, False, Stage.CANCELLED),
        ("cancelled", STARTS + SECOND, False, Stage.CANCELLED),
        ("cancelled", STARTS + SECOND, True, Stage.CANCELLED),  # a cancellation outranks a result
    ],
)
def test_the_stage_of_an_assessment(status, now, submitted, stage):
    assert assessment_stage(status, STARTS, now, submitted) == stage


@pytest.mark.parametrize(
    "instant, words",
    [
        (STARTS, "10:00 on Tuesday 1 December 2026"),  # winter: London is UTC
        (datetime(2027, 6, 7, 8, 30, tzinfo=UTC), "09:30 on Monday 7 June 2027"),  # summer time
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), "23:59 on Thursday 31 December 2026"),
    ],
)
def test_time_and_day(instant, words):
    assert time_and_day(instant) == words
