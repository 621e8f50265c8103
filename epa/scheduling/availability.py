"""The availability grid, read-only: for a week, each active assessor's days as
`rules.availability` words them. A handful of queries whatever the number of assessors, so the
page stays quick for a large EPAO."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from epa.apprentices.models import Apprentice
from epa.extensions import db
from epa.rules.availability import (
    Booked,
    Entry,
    booking_date,
    day_entries,
    initials,
    week_days,
)
from epa.rules.local_time import london_date
from epa.rules.patterns import WorkingPattern, describe
from epa.rules.scheduling import bank_holiday_name
from epa.scheduling.instants import midnight
from epa.scheduling.models import Assessment, AssessmentStatus
from epa.scheduling.readers import bookable_assessors, patterns_of, time_away
from epa.standards.models import AssessmentMethod, Standard


@dataclass(frozen=True)
class Named:
    """An assessor or a standard, as a row header or a filter's choice names it."""

    id: int
    name: str


@dataclass(frozen=True)
class Row:
    assessor: Named
    #: the pattern in words, so a "Not working" day explains itself
    pattern: str
    cells: dict[date, list[Entry]]


@dataclass(frozen=True)
class Week:
    monday: date
    days: list[date]
    #: each day's bank holiday, by name
    holidays: dict[date, str]
    rows: list[Row]


def active_assessors() -> list[Named]:
    """Every assessor who can be booked, by name."""
    return [Named(user_id, name) for user_id, name in bookable_assessors()]


def standards() -> list[Named]:
    """The standards the service holds, named as the pages name them: "ST0825 DevOps engineer"."""
    rows = db.session.execute(
        select(Standard.id, Standard.reference, Standard.title).order_by(Standard.reference)
    )
    return [Named(key, f"{reference} {title}") for key, reference, title in rows]


def week(
    monday: date,
    assessors: list[Named],
    standard_id: int | None = None,
    *,
    columns_for: list[Named] | None = None,
) -> Week:
    """The week from `monday` for these assessors. With a standard, only its apprentices'
    bookings are named; the others still fill their time, so free time stays true.

    `columns_for`, when the assessors are one page of more, are all of them: a weekend column
    shows on every page when any of them is booked then, so the pages keep the same columns."""
    ids = [person.id for person in assessors]
    patterns = patterns_of(ids)
    bookings = _bookings(monday, ids, standard_id)
    away = time_away(ids, midnight(monday), midnight(monday + timedelta(days=7)))
    booked_on = {booking_date(b) for held in bookings.values() for b in held}
    if columns_for is not None:
        booked_on |= _weekend_dates(monday, [person.id for person in columns_for])
    days = week_days(monday, booked_on)
    rows = []
    for person in assessors:
        pattern = patterns.get(person.id, WorkingPattern())
        by_day: dict[date, list[Booked]] = defaultdict(list)
        for booking in bookings[person.id]:
            by_day[booking_date(booking)].append(booking)
        cells = {
            day: day_entries(day, pattern, by_day[day], away.get(person.id, ())) for day in days
        }
        rows.append(Row(person, describe(pattern), cells))
    holidays = {day: name for day in days if (name := bank_holiday_name(day))}
    return Week(monday, days, holidays, rows)


def _weekend_dates(monday: date, ids: list[int]) -> set[date]:
    """The days of the week's weekend on which any of these assessors has a booking."""
    starts = db.session.scalars(
        select(Assessment.starts_at).where(
            Assessment.status == AssessmentStatus.BOOKED,
            Assessment.assessor_id.in_(ids),
            Assessment.starts_at >= midnight(monday + timedelta(days=5)),
            Assessment.starts_at < midnight(monday + timedelta(days=7)),
        )
    )
    return {london_date(instant) for instant in starts}


def _bookings(monday: date, ids: list[int], standard_id: int | None) -> dict[int, list[Booked]]:
    """The week's booked assessments, by assessor, in one query with their apprentices'
    names and methods."""
    rows = db.session.execute(
        select(
            Assessment.assessor_id,
            Assessment.starts_at,
            Assessment.ends_at,
            Apprentice.given_names,
            Apprentice.family_name,
            Apprentice.standard_id,
            AssessmentMethod.name,
        )
        .join(Apprentice, Apprentice.id == Assessment.apprentice_id)
        .join(AssessmentMethod, AssessmentMethod.id == Assessment.method_id)
        .where(
            Assessment.status == AssessmentStatus.BOOKED,
            Assessment.assessor_id.in_(ids),
            Assessment.starts_at >= midnight(monday),
            Assessment.starts_at < midnight(monday + timedelta(days=7)),
        )
    )
    found: dict[int, list[Booked]] = defaultdict(list)
    for assessor_id, starts_at, ends_at, given, family, standard, method in rows:
        if standard_id is None or standard == standard_id:
            booked = Booked(starts_at, ends_at, initials(given, family), method)
        else:
            booked = Booked(starts_at, ends_at, "", "", shown=False)
        found[assessor_id].append(booked)
    return found
