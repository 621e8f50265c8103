"""Rows into the planner's inputs: for each method an apprentice still needs, every start (on
the 30-minute grid) each assessor could take it at, by the booking's own rules, against what
the diaries already hold. The solver then only has to keep the plan's own rows apart."""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from epa import clock
from epa.rules.dates import add_months
from epa.rules.grading import attempt_refusal
from epa.rules.local_time import london, london_date
from epa.rules.patterns import SERVICE_STARTS
from epa.rules.planning import UNIT_MINUTES, UNITS_PER_DAY, AssessorCapacity, Task
from epa.rules.scheduling import BookingRequest, Diary, diary_refusal, time_refusal
from epa.rules.slots import AssessorWeek, day_starts, days_between, week_of
from epa.scheduling.checks import booking_request, latest_attempt
from epa.scheduling.instants import midnight
from epa.scheduling.readers import bookable_assessors, conflicted_assessors
from epa.scheduling.slots import read_diaries


@dataclass(frozen=True)
class Need:
    """A method an apprentice still needs: the planner's task `key` is its index."""

    apprentice: object
    method: object


@dataclass(frozen=True)
class Unplaceable:
    apprentice: object
    method: object
    code: str


@dataclass
class Candidates:
    needs: list[Need]
    tasks: list[Task]
    capacities: list[AssessorCapacity]
    unplaceable: list[Unplaceable]
    day_zero: date
    max_span_days: int | None

    def instant(self, unit: int) -> datetime:
        """The start a grid unit stands for, as an aware instant."""
        day = self.day_zero + timedelta(days=unit // UNITS_PER_DAY)
        minutes = (unit % UNITS_PER_DAY) * UNIT_MINUTES
        return london(datetime.combine(day, time(minutes // 60, minutes % 60)))


def gather(apprentices: list, first: date, last: date) -> Candidates:
    """What can be planned for these apprentices between two London dates, and why the rest
    cannot (a booking refusal code)."""
    today = clock.today()
    needs, unplaceable = _needs(apprentices)
    assessors = bookable_assessors()
    diaries, own = read_diaries(first, last, assessors, [a.id for a in apprentices])
    conflicted = conflicted_assessors(apprentices)
    free_at: dict[tuple[int, timedelta], set[int]] = {}
    tasks = []
    kept = []
    for need in needs:
        method = need.method
        duration = timedelta(minutes=method.duration_minutes)
        legal, code = _apprentice_starts(need, first, last, own[need.apprentice.id], today)
        starts = {}
        for diary in diaries:
            if diary.id in conflicted[need.apprentice.id]:
                continue
            key = (diary.id, duration)
            if key not in free_at:
                free_at[key] = _assessor_starts(diary, first, last, duration, today)
            fits = sorted(legal & free_at[key])
            if fits:
                starts[diary.id] = tuple(fits)
        if not starts:
            unplaceable.append(Unplaceable(need.apprentice, method, code or "no_slot"))
            continue
        tasks.append(
            Task(
                key=len(kept),
                apprentice=need.apprentice.id,
                duration=method.duration_minutes // UNIT_MINUTES,
                starts=starts,
            )
        )
        kept.append(need)
    return Candidates(
        needs=kept,
        tasks=tasks,
        capacities=[_capacity(diary, today) for diary in diaries],
        unplaceable=unplaceable,
        day_zero=today,
        max_span_days=_span_days(apprentices, first, last),
    )


def _needs(apprentices) -> tuple[list[Need], list[Unplaceable]]:
    """Every method each apprentice still needs as a first attempt; the others' reasons."""
    needs, unplaceable = [], []
    for apprentice in apprentices:
        for method in apprentice.version.methods:
            if apprentice.epa_started_on is None:
                unplaceable.append(Unplaceable(apprentice, method, "gateway_not_passed"))
            elif apprentice.status == "withdrawn":
                unplaceable.append(Unplaceable(apprentice, method, "apprentice_withdrawn"))
            else:
                code = attempt_refusal(latest_attempt(apprentice, method), None)
                if code == "retry_required":
                    unplaceable.append(Unplaceable(apprentice, method, code))
                elif code is None:
                    needs.append(Need(apprentice, method))
                # method_already_booked: booked or passed, so not needed
    return needs, unplaceable


#: The grid unit of the service's first start of a day (08:00).
FIRST_UNIT = (SERVICE_STARTS.hour * 60 + SERVICE_STARTS.minute) // UNIT_MINUTES


def _units(day: date, today: date, indexes) -> set[int]:
    """The grid units of a day's starts, by their place in `day_starts`."""
    return {(day - today).days * UNITS_PER_DAY + FIRST_UNIT + i for i in indexes}


def _apprentice_starts(need, first, last, own, today) -> tuple[set[int], str | None]:
    """The grid units at which every rule about the apprentice and the time allows the method,
    and the last refusal met (to say why, when none does)."""
    now = clock.now()
    base = booking_request(need.apprentice, need.method, now)
    duration = base.ends_at - base.starts_at
    own_days = {london_date(i.starts_at) for i in own}
    legal: set[int] = set()
    code = None
    for day in days_between(max(first, today), last):
        starts = day_starts(day, duration)
        if not starts:  # longer than the service's day: never bookable
            break
        ends = [
            time_refusal(replace(base, starts_at=start, ends_at=start + duration))
            for start in (starts[0], starts[-1])
        ]
        if ends[1]:  # only "in the past" depends on the time of day; the rest on the date
            code = ends[1]
            continue
        if not ends[0] and day not in own_days:
            legal |= _units(day, today, range(len(starts)))
            continue
        mine = Diary(apprentice_bookings=list(own))
        kept = []
        for index, start in enumerate(starts):
            request = replace(base, starts_at=start, ends_at=start + duration)
            if not time_refusal(request) and not diary_refusal(request, mine):
                kept.append(index)
        legal |= _units(day, today, kept)
    # A refusal met on some day says why only when no day was legal at all.
    return legal, None if legal else code


def _assessor_starts(diary: AssessorWeek, first, last, duration, today) -> set[int]:
    """The grid units at which the assessor could take an assessment of that length. A day with
    nothing in the diary answers as every other such day, so it is worked out once."""
    free: set[int] = set()
    empty_day: list[int] | None = None
    for day in days_between(max(first, today), last):
        if not diary.pattern.works_on(day.weekday()):
            continue
        booked = diary.bookings.get(day, ())
        away = [
            i
            for i in diary.unavailability
            if i.starts_at < midnight(day + timedelta(days=1)) and i.ends_at > midnight(day)
        ]
        if not booked and not away and empty_day is not None:
            free |= _units(day, today, empty_day)
            continue
        holder = Diary(
            assessor_bookings=booked,
            unavailability=away,
            pattern=diary.pattern,
            assessor_day_count=len(booked),
        )
        fits = [
            index
            for index, start in enumerate(day_starts(day, duration))
            if diary_refusal(_bare(start, start + duration), holder) is None
        ]
        if not booked and not away:
            empty_day = fits
        free |= _units(day, today, fits)
    return free


def _bare(starts_at: datetime, ends_at: datetime) -> BookingRequest:
    """A request that says only when: the diary rules read nothing else."""
    return BookingRequest(
        starts_at=starts_at,
        ends_at=ends_at,
        now=starts_at,
        gateway_date=None,
        epa_deadline=None,
        earliest_days_after_gateway=0,
        min_notice_days=0,
        apprentice_withdrawn=False,
    )


def _capacity(diary: AssessorWeek, today: date) -> AssessorCapacity:
    by_day = {(day - today).days: len(held) for day, held in diary.bookings.items()}
    by_week: dict[int, int] = defaultdict(int)
    for day, held in diary.bookings.items():
        by_week[(week_of(day) - week_of(today)).days // 7] += len(held)
    return AssessorCapacity(
        id=diary.id, max_per_day=diary.pattern.max_per_day, booked=by_day, week_booked=by_week
    )


def _span_days(apprentices, first: date, last: date) -> int | None:
    """The fewest days "all methods within N months" allows from any day of the span: the
    plan's rows of one apprentice stay that close, so each row meets the limit whichever is
    first (the limit against assessments already booked is each start's own rule)."""
    months = {a.version.all_methods_within_months for a in apprentices}
    months.discard(None)
    if not months:
        return None
    fewest = min(months)
    return min((add_months(day, fewest) - day).days for day in days_between(first, last))
