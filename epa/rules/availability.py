"""What an assessor's day looks like on the staff's availability grid: their bookings, the times
they declared themselves unavailable, and the free time left inside their working hours, all on
the London clock. Free time is what the booking rules would still allow the day to hold: none on
a weekend or a bank holiday, none outside the pattern, and none once the day holds the most
assessments the assessor takes."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from epa.rules.local_time import LONDON, london_date
from epa.rules.patterns import WorkingPattern
from epa.rules.scheduling import Interval, bank_holiday_name


@dataclass(frozen=True)
class Booked:
    """A booked assessment as the grid shows it: initials only, so the grid names no one."""

    starts_at: datetime
    ends_at: datetime
    initials: str
    method: str
    #: False when a filter leaves the apprentice out: the time still counts, unnamed
    shown: bool = True


#: The label each kind of entry carries, so no entry relies on colour to be told apart.
LABELS = {
    "booked": "Booked",
    "unavailable": "Unavailable",
    "free": "Free",
    "full": "Full",
    "not_working": "Not working",
    "bank_holiday": "Bank holiday",
    "weekend": "Weekend",
}


@dataclass(frozen=True)
class Entry:
    kind: str
    #: what follows the label: "10:00 to 11:00 PJ", "all day", "(2 of 2)"
    text: str = ""
    #: a second line: the method of a booking
    detail: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def initials(given_names: str, family_name: str) -> str:
    """The first given name's initial and the family name's: "Priya Shah" gives "PS"."""
    first = given_names.split()[:1]
    last = family_name.split()[:1]
    return "".join(word[0] for word in first + last).upper()


def _clock(instant: datetime) -> str:
    local = instant.astimezone(LONDON)
    # (not strftime: a week's grid writes thousands of these)
    return f"{local.hour:02d}:{local.minute:02d}"


def _span(starts_at: datetime, ends_at: datetime) -> str:
    return f"{_clock(starts_at)} to {_clock(ends_at)}"


def _booked_entry(booking: Booked) -> Entry:
    if not booking.shown:
        return Entry("booked", _span(booking.starts_at, booking.ends_at), "Another standard")
    text = f"{_span(booking.starts_at, booking.ends_at)} {booking.initials}"
    return Entry("booked", text, booking.method)


def free_periods(
    starts_at: datetime, ends_at: datetime, busy: Iterable[Interval]
) -> list[Interval]:
    """The parts of [starts_at, ends_at) that no busy interval covers, in order."""
    free = []
    cursor = starts_at
    for period in sorted(busy, key=lambda i: (i.starts_at, i.ends_at)):
        if period.starts_at >= ends_at:
            break
        if period.starts_at > cursor:
            free.append(Interval(cursor, period.starts_at))
        cursor = max(cursor, period.ends_at)
    if cursor < ends_at:
        free.append(Interval(cursor, ends_at))
    return free


def day_entries(
    day: date,
    pattern: WorkingPattern,
    bookings: Iterable[Booked],
    unavailability: Iterable[Interval],
) -> list[Entry]:
    """An assessor's London date, a day-wide word first ("Not working", "Full (2 of 2)",
    "Unavailable all day"), then bookings, unavailability and free time in time order.

    `bookings` are those starting on the day; `unavailability` may be any of the assessor's
    periods, and counts only where it falls inside their hours that day."""
    booked = sorted(bookings, key=lambda b: (b.starts_at, b.ends_at))
    timed = [(b.starts_at, _booked_entry(b)) for b in booked]
    holiday = bank_holiday_name(day)
    if day.weekday() >= 5 or holiday is not None or not pattern.works_on(day.weekday()):
        closed = "weekend" if day.weekday() >= 5 else "bank_holiday" if holiday else "not_working"
        return [Entry(closed), *(entry for _, entry in timed)]
    opens = datetime.combine(day, pattern.starts, LONDON)
    closes = datetime.combine(day, pattern.ends, LONDON)
    away = [
        Interval(max(period.starts_at, opens), min(period.ends_at, closes))
        for period in unavailability
        if period.starts_at < closes and period.ends_at > opens
    ]
    if any(period.starts_at <= opens and period.ends_at >= closes for period in away):
        return [Entry("unavailable", "all day"), *(entry for _, entry in timed)]
    timed += [(p.starts_at, Entry("unavailable", _span(p.starts_at, p.ends_at))) for p in away]
    first: list[Entry] = []
    if len(booked) >= pattern.max_per_day:
        first.append(Entry("full", f"({len(booked)} of {pattern.max_per_day})"))
    else:
        busy = [Interval(b.starts_at, b.ends_at) for b in booked] + away
        timed += [
            (gap.starts_at, Entry("free", _span(gap.starts_at, gap.ends_at)))
            for gap in free_periods(opens, closes, busy)
        ]
    return first + [entry for _, entry in sorted(timed, key=lambda pair: pair[0])]


def week_days(monday: date, booked_on: Iterable[date]) -> list[date]:
    """Monday to Friday, and Saturday or Sunday only when something is booked then: the
    service books no weekend, so a weekend column would show nothing else."""
    booked = set(booked_on)
    days = [monday + timedelta(days=n) for n in range(7)]
    return [day for day in days if day.weekday() < 5 or day in booked]


def booking_date(booking: Booked) -> date:
    """The London date a booking counts on (the day it starts)."""
    return london_date(booking.starts_at)
