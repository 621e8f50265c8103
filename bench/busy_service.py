"""A busy service to time against, seeded in bulk (SQLAlchemy core executemany, not the services,
so 100,000 apprentices and 300,000 assessments take a minute or two), filled as the services
would fill it: derived columns (`search_name`, `name_key`, EPA deadlines, method grades from the
judgements, the overall grade from the grading table) come from the same functions.

`seed` makes the people who work in the service (staff, an administrator, assessors on mixed
working patterns, some with conflicts of interest or time away) and plans every apprentice and
booking up front; `World.grow` then inserts the apprentices (in an order that mixes every
status) up to a count, with their gateway attempts, bookings, results, outcomes and audit
events. So a run can measure at 1,000 apprentices, grow to 100,000, and measure again.

Apprentices, by status (shares of the total):
- registered (15 %), started up to 900 days ago (so some still follow version 1.0 and may
  move to 1.1); gateway passed, window open, nothing booked (10 %);
- in EPA: a discussion booked ahead (5 %), the discussion graded and the project booked ahead
  (5 %), the project held and awaiting its result, some with a draft (5 %), both methods
  graded and the outcome provisional, awaiting sign-off (5 %);
- completed: both graded and the outcome confirmed (the `confirmed` count, 50 % at the default
  sizes), one in twenty after a failed project and a resit;
- withdrawn, their bookings cancelled (the rest).
Bookings beyond those are cancelled ones (rebooked sittings): with 300,000 assessments for
100,000 apprentices, about half of all bookings are cancelled, more than a real service keeps,
but they are rows every diary, list and feed query must step over.

The bookings keep to what a diary must look like (weekdays that are not bank holidays, inside
the assessor's hours, never overlapping, at most the assessor's most a day, never in time
away); they do not keep every rule of a booking (an apprentice's EPA window, notice).
"""

import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import islice

from sqlalchemy import insert, select

from epa import clock
from epa.apprentices.models import Apprentice
from epa.apprentices.services import search_name
from epa.audit.models import AuditEvent
from epa.auth.models import User
from epa.auth.schemas import UserNew
from epa.auth.services import create_user
from epa.config import PROJECT_ROOT
from epa.dashboard import standing
from epa.demo_outcomes import READY
from epa.gateway.models import GatewayAttempt
from epa.grading.grades import PASSING
from epa.grading.models import Outcome, Result
from epa.organisations.models import Employer, Provider, employer_name_key
from epa.rules.dates import epa_deadline
from epa.rules.grading import CountedGrade, CriterionRule, capped_overall, method_grade
from epa.rules.local_time import london, london_date
from epa.rules.patterns import WorkingPattern
from epa.rules.scheduling import is_working_day
from epa.scheduling.instants import midnight
from epa.scheduling.models import Assessment, AssessorConflict, AssessorPattern, Unavailability
from epa.standards.documents import criterion_document
from epa.standards.models import AssessmentMethod, StandardVersion
from epa.standards.services import load_standard

STAFF_EMAIL = "bench.staff@epao.example"
ADMIN_EMAIL = "bench.admin@epao.example"
PASSWORD = "quiet harbour lantern 42"  # noqa: S105  (a throwaway database)
GRID = timedelta(minutes=30)
#: The diaries run this far either side of today.
SPAN = timedelta(days=365)
GIVEN = ["Aisha", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Gwen", "Hari", "Iris", "Jack"]
GIVEN += ["Kofi", "Lena", "Mo", "Nia", "Owen", "Priya", "Rhys", "Sara", "Tom", "Zara", "Zoë"]
FAMILY = ["Taylor", "Smith", "Jones", "Patel", "Khan", "Brown", "Wilson", "Evans", "Okafor"]
FAMILY += ["Morgan", "Hughes", "Ali", "Price", "Shah", "Ward", "Reid", "Lloyd", "Begum", "Ó Sé"]

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
#: (story, share of the apprentices); "completed" takes the `confirmed` count and "withdrawn"
#: whatever is left.
SHARES = [
    ("registered", 0.15),
    ("gateway_passed", 0.10),
    ("discussion_ahead", 0.05),
    ("project_ahead", 0.05),
    ("awaiting_result", 0.05),
    ("provisional", 0.05),
]
#: what each story sits: (method, when: "past" or "future", graded)
SITTINGS = {
    "registered": [],
    "gateway_passed": [],
    "discussion_ahead": [("discussion", "future", False)],
    "project_ahead": [("discussion", "past", True), ("project", "future", False)],
    "awaiting_result": [("discussion", "past", True), ("project", "past", False)],
    "provisional": [("discussion", "past", True), ("project", "past", True)],
    "completed": [("discussion", "past", True), ("project", "past", True)],
    "withdrawn": [],
}
STATUS = {
    "registered": "registered",
    "gateway_passed": "gateway_passed",
    "discussion_ahead": "in_epa",
    "project_ahead": "in_epa",
    "awaiting_result": "in_epa",
    "provisional": "in_epa",
    "completed": "completed",
    "withdrawn": "withdrawn",
}


@dataclass
class Person:
    story: str
    row: dict
    #: (starts_at, assessor_id, method code, status, grade wanted or None, extra columns)
    sittings: list = field(default_factory=list)
    id: int | None = None


@dataclass
class World:
    staff_id: int
    admin_id: int
    assessor_ids: list[int]
    people: list[Person]
    #: (version id, method code) -> (method id, minutes)
    methods: dict
    #: method id -> [(criterion code, grade, the document a submitted result keeps)]
    criteria: dict
    #: version id -> (grading table, method codes, retry cap, grades in order)
    versions: dict
    #: assessments inserted so far, for their calendar uids
    booked: int = 0
    inserted: int = 0
    counts: dict = field(default_factory=dict)

    @property
    def waiting(self) -> list[int]:
        """Inserted apprentices past gateway with their window open and nothing booked."""
        return [p.id for p in self.people[: self.inserted] if p.story == "gateway_passed"]

    @property
    def with_discussion(self) -> set[int]:
        return set()

    def of_story(self, story: str) -> list[Person]:
        return [p for p in self.people[: self.inserted] if p.story == story]

    def grow(self, db, apprentices: int) -> None:
        """Insert the planned apprentices up to `apprentices` in all, with all they hold."""
        batch = self.people[self.inserted : apprentices]
        if not batch:
            return
        ids = _bulk(db, Apprentice, (p.row for p in batch))
        for person, apprentice_id in zip(batch, ids, strict=True):
            person.id = apprentice_id
        _bulk(db, GatewayAttempt, (_gateway(p) for p in batch if p.row["gateway_date"]), False)
        sittings = [(p, s) for p in batch for s in p.sittings]
        assessment_ids = _bulk(
            db, Assessment, (self._assessment(p, s, n) for n, (p, s) in enumerate(sittings))
        )
        self.booked += len(sittings)
        results, outcomes = [], []
        for (person, sitting), assessment_id in zip(sittings, assessment_ids, strict=True):
            if sitting[4] is not None:
                method_id = self.methods[(person.row["version_id"], sitting[2])][0]
                results.append(self._result(assessment_id, method_id, sitting))
        _bulk(db, Result, results, False)
        for person in batch:
            if person.story == "completed":
                outcomes.append(self._outcome(person))
        outcome_ids = _bulk(db, Outcome, outcomes)
        _bulk(db, AuditEvent, self._events(batch, outcomes, outcome_ids), False)
        # Written past the ORM: each apprentice's standing (epa.dashboard.standing) is judged
        # here, as a commit through the services would have judged it.
        standing.refresh(db.session, ids)
        db.session.commit()
        self.inserted += len(batch)
        _analyse(db)

    def _assessment(self, person: Person, sitting, n: int) -> dict:
        starts_at, assessor_id, code, status, _, extra = sitting
        method_id, minutes = self.methods[(person.row["version_id"], code)]
        made = starts_at - timedelta(days=30)
        row = {
            "apprentice_id": person.id,
            "method_id": method_id,
            "assessor_id": assessor_id,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(minutes=minutes),
            "location": "Employer site",
            "status": status,
            "epa_round": 1,
            "attempt": 1,
            "retry": None,
            "exceptional_circumstances": False,
            "is_backdated": False,
            "sequence": 0,
            "calendar_uid": f"bench-{self.booked + n}@epao.example",
            "cancel_reason": None,
            "cancelled_at": None,
            "created_at": made,
            "updated_at": made,
        }
        if status == "cancelled":
            row |= {"cancel_reason": "The apprentice asked to rearrange.", "cancelled_at": made}
            row["sequence"] = 1
        return row | extra

    def _result(self, assessment_id: int, method_id: int, sitting) -> dict:
        starts_at, assessor_id, _, _, grade, _ = sitting
        criteria = self.criteria[method_id]
        judgements = _judgements(criteria, grade)
        rules = [CriterionRule(code, level) for code, level, _ in criteria]
        done = starts_at + timedelta(hours=4)
        row = {
            "assessment_id": assessment_id,
            "judgements": judgements,
            "comments": "Recorded for the benchmark.",
            "method_grade": None,
            "is_submitted": False,
            "submitted_at": None,
            "submitted_on": None,
            "submitted_by_id": None,
            "criteria_judged": None,
            "updated_by_id": assessor_id,
            "updated_at": done,
        }
        if grade == "draft":
            return row
        return row | {
            "method_grade": method_grade(rules, judgements),
            "is_submitted": True,
            "submitted_at": done,
            "submitted_on": london_date(done),
            "submitted_by_id": assessor_id,
            "criteria_judged": [document for _, _, document in criteria],
        }

    def _outcome(self, person: Person) -> dict:
        table, codes, cap, order = self.versions[person.row["version_id"]]
        graded = [s for s in person.sittings if s[4] in ("pass", "distinction", "fail")]
        counted = {}
        for _, _, code, _, grade, extra in sorted(graded, key=lambda s: s[0]):
            counted[code] = CountedGrade(
                grade, extra.get("retry"), extra.get("exceptional_circumstances", False)
            )
        overall = capped_overall(
            table, {code: counted.get(code) for code in codes}, cap=cap, order=order
        )
        held = london_date(max(s[0] for s in graded))
        return {
            "apprentice_id": person.id,
            "epa_round": 1,
            "overall_grade": overall.grade,
            "uncapped_grade": overall.uncapped,
            "cap_reason": None,
            "epa_date": held,
            "achievement_date": held if overall.grade in PASSING else None,
            "confirmed_by_id": self.staff_id,
            "confirmed_at": london(datetime.combine(held + timedelta(days=3), time(10))),
        }

    def _events(self, batch, outcomes, outcome_ids):
        for person in batch:
            yield _event(self.staff_id, "apprentice", person.id, "create", person.row)
            if person.story == "withdrawn":
                reason = {"reason": person.row["withdrawn_reason"]}
                yield _event(self.staff_id, "apprentice", person.id, "withdraw", reason)
        for outcome, outcome_id in zip(outcomes, outcome_ids, strict=True):
            after = {"overall_grade": outcome["overall_grade"], "epa_date": outcome["epa_date"]}
            yield _event(self.staff_id, "outcome", outcome_id, "confirm", after)


def seed(
    db,
    *,
    apprentices: int,
    assessments: int,
    assessors: int,
    confirmed: int,
    rng: random.Random,
    grow_to: int | None = None,
) -> World:
    """Fill an empty, migrated database around today (by `clock.now()`) with the service's
    people, and plan `apprentices` apprentices holding `assessments` bookings in all, `confirmed`
    of them signed off; insert the first `grow_to` of them (all by default)."""
    today = london_date(clock.now())
    first, last = today - SPAN, today + SPAN
    standard, _ = load_standard(json.loads((PROJECT_ROOT / "fixtures/standard.json").read_text()))
    staff = create_user(
        UserNew(email=STAFF_EMAIL, name="Bench Staff", role="staff", password=PASSWORD)
    )
    admin = create_user(
        UserNew(email=ADMIN_EMAIL, name="Bench Admin", role="admin", password=PASSWORD)
    )
    versions = db.session.scalars(
        select(StandardVersion)
        .where(StandardVersion.standard_id == standard.id)
        .order_by(StandardVersion.earliest_start_date)
    ).all()
    every = db.session.scalars(select(AssessmentMethod)).all()
    methods = {(m.version_id, m.code): (m.id, m.duration_minutes) for m in every}
    criteria = {m.id: [(c.code, c.grade, criterion_document(c)) for c in m.criteria] for m in every}
    graded_by = {
        v.id: (v.grading_table, [m.code for m in v.methods], v.retry_grade_cap, v.overall_grades)
        for v in versions
    }
    # The diaries are filled before anyone is booked into them, so by the longest of each method.
    durations: dict[str, timedelta] = {}
    for method in every:
        length = timedelta(minutes=method.duration_minutes)
        durations[method.code] = max(length, durations.get(method.code, length))
    organisations = (
        _bulk(db, Employer, (_employer(f"Employer {n}") for n in range(400))),
        _bulk(db, Provider, (_provider(n) for n in range(40))),
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
    db.session.commit()

    free = []
    for assessor_id in assessor_ids:
        pattern = patterns[assessor_id] or WorkingPattern()
        blocked = {day for row in away[assessor_id] for day in _days_of(row)}
        day = first
        while day <= last:
            if day not in blocked and pattern.works_on(day.weekday()) and is_working_day(day):
                free += [(s, assessor_id, c) for s, c in _fill_day(rng, day, pattern, durations)]
            day += timedelta(days=1)
    people = _plan(rng, apprentices, assessments, confirmed, free, today, versions, organisations)
    world = World(
        staff_id=staff.id,
        admin_id=admin.id,
        assessor_ids=assessor_ids,
        people=people,
        methods=methods,
        criteria=criteria,
        versions=graded_by,
        counts={
            "assessors": len(assessor_ids),
            "with_a_pattern": sum(p is not None for p in patterns.values()),
            "conflicts": len(conflicts),
            "unavailability": sum(len(rows) for rows in away.values()),
            "apprentices": len(people),
            "assessments": sum(len(p.sittings) for p in people),
            "diary_capacity": len(free),
            "first_day": first.isoformat(),
            "last_day": last.isoformat(),
        },
    )
    world.grow(db, apprentices if grow_to is None else grow_to)
    return world


def _plan(rng, apprentices, assessments, confirmed, free, today, versions, organisations):
    """Every apprentice's story, row and sittings, in an order that mixes the stories."""
    stories = []
    for story, share in SHARES:
        stories += [story] * round(apprentices * share)
    stories += ["completed"] * min(confirmed, apprentices - len(stories))
    stories += ["withdrawn"] * (apprentices - len(stories))
    rng.shuffle(stories)
    now = clock.now()
    pools: dict[tuple[str, str], list] = {}
    for starts_at, assessor_id, code in free:
        pools.setdefault((code, "past" if starts_at < now else "future"), []).append(
            (starts_at, assessor_id)
        )
    wanted = {key: 0 for key in pools}
    resits = [n for n, story in enumerate(stories) if story == "completed" and rng.random() < 0.05]
    for story in stories:
        for code, when, _ in SITTINGS[story]:
            wanted[(code, when)] += 1
    wanted[("project", "past")] += len(resits)
    taken = {}
    for key, count in wanted.items():
        if count > len(pools[key]):
            raise SystemExit(f"the diaries hold {len(pools[key])} {key} slots; {count} are needed")
        picked = set(rng.sample(range(len(pools[key])), count))
        # Paired by rank, so an apprentice's discussion and project fall near each other.
        taken[key] = sorted(pools[key][i] for i in picked)
        pools[key] = [slot for i, slot in enumerate(pools[key]) if i not in picked]
    leftover = [(s, a, code) for (code, _), slots in pools.items() for s, a in slots]
    # Each story's sittings walk the ranks of its kind of slot in step, so pairs stay close;
    # the people are shuffled afterwards, so any first thousand spread over the two years.
    cursor = {key: 0 for key in taken}
    people = []
    for story in stories:
        sittings = []
        plan = SITTINGS[story]
        for code, when, graded in plan:
            key = (code, when)
            starts_at, assessor_id = taken[key][cursor[key]]
            cursor[key] += 1
            status_grade = _grade(rng) if graded else ("draft" if rng.random() < 0.5 else None)
            if when == "future":
                status_grade = None
            sittings.append([starts_at, assessor_id, code, "booked", status_grade, {}])
        people.append(Person(story, {}, sittings))
    for n in resits:
        person = people[n]
        first_try = taken[("project", "past")][cursor[("project", "past")]]
        cursor[("project", "past")] += 1
        project = next(s for s in person.sittings if s[2] == "project")
        early, late = sorted([first_try[0], project[0]])
        assessors = {first_try[0]: first_try[1], project[0]: project[1]}
        project[0], project[1] = late, assessors[late]
        project[5] = {"attempt": 2, "retry": "resit", "exceptional_circumstances": True}
        person.sittings.append([early, assessors[early], "project", "booked", "fail", {}])
    spare = assessments - sum(len(p.sittings) for p in people)
    if spare < 0 or spare > len(leftover):
        raise SystemExit(f"{assessments} bookings cannot be planned for {apprentices} apprentices")
    holders = [p for p in people if p.sittings or p.story == "withdrawn"]
    withdrawn = [p for p in people if p.story == "withdrawn"]
    for n, (starts_at, assessor_id, code) in enumerate(rng.sample(leftover, spare)):
        holder = withdrawn[n] if n < len(withdrawn) else rng.choice(holders)
        holder.sittings.append([starts_at, assessor_id, code, "cancelled", None, {}])
    for person in people:
        person.row = _apprentice(rng, person, today, versions, *organisations)
    rng.shuffle(people)
    return people


def _grade(rng) -> str:
    return "distinction" if rng.random() < 0.2 else "pass"


def _judgements(criteria, grade: str | None) -> dict:
    """Judgements that give the grade wanted; a draft judges about half."""
    judgements = {}
    failed = next((code for code, level, _ in criteria if level == "pass"), None)
    for n, (code, level, _) in enumerate(criteria):
        if grade == "fail":
            judgements[code] = code != failed
        elif grade == "draft":
            if n < len(criteria) // 2:
                judgements[code] = True
        else:
            judgements[code] = level == "pass" or grade == "distinction"
    return judgements


def _apprentice(rng, person: Person, today: date, versions, employers, providers) -> dict:
    withdrawn = person.story == "withdrawn"
    held = [london_date(s[0]) for s in person.sittings if s[3] == "booked" or withdrawn]
    if person.story == "registered":
        gateway = None
        starts = today - timedelta(days=rng.randint(30, 900))
    else:
        before = min(held) if held else today - timedelta(days=rng.randint(5, 100))
        gateway = min(before - timedelta(days=rng.randint(14, 60)), today) if held else before
        starts = gateway - timedelta(days=rng.randint(380, 700))
    version = versions[0]
    for candidate in versions:
        if candidate.earliest_start_date <= starts:
            version = candidate
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    created = london(datetime.combine(starts, time(9)))
    row = {
        "uln": "9999999999",
        "given_names": given,
        "family_name": family,
        "search_name": search_name(given, family),
        "date_of_birth": starts - timedelta(days=rng.randint(6600, 9000)),
        "email": f"{given.lower()}.{rng.randrange(10**6)}@learner.example"
        if rng.random() < 0.7
        else None,
        "employer_id": rng.choice(employers),
        "provider_id": rng.choice(providers),
        "standard_id": version.standard_id,
        "version_id": version.id,
        "start_date": starts,
        "ehc_plan": rng.random() < 0.05,
        "status": STATUS[person.story],
        "gateway_date": gateway,
        "epa_deadline": gateway and epa_deadline(gateway, version.epa_period_months),
        "epa_round": 1,
        "epa_restarted_on": None,
        "withdrawn_reason": None,
        "withdrawn_at": None,
        "created_at": created,
        "updated_at": created,
    }
    if person.story == "withdrawn":
        left = (
            min(held) - timedelta(days=2) if held else today - timedelta(days=rng.randint(1, 300))
        )
        row |= {
            "withdrawn_reason": "The apprentice left the employer.",
            "withdrawn_at": london(datetime.combine(min(left, today), time(12))),
        }
    return row


def _gateway(person: Person) -> dict:
    row = person.row
    return {
        "apprentice_id": person.id,
        "gateway_date": row["gateway_date"],
        **READY,  # the evidence that meets every gateway requirement
        "bsl": False,
        "portfolio_submitted": True,
        "passed": True,
        "reasons": [],
        "warnings": [],
        "epa_deadline": row["epa_deadline"],
        "recorded_by_id": None,
        "recorded_at": london(datetime.combine(row["gateway_date"], time(11))),
    }


def _event(actor_id: int, entity: str, entity_id: int, action: str, after: dict) -> dict:
    return {
        "occurred_at": clock.now(),
        "actor_id": actor_id,
        "channel": "web",
        "entity": entity,
        "entity_id": str(entity_id),
        "action": action,
        "before": None,
        "after": {k: v.isoformat() if isinstance(v, date) else v for k, v in after.items()},
        "reason": None,
    }


def _analyse(db) -> None:
    if db.engine.dialect.name == "postgresql":
        # As autovacuum leaves a service that has been running a while: fresh statistics, and
        # rows marked visible, or the first calls would pay for that on every page they read.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()


def _bulk(db, model, rows, returning=True, chunk=5000) -> list[int]:
    """Insert many rows; their ids in the order given, when asked. PostgreSQL takes them by
    COPY (ids drawn from the table's sequence first); SQLite by Core executemany (the ORM's
    bulk path splits rows into small batches)."""
    table = model.__table__
    if db.engine.dialect.name == "postgresql":
        return _copy(db, table, list(rows), returning)
    statement = insert(table)
    if returning:
        statement = statement.returning(table.c.id, sort_by_parameter_order=True)
    connection = db.session.connection()
    ids = []
    rows = iter(rows)
    while batch := list(islice(rows, chunk)):
        result = connection.execute(statement, batch)
        if returning:
            ids += result.scalars().all()
    return ids


def _copy(db, table, rows: list[dict], returning: bool) -> list[int]:
    """COPY the rows in, each value bound as SQLAlchemy would bind it (UTC times, JSON), and
    each column left out given its Python default, as an insert would."""
    if not rows:
        return []
    connection = db.session.connection()
    dialect = connection.dialect
    given = list(dict.fromkeys(name for row in rows for name in row))  # rows may leave some out
    defaults = {
        c.name: c.default
        for c in table.columns
        if c.name not in given and c.default is not None and c.name != "id"
    }
    ids = []
    if returning:
        sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
        ids = (
            connection.exec_driver_sql(
                f"SELECT nextval({sequence}) FROM generate_series(1, {len(rows)})"  # noqa: S608
            )
            .scalars()
            .all()
        )
        given = ["id", *given]
    columns = given + list(defaults)
    binders = [table.c[name].type._cached_bind_processor(dialect) for name in columns]
    cursor = connection.connection.driver_connection.cursor()
    names = ", ".join(f'"{name}"' for name in columns)
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:  # noqa: S608
        for n, row in enumerate(rows):
            values = [ids[n]] if returning else []
            values += [row.get(name) for name in given[1 if returning else 0 :]]
            values += [d.arg if d.is_scalar else d.arg(None) for d in defaults.values()]
            copy.write_row([b(v) if b else v for b, v in zip(binders, values, strict=True)])
    return ids


def _employer(name: str) -> dict:
    return {"name": name, "name_key": employer_name_key(name)}


def _provider(n: int) -> dict:
    name = f"Provider {n}"
    return {"name": name, "name_key": employer_name_key(name), "ukprn": f"1{n:07d}"}


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
                rows.append(
                    {"assessor_id": assessor_id, "employer_id": employer_id, "provider_id": None}
                )
            if rng.random() < 0.3:
                provider_id = rng.choice(providers)
                rows.append(
                    {"assessor_id": assessor_id, "employer_id": None, "provider_id": provider_id}
                )
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
        code = "project" if rng.random() < 0.5 else "discussion"
        if cursor + durations[code] > ends:
            code = "discussion"
        if cursor + durations[code] > ends:
            break
        held.append((london(cursor), code))
        cursor += durations[code] + GRID * rng.choice((0, 0, 1, 2))
    return held
