"""Booking rules as tables: working days, hours, the EPA window, notice, overlaps and the
order in which refusals are reported."""

from datetime import UTC, date, datetime, timedelta

import pytest

from epa.rules.local_time import london
from epa.rules.scheduling import (
    BookingRequest,
    Diary,
    Interval,
    diary_refusal,
    is_working_day,
    overlaps,
    time_refusal,
    within_working_hours,
)


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 12, 1), True),  # a Tuesday
        (date(2026, 12, 5), False),  # Saturday
        (date(2026, 12, 6), False),  # Sunday
        (date(2026, 12, 25), False),  # Christmas Day
        (date(2026, 12, 28), False),  # Boxing Day, observed on the Monday
        (date(2026, 12, 29), True),
        (date(2027, 3, 26), False),  # Good Friday
        (date(2027, 3, 29), False),  # Easter Monday
        (date(2027, 3, 30), True),
        (date(2026, 8, 31), False),  # Late Summer bank holiday
        (date(2027, 1, 1), False),
        (date(2027, 1, 4), True),
    ],
)
def test_working_days(day, working):
    assert is_working_day(day) is working


def at(y, m, d, hh, mm=0):
    return london(datetime(y, m, d, hh, mm))


@pytest.mark.parametrize(
    "start, minutes, ok",
    [
        (at(2026, 12, 1, 8, 0), 60, True),  # starts at 08:00 exactly
        (at(2026, 12, 1, 7, 59), 60, False),
        (at(2026, 12, 1, 17, 0), 60, True),  # ends at 18:00 exactly
        (at(2026, 12, 1, 17, 1), 60, False),  # ends at 18:01
        (at(2026, 12, 1, 15, 0), 180, True),  # a 3-hour project to 18:00
        (at(2026, 12, 1, 15, 1), 180, False),
        (at(2026, 7, 1, 8, 0), 60, True),  # summer time: 07:00 UTC is 08:00 London
        (at(2026, 3, 30, 8, 0), 180, True),  # the Monday after the clocks go forward
        (at(2026, 10, 26, 17, 0), 60, True),  # the Monday after they go back
        (at(2026, 12, 1, 23, 0), 120, False),  # runs past midnight
    ],
)
def test_working_hours(start, minutes, ok):
    assert within_working_hours(start, start + timedelta(minutes=minutes)) is ok


def test_summer_time_hours_are_london_hours_not_utc():
    start = datetime(2026, 7, 1, 7, 0, tzinfo=UTC)  # 08:00 BST
    assert within_working_hours(start, start + timedelta(hours=10))  # to 18:00 BST
    assert not within_working_hours(start - timedelta(minutes=1), start + timedelta(hours=1))


@pytest.mark.parametrize(
    "a, b, clash",
    [
        ((10, 11), (11, 12), False),  # one starts as the other ends
        ((11, 12), (10, 11), False),
        ((10, 12), (11, 13), True),
        ((10, 13), (11, 12), True),
        ((10, 11), (10, 11), True),
        ((10, 11), (12, 13), False),
    ],
)
def test_overlaps_are_half_open(a, b, clash):
    def span(hours):
        return at(2026, 12, 1, hours[0]), at(2026, 12, 1, hours[1])

    assert overlaps(*span(a), *span(b)) is clash


NOW = at(2026, 11, 26, 9, 0)
#: a first assessment on 10 December 2026 and the plan's 6 months: the last day is 10 June 2027
LIMITED = {"other_epa_days": (date(2026, 12, 10),), "all_methods_within_months": 6}


def request(start, minutes=60, **changes):
    values = dict(
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        now=NOW,
        gateway_date=date(2026, 11, 2),
        epa_deadline=date(2027, 3, 2),
        earliest_days_after_gateway=0,
        min_notice_days=14,
        apprentice_withdrawn=False,
    )
    values.update(changes)
    return BookingRequest(**values)


@pytest.mark.parametrize(
    "req, code",
    [
        (request(at(2026, 12, 10, 10)), None),
        (request(at(2026, 12, 10, 10), gateway_date=None, epa_deadline=None), "gateway_not_passed"),
        (request(at(2026, 11, 26, 8, 59)), "in_the_past"),
        (request(at(2026, 11, 25, 10), backdated=True), None),  # held already, recorded now
        (request(at(2026, 12, 9, 10)), "insufficient_notice"),  # 13 days ahead
        (request(at(2026, 12, 10, 10)), None),  # exactly 14 days ahead
        (request(at(2027, 3, 2, 10)), None),  # the deadline day itself
        (request(at(2027, 3, 3, 10)), "outside_epa_period"),
        (request(at(2027, 2, 1, 10), earliest_days_after_gateway=91), None),  # day 91
        (request(at(2027, 1, 29, 10), earliest_days_after_gateway=91), "outside_epa_period"),
        (request(at(2027, 3, 3, 10), retry=True), None),  # a retry is not bound by the period
        (request(at(2026, 12, 10, 10), apprentice_withdrawn=True), "apprentice_withdrawn"),
        (request(at(2026, 12, 12, 10)), "non_working_day"),  # Saturday
        (request(at(2026, 12, 28, 10)), "non_working_day"),  # Boxing Day observed
        (request(at(2026, 12, 10, 17, 30)), "outside_working_hours"),
        (request(at(2026, 12, 10, 17, 0)), None),  # ends at 18:00
        # the first failing rule is the one reported
        (request(at(2027, 3, 6, 19), apprentice_withdrawn=True), "outside_epa_period"),
        # all methods within 6 months of the first: with the other EPA-period rules, after the
        # period and before notice; retries are bound too, and exceptional circumstances lift it
        (request(at(2026, 12, 10, 10), **LIMITED), None),
        (request(at(2027, 6, 10, 10), retry=True, **LIMITED), None),  # the last day counts
        (request(at(2027, 6, 11, 10), retry=True, **LIMITED), "epa_time_limit_passed"),
        (
            request(at(2027, 6, 11, 10), retry=True, exceptional=True, **LIMITED),
            None,
        ),
        (request(at(2027, 6, 12, 10), retry=True, **LIMITED), "epa_time_limit_passed"),  # Sat
        (request(at(2027, 3, 3, 10), **LIMITED), "outside_epa_period"),
        (
            request(at(2027, 6, 11, 10), retry=True, min_notice_days=400, **LIMITED),
            "epa_time_limit_passed",
        ),
        (request(at(2027, 6, 11, 10), retry=True, other_epa_days=(date(2026, 12, 10),)), None),
    ],
)
def test_time_refusals(req, code):
    assert time_refusal(req) == code


def test_notice_counts_london_dates_not_utc_dates():
    # 23:30 UTC on 1 June is already 2 June in London: the 15th is 13 London days ahead.
    late = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
    assert (
        time_refusal(
            request(
                at(2026, 6, 15, 10),
                now=late,
                gateway_date=date(2026, 5, 1),
                epa_deadline=date(2026, 9, 1),
            )
        )
        == "insufficient_notice"
    )
    assert (
        time_refusal(
            request(
                at(2026, 6, 16, 10),
                now=late,
                gateway_date=date(2026, 5, 1),
                epa_deadline=date(2026, 9, 1),
            )
        )
        is None
    )


def test_a_backdated_assessment_must_have_been_held():
    assert time_refusal(request(at(2026, 11, 26, 10), backdated=True)) == "backdated_not_held"
    assert time_refusal(request(at(2026, 11, 26, 7, 0), backdated=True)) == (
        "outside_working_hours"
    )
    assert time_refusal(request(at(2026, 11, 25, 10), backdated=True)) is None


def test_a_new_assessor_at_the_same_time_waives_only_the_notice():
    assert time_refusal(request(at(2026, 11, 27, 10), notice_applies=False)) is None
    assert time_refusal(request(at(2026, 11, 25, 10), notice_applies=False)) == "in_the_past"


def test_backdating_skips_notice_but_not_the_other_rules():
    assert time_refusal(request(at(2026, 11, 2, 10), backdated=True)) is None
    assert time_refusal(request(at(2026, 11, 7, 10), backdated=True)) == "non_working_day"
    assert time_refusal(request(at(2026, 10, 30, 10), backdated=True)) == "outside_epa_period"


def booked(start_hour, end_hour):
    return Interval(at(2026, 12, 10, start_hour), at(2026, 12, 10, end_hour))


@pytest.mark.parametrize(
    "diary, code",
    [
        (Diary(), None),
        (Diary(assessor_bookings=[booked(9, 10)]), None),  # ends as ours starts
        (Diary(assessor_bookings=[booked(11, 12)]), None),  # starts as ours ends
        (Diary(assessor_bookings=[booked(10, 11)]), "assessor_double_booked"),
        (Diary(apprentice_bookings=[booked(9, 11)]), "apprentice_double_booked"),
        (Diary(unavailability=[booked(8, 18)]), "assessor_unavailable"),
        (Diary(conflict_of_interest=True), "assessor_conflict_of_interest"),
        (Diary(method_already_booked=True), "method_already_booked"),
        (
            Diary(assessor_bookings=[booked(10, 11)], conflict_of_interest=True),
            "assessor_double_booked",
        ),
    ],
)
def test_diary_refusals(diary, code):
    assert diary_refusal(request(at(2026, 12, 10, 10)), diary) == code
