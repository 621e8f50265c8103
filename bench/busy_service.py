"""A busy service to time against, seeded in bulk (SQLAlchemy core inserts, not the services, so
300,000 bookings take seconds): the standard fixture, assessors on mixed working patterns, some
with conflicts of interest or time away, and their diaries filled over the two years around now.

The bookings keep to what a diary must look like (weekdays that are not bank holidays, inside
the assessor's hours, never overlapping, at most the assessor's most a day, never in time
away); they do not keep every rule of a booking (an apprentice's EPA window, notice).
"""

import bisect
import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import islice, zip_longest

from sqlalchemy import insert, select

from epa import clock
from epa.apprentices.models import Apprentice
from epa.apprentices.services import search_name
from epa.auth.models import User
from epa.auth.schemas import UserNew
from epa.auth.services import create_user
from epa.config import PROJECT_ROOT
from epa.organisations.models import Employer, Provider, employer_name_key
from epa.rules.dates import epa_deadline
from epa.rules.local_time import london, london_date
from epa.rules.patterns import WorkingPattern
from epa.rules.scheduling import is_working_day
from epa.scheduling.instants import midnight
from epa.scheduling.models import Assessment, AssessorConflict, AssessorPattern, Unavailability
from epa.standards.models import AssessmentMethod, StandardVersion
from epa.standards.services import load_standard

STAFF_EMAIL = "bench.staff@epao.example"
GRID = timedelta(minutes=30)
#: The diaries run this far either side of today.
SPAN = timedelta(days=365)
GIVEN = ["Aisha", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Gwen", "Hari", "Iris", "Jack"]
GIVEN += ["Kofi", "Lena", "Mo", "Nia", "Owen", "Priya", "Rhys", "Sara", "Tom", "Zara"]
FAMILY = ["Taylor", "Smith", "Jones", "Patel", "Khan", "Brown", "Wilson", "Evans", "Okafor"]
FAMILY += ["Morgan", "Hughes", "Ali", "Price", "Shah", "Ward", "Reid", "Lloyd", "Begum"]

WEEK = frozenset(range(5))
#: (weight, pattern); None keeps the default (no row). Busy enough that 200 assessors can hold
#: 300,000 bookings in two years without breaking their own patterns.
PATTERNS = [
    (20, None),
    (25, WorkingPattern(WEEK, time(8), time(18), 6)),
    (15, WorkingPattern(frozenset(range(4)), time(8), time(18), 5)),
    (15, WorkingPattern(WEEK, time(9), time(17), 4)),
    (10, WorkingPattern(frozenset({1, 2, 3}), time(8, 30), time(17, 30), 5)),
    (10, WorkingPattern(frozenset({0, 2, 4}), time(8), time(18), 6)),
    (5, WorkingPattern(WEEK, time(8), time(13), 3)),
]


@dataclass
class World:
    staff_id: int
    assessor_ids: list[int]
    #: gateway passed in the last hundred days, so the EPA window is open; one in four has a
    #: discussion booked already
    waiting: list[int]
    #: those of `waiting` with their discussion booked
    with_discussion: set[int]
    counts: dict = field(default_factory=dict)


def seed(db, *, assessors: int, assessments: int, waiting: int, rng: random.Random) -> World:
    """Fill an empty, migrated database around today (by `clock.now()`)."""
    today = london_date(clock.now())
    first, last = today - SPAN, today + SPAN
    standard, _ = load_standard(json.loads((PROJECT_ROOT / "fixtures/standard.json").read_text()))
    staff = create_user(
        UserNew(
            email=STAFF_EMAIL,
            name="Bench Staff",
            role="staff",
            password="bench password 1",  # noqa: S106  (a throwaway database)
        )
    )
    versions = db.session.scalars(
        select(StandardVersion)
        .where(StandardVersion.standard_id == standard.id)
        .order_by(StandardVersion.earliest_start_date)
    ).all()
    methods = {(m.version_id, m.code): m for m in db.session.scalars(select(AssessmentMethod))}
    # The diaries are filled before anyone is booked into them, so by the longest of each method.
    durations: dict[str, timedelta] = {}
    for method in methods.values():
        length = timedelta(minutes=method.duration_minutes)
        durations[method.code] = max(length, durations.get(method.code, length))
    organisations = (
        _bulk(db, Employer, (_employer(f"Employer {n}") for n in range(400))),
        _bulk(db, Provider, ({"name": f"Provider {n}", "ukprn": f"1{n:07d}"} for n in range(40))),
    )
    names = rng.sample([f"{g} {f}" for g in GIVEN for f in FAMILY], assessors)
    assessor_ids = _bulk(
        db,
        User,
        (
            {
                "email": f"assessor{n}@epao.example",
                "name": name,
                "role": "assessor",
                "password_hash": staff.password_hash,
            }
            for n, name in enumerate(names)
        ),
    )
    weights = [weight for weight, _ in PATTERNS]
    patterns = {a: rng.choices([p for _, p in PATTERNS], weights)[0] for a in assessor_ids}
    _bulk(db, AssessorPattern, (_pattern_row(a, p) for a, p in patterns.items() if p), False)
    conflicts = _conflicts(rng, assessor_ids, *organisations)
    _bulk(db, AssessorConflict, conflicts, False)
    away = {a: _time_away(rng, a, first, last) for a in assessor_ids}
    _bulk(db, Unavailability, (row for rows in away.values() for row in rows), False)

    free = []
    for assessor_id in assessor_ids:
        pattern = patterns[assessor_id] or WorkingPattern()
        blocked = {day for row in away[assessor_id] for day in _days_of(row)}
        day = first
        while day <= last:
            if day not in blocked and pattern.works_on(day.weekday()) and is_working_day(day):
                free += [(s, assessor_id, c) for s, c in _fill_day(rng, day, pattern, durations)]
            day += timedelta(days=1)
    capacity = len(free)
    if capacity < assessments:
        raise SystemExit(f"the patterns hold only {capacity} bookings; {assessments} were asked")
    rng.shuffle(free)
    booked, free = sorted(free[:assessments]), sorted(free[assessments:])

    people = _People(rng, versions, *organisations)
    sittings = people.booked(booked, today)
    waiting_from = len(people.rows)
    sittings += people.waiting(waiting, free, today)
    apprentice_ids = _bulk(db, Apprentice, people.rows)
    _bulk(
        db,
        Assessment,
        (
            _assessment(
                n, apprentice_ids[row], methods[(people.rows[row]["version_id"], code)], *at
            )
            for n, (*at, code, row) in enumerate(sittings)
        ),
        False,
    )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # As autovacuum leaves a service that has been running a while: fresh statistics, and
        # rows marked visible, or the first calls would pay for that on every page they read.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return World(
        staff_id=staff.id,
        assessor_ids=assessor_ids,
        waiting=apprentice_ids[waiting_from:],
        with_discussion={apprentice_ids[row] for _, _, _, row in sittings if row >= waiting_from},
        counts={
            "assessors": len(assessor_ids),
            "with_a_pattern": sum(p is not None for p in patterns.values()),
            "conflicts": len(conflicts),
            "unavailability": sum(len(rows) for rows in away.values()),
            "apprentices": len(apprentice_ids),
            "assessments": len(sittings),
            "assessments_after_today": sum(london_date(s[0]) > today for s in sittings),
            "diary_capacity": capacity,
            "first_day": first.isoformat(),
            "last_day": last.isoformat(),
        },
    )


def _bulk(db, model, rows, returning=True, chunk=5000) -> list[int]:
    """Insert many rows a statement at a time; their ids in the order given, when asked."""
    statement = insert(model)
    if returning:
        statement = statement.returning(model.id, sort_by_parameter_order=True)
    ids = []
    rows = iter(rows)
    while batch := list(islice(rows, chunk)):
        result = db.session.execute(statement, batch)
        if returning:
            ids += result.scalars().all()
    return ids


def _assessment(n: int, apprentice_id: int, method, starts_at: datetime, assessor_id: int) -> dict:
    return {
        "apprentice_id": apprentice_id,
        "method_id": method.id,
        "assessor_id": assessor_id,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=method.duration_minutes),
        "status": "booked",
        "calendar_uid": f"bench-{n}@epao.example",
    }


def _employer(name: str) -> dict:
    return {"name": name, "name_key": employer_name_key(name)}


def _pattern_row(assessor_id: int, pattern: WorkingPattern) -> dict:
    return {
        "assessor_id": assessor_id,
        "weekday_mask": sum(1 << day for day in pattern.weekdays),
        "starts_minute": pattern.starts.hour * 60 + pattern.starts.minute,
        "ends_minute": pattern.ends.hour * 60 + pattern.ends.minute,
        "max_per_day": pattern.max_per_day,
    }


def _conflicts(rng, assessor_ids, employers, providers) -> list[dict]:
    """About one assessor in seven declares a conflict: with a few employers, maybe a provider."""
    rows = []
    for assessor_id in assessor_ids:
        if rng.random() < 0.15:
            for employer_id in rng.sample(employers, rng.randint(1, 3)):
                rows.append({"assessor_id": assessor_id, "employer_id": employer_id})
            if rng.random() < 0.3:
                rows.append({"assessor_id": assessor_id, "provider_id": rng.choice(providers)})
    return rows


def _time_away(rng, assessor_id: int, first: date, last: date) -> list[dict]:
    """Most assessors take a few spells of leave (whole London days) and some mornings off."""
    if rng.random() < 0.4:
        return []
    rows = []
    days = (last - first).days
    for _ in range(rng.randint(3, 7)):
        starts = first + timedelta(days=rng.randrange(days))
        rows.append(
            {
                "assessor_id": assessor_id,
                "starts_at": midnight(starts),
                "ends_at": midnight(starts + timedelta(days=rng.randint(1, 10))),
                "reason": "Annual leave",
            }
        )
    for _ in range(rng.randint(0, 4)):
        day = first + timedelta(days=rng.randrange(days))
        rows.append(
            {
                "assessor_id": assessor_id,
                "starts_at": london(datetime.combine(day, time(8))),
                "ends_at": london(datetime.combine(day, time(13))),
                "reason": "Training",
            }
        )
    return rows


def _days_of(row: dict) -> list[date]:
    day, last = london_date(row["starts_at"]), london_date(row["ends_at"] - timedelta(seconds=1))
    days = []
    while day <= last:
        days.append(day)
        day += timedelta(days=1)
    return days


def _fill_day(rng, day: date, pattern: WorkingPattern, durations) -> list[tuple[datetime, str]]:
    """A full day of the assessor's: back to back or with short gaps, on the half-hour grid,
    inside their hours, no more than their most a day."""
    cursor = datetime.combine(day, pattern.starts) + GRID * rng.choice((0, 0, 0, 1))
    ends = datetime.combine(day, pattern.ends)
    held = []
    while len(held) < pattern.max_per_day:
        code = "project" if rng.random() < 0.4 else "discussion"
        if cursor + durations[code] > ends:
            code = "discussion"
        if cursor + durations[code] > ends:
            break
        held.append((london(cursor), code))
        cursor += durations[code] + GRID * rng.choice((0, 0, 1, 2))
    return held


class _People:
    """The apprentices' rows, in the order they are inserted, and the sittings booked for them
    (start, assessor, method code, index of the apprentice's row)."""

    def __init__(self, rng, versions, employers, providers):
        self.rng, self.versions = rng, versions
        self.employers, self.providers = employers, providers
        self.rows: list[dict] = []

    def booked(self, booked, today: date) -> list[tuple]:
        """An apprentice for each discussion and project at the same point of the two years
        (each list in time order), and for any left over."""
        discussions = [b for b in booked if b[2] == "discussion"]
        projects = [b for b in booked if b[2] == "project"]
        sittings = []
        for pair in zip_longest(discussions, projects):
            held = [b for b in pair if b is not None]
            first = min(london_date(b[0]) for b in held)
            gateway = min(first - timedelta(days=self.rng.randint(14, 60)), today)
            row = self._add(gateway, "in_epa")
            sittings += [(starts_at, assessor, code, row) for starts_at, assessor, code in held]
        return sittings

    def waiting(self, count: int, free, today: date) -> list[tuple]:
        """Apprentices past gateway with their window open; one in four already has a
        discussion booked with an assessor who had the time free."""
        starts = [f[0] for f in free]
        taken = set()
        sittings = []
        for n in range(count):
            gateway = today - timedelta(days=self.rng.randint(5, 100))
            row = self._add(gateway, "gateway_passed")
            if n % 4:
                continue
            deadline = self.rows[row]["epa_deadline"]
            lo = bisect.bisect_left(starts, midnight(today + timedelta(days=14)))
            hi = bisect.bisect_left(starts, midnight(deadline))
            choices = [k for k in range(lo, hi) if free[k][2] == "discussion" and k not in taken]
            if choices:
                k = self.rng.choice(choices)
                taken.add(k)
                self.rows[row]["status"] = "in_epa"
                sittings.append((*free[k], row))
        return sittings

    def _add(self, gateway: date, status: str) -> int:
        rng = self.rng
        starts = gateway - timedelta(days=rng.randint(380, 700))
        version = self.versions[0]
        for candidate in self.versions:
            if candidate.earliest_start_date <= starts:
                version = candidate
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        self.rows.append(
            {
                "uln": "9999999999",
                "given_names": given,
                "family_name": family,
                "search_name": search_name(given, family),
                "date_of_birth": starts - timedelta(days=rng.randint(6600, 9000)),
                "employer_id": rng.choice(self.employers),
                "provider_id": rng.choice(self.providers),
                "standard_id": version.standard_id,
                "version_id": version.id,
                "start_date": starts,
                "ehc_plan": False,
                "status": status,
                "gateway_date": gateway,
                "epa_deadline": epa_deadline(gateway, version.epa_period_months),
            }
        )
        return len(self.rows) - 1
