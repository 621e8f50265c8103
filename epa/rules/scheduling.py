"""Whether an assessment may be booked at a time: the plan's window and time limit, notice,
working days and hours, and the assessor's independence and diary. First failing check wins, in
the contract's order, so a person fixes the most basic problem first."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from epa.rules.local_time import LONDON, london_date
from epa.rules.patterns import WorkingPattern, pattern_refusal
from epa.rules.time_limit import TimeLimitBreach, time_limit_breach

DAY_STARTS = time(8, 0)
DAY_ENDS = time(18, 0)


@lru_cache(maxsize=64)
def _bank_holidays(year: int):
    # England and Wales share bank holidays; the maintained library knows each year's dates,
    # including substitute days when one falls at a weekend.
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def bank_holiday_name(day: date) -> str | None:
    return _bank_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not an England and Wales bank holiday."""
    return day.weekday() < 5 and bank_holiday_name(day) is None


def within_working_hours(starts_at: datetime, ends_at: datetime) -> bool:
    """Starts at or after 08:00 and ends by 18:00 (18:00 itself is fine), Europe/London."""
    start, end = starts_at.astimezone(LONDON), ends_at.astimezone(LONDON)
    return start.date() == end.date() and start.time() >= DAY_STARTS and end.time() <= DAY_ENDS


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals: one may start exactly when the other ends."""
    return a_start < b_end and b_start < a_end


@dataclass(frozen=True)
class Interval:
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class BookingRequest:
    starts_at: datetime
    ends_at: datetime
    #: the moment the request is made
    now: datetime
    #: the first day of the current EPA period: the gateway date, or the day the EPA was
    #: restarted; None before gateway
    gateway_date: date | None
    epa_deadline: date | None
    earliest_days_after_gateway: int
    min_notice_days: int
    apprentice_withdrawn: bool
    #: a record of an assessment already held: may be in the past, skips notice
    backdated: bool = False
    #: a resit or retake is not bound by the first EPA period
    retry: bool = False
    #: False when only the assessor changes: the time was already given with notice
    notice_applies: bool = True
    #: the London dates of the EPA's other assessments that count (see `rules.time_limit`)
    other_epa_days: tuple[date, ...] = ()
    #: the plan's all_methods_within_months; None when no limit is to be checked
    all_methods_within_months: int | None = None
    #: recorded by an administrator: lifts the time limit
    exceptional: bool = False


@dataclass(frozen=True)
class Diary:
    """What the assessor's and apprentice's diaries already hold, and the assessor's ties."""

    assessor_bookings: list[Interval] = field(default_factory=list)
    apprentice_bookings: list[Interval] = field(default_factory=list)
    unavailability: list[Interval] = field(default_factory=list)
    conflict_of_interest: bool = False
    method_already_booked: bool = False
    pattern: WorkingPattern = WorkingPattern()
    #: the assessor's other bookings on the London date of the request
    assessor_day_count: int = 0


def epa_window(gateway_date: date, epa_deadline: date, earliest_days: int) -> tuple[date, date]:
    """The first and last London dates a method may be held on."""
    return gateway_date + timedelta(days=earliest_days), epa_deadline


def time_limit_of(request: BookingRequest) -> TimeLimitBreach | None:
    """How the request breaks the limit on the whole EPA's span (retries are bound too)."""
    if request.all_methods_within_months is None:
        return None
    return time_limit_breach(
        london_date(request.starts_at),
        request.other_epa_days,
        request.all_methods_within_months,
        exceptional=request.exceptional,
    )


def time_refusal(request: BookingRequest) -> str | None:
    """The first rule about the time itself that the request breaks, as a contract code."""
    day = london_date(request.starts_at)
    if request.gateway_date is None:
        return "gateway_not_passed"
    if not request.backdated and request.starts_at < request.now:
        return "in_the_past"
    if request.backdated and request.ends_at > request.now:
        return "backdated_not_held"
    if not request.retry:
        first, last = epa_window(
            request.gateway_date, request.epa_deadline, request.earliest_days_after_gateway
        )
        if not first <= day <= last:
            return "outside_epa_period"
    if time_limit_of(request) is not None:
        return "epa_time_limit_passed"
    notice_days = (day - london_date(request.now)).days
    needs_notice = request.notice_applies and not request.backdated
    if needs_notice and notice_days < request.min_notice_days:
        return "insufficient_notice"
    if request.apprentice_withdrawn:
        return "apprentice_withdrawn"
    if not is_working_day(day):
        return "non_working_day"
    if not within_working_hours(request.starts_at, request.ends_at):
        return "outside_working_hours"
    return None


def diary_refusal(request: BookingRequest, diary: Diary) -> str | None:
    """The first clash with what is already booked or declared, as a contract code."""

    def clashes(intervals: list[Interval]) -> bool:
        return any(
            overlaps(request.starts_at, request.ends_at, i.starts_at, i.ends_at) for i in intervals
        )

    if clashes(diary.assessor_bookings):
        return "assessor_double_booked"
    if clashes(diary.apprentice_bookings):
        return "apprentice_double_booked"
    if clashes(diary.unavailability):
        return "assessor_unavailable"
    # A record of an assessment already held is not bound by today's pattern.
    if not request.backdated:
        code = pattern_refusal(
            diary.pattern, request.starts_at, request.ends_at, diary.assessor_day_count
        )
        if code:
            return code
    if diary.conflict_of_interest:
        return "assessor_conflict_of_interest"
    if diary.method_already_booked:
        return "method_already_booked"
    return None
