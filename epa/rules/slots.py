"""The earliest legal slots for a method: every start on a 30-minute grid of London time,
checked by the booking's own rules (`rules.scheduling`), so a slot found is a slot that books.

Among assessors free at the same start, the one with fewest bookings that week comes first,
so the work spreads."""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache

from epa.rules.local_time import london, london_date
from epa.rules.patterns import SERVICE_ENDS, SERVICE_STARTS, WorkingPattern
from epa.rules.scheduling import BookingRequest, Diary, Interval, diary_refusal, time_refusal

GRID = timedelta(minutes=30)


@lru_cache(maxsize=4096)
def day_starts(day: date, duration: timedelta) -> tuple[datetime, ...]:
    """The grid's starts on a London date at which an assessment of that length ends by the end
    of the service's day, from 08:00. 08:00 to 18:00 never meets a clock change, so each is one
    instant."""
    first = datetime.combine(day, SERVICE_STARTS)
    last = datetime.combine(day, SERVICE_ENDS) - duration
    starts = []
    while first <= last:
        starts.append(london(first))
        first += GRID
    return tuple(starts)


@dataclass(frozen=True)
class AssessorWeek:
    """What the finder knows of an assessor for one week."""

    id: int
    name: str
    pattern: WorkingPattern = WorkingPattern()
    #: booked assessments, by London date
    bookings: Mapping[date, tuple[Interval, ...]] = field(default_factory=dict)
    unavailability: tuple[Interval, ...] = ()
    #: booked assessments that week, for spreading the work
    week_count: int = 0


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    assessor_id: int
    assessor_name: str


def slots(
    requests: Iterable[BookingRequest],
    assessors: list[AssessorWeek],
    apprentice_bookings: tuple[Interval, ...] = (),
    also: Callable[[BookingRequest], str | None] | None = None,
) -> Iterator[Slot]:
    """Each request that every rule allows, with each assessor it is allowed with: by start,
    then fewest bookings that week, then name. `also` adds a refusal of the caller's (a retry's
    window) to the rules."""
    ordered = sorted(assessors, key=lambda a: (a.week_count, a.name, a.id))
    for request in requests:
        if time_refusal(request) or (also is not None and also(request)):
            continue
        if diary_refusal(request, Diary(apprentice_bookings=list(apprentice_bookings))):
            continue
        day = london_date(request.starts_at)
        for assessor in ordered:
            booked = assessor.bookings.get(day, ())
            diary = Diary(
                assessor_bookings=booked,
                unavailability=assessor.unavailability,
                pattern=assessor.pattern,
                assessor_day_count=len(booked),
            )
            if diary_refusal(request, diary) is None:
                yield Slot(request.starts_at, request.ends_at, assessor.id, assessor.name)


def requests_on(base: BookingRequest, day: date, after: datetime) -> list[BookingRequest]:
    """The booking request at each grid start of the day, from `after` on."""
    duration = base.ends_at - base.starts_at
    return [
        replace(base, starts_at=start, ends_at=start + duration)
        for start in day_starts(day, duration)
        if start >= after
    ]


def week_of(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def days_between(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
