"""The cohort planner on a tight case, against the greedy baseline: an extra, run on its own
(`python bench/cohort_planner.py`), not part of `make bench`.

Sixty apprentices from four employers passed gateway in two intakes about ten weeks ago, so
their project windows (from 91 days after gateway to the four-month deadline) open within the
notice period and close five weeks later; each still needs both methods (a 3-hour project and
a 1-hour discussion). Twelve assessors have mixed working patterns and daily limits: seven
take one long assessment a day, five work short afternoons that fit a discussion only. Six
assessors declared a conflict with the largest employer, one with each other employer; two
are on leave for a fortnight; diaries are already part full. The plan covers four months.

The greedy baseline is what a person booking one apprentice after another would do: each, in
turn, takes the earliest free slots. Both read the same candidate starts (every booking rule
applied), and both plans are checked for clashes and limits.
"""

import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

#: Monday 4 January 2027, 09:00 in London: a fixed "now", so each run plans the same case.
NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
APPRENTICES = 60
ASSESSORS = 12
SECONDS = float(os.environ.get("BENCH_PLANNER_SECONDS", "10"))
#: Days before now (within a week) that each intake passed gateway: two intakes whose project
#: windows open within the notice period, so the whole cohort wants the same few weeks.
INTAKES = [int(d) for d in os.environ.get("BENCH_INTAKES", "74,70").split(",")]
#: Working patterns (weekdays, from, to, most a day), one per assessor: the full-day assessors
#: take one long assessment a day; the part-timers' short afternoons fit a discussion only.
PATTERNS = [
    ({0, 1, 2, 3, 4}, (8, 0), (18, 0), 1),
    ({0, 1, 2, 3}, (8, 0), (18, 0), 1),
    ({1, 2, 3, 4}, (9, 0), (17, 0), 1),
    ({0, 2, 4}, (8, 0), (16, 0), 1),
    ({0, 1, 2, 3, 4}, (8, 30), (17, 30), 1),
    ({1, 3, 4}, (8, 0), (18, 0), 2),
    ({0, 1, 2, 3, 4}, (9, 0), (18, 0), 1),
    ({0, 1, 2, 3, 4}, (13, 0), (15, 0), 2),
    ({0, 2, 4}, (13, 0), (15, 0), 2),
    ({1, 3}, (14, 0), (16, 0), 2),
    ({0, 1, 2, 3}, (12, 0), (14, 0), 1),
    ({2, 3, 4}, (15, 0), (17, 0), 2),
]
#: Assessors with a declared conflict of interest with the largest employer.
CONFLICTED = [int(n) for n in os.environ.get("BENCH_CONFLICTED", "2,3,4,6,8,10").split(",")]


def main() -> dict:
    from flask_migrate import upgrade

    from epa import create_app

    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/plan.sqlite"
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}
    )
    with time_machine.travel(NOW, tick=False), app.app_context():
        upgrade()
        apprentices = _seed()
        return _measure(apprentices)


def _seed() -> list:
    import json
    from pathlib import Path

    from epa.apprentices.schemas import ApprenticeNew
    from epa.apprentices.services import register_apprentice
    from epa.auth.schemas import UserNew
    from epa.auth.services import create_user
    from epa.extensions import db
    from epa.gateway.schemas import GatewayAttemptNew
    from epa.gateway.services import record_gateway
    from epa.organisations.schemas import EmployerNew, ProviderNew
    from epa.organisations.services import create_employer, create_provider
    from epa.rules.local_time import london
    from epa.rules.patterns import WorkingPattern
    from epa.scheduling.models import (
        Assessment,
        AssessorConflict,
        AssessorPattern,
        Unavailability,
    )
    from epa.standards.services import load_standard

    rng = random.Random(11)  # noqa: S311 (a repeatable case, not a secret)
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "standard.json"
    load_standard(json.loads(fixture.read_text()))
    employers = [create_employer(EmployerNew.read({"name": f"Employer {n}"})) for n in range(4)]
    provider = create_provider(
        ProviderNew.read({"name": "Midlands Tech Academy", "ukprn": "10012345"})
    )
    patterns = PATTERNS
    assessors = []
    for n in range(ASSESSORS):
        user = create_user(
            UserNew.read(
                {
                    "email": f"assessor{n}@epao.example",
                    "name": f"Assessor {n:02d}",
                    "role": "assessor",
                    "password": "a long enough password",
                }
            )
        )
        days, starts, ends, per_day = patterns[n % len(patterns)]
        row = AssessorPattern(assessor_id=user.id)
        row.keep(
            WorkingPattern(
                weekdays=frozenset(days),
                starts=datetime(2000, 1, 1, *starts).time(),
                ends=datetime(2000, 1, 1, *ends).time(),
                max_per_day=per_day,
            )
        )
        db.session.add(row)
        assessors.append(user)
    # Independence: the largest employer was the last job of most assessors, so only a few may
    # assess its apprentices; one more assessor is conflicted with each of the others.
    for n in CONFLICTED:
        db.session.add(AssessorConflict(assessor_id=assessors[n].id, employer_id=employers[0].id))
    for n in (1, 2, 3):
        db.session.add(
            AssessorConflict(assessor_id=assessors[ASSESSORS - n].id, employer_id=employers[n].id)
        )
    for n in (2, 9):  # a fortnight's leave each
        first = london(datetime(2027, 2, 1 + 7 * (n % 3), 0, 0))
        db.session.add(
            Unavailability(
                assessor_id=assessors[n].id,
                starts_at=first,
                ends_at=first + timedelta(days=14),
                reason="Annual leave",
            )
        )
    cohort = []
    today = NOW.date()
    for n in range(APPRENTICES + 1):
        gateway = today - timedelta(days=INTAKES[n % len(INTAKES)] + rng.randint(0, 6))
        apprentice = register_apprentice(
            ApprenticeNew.read(
                {
                    "uln": "9999999999",
                    "given_names": f"Learner{n:02d}",
                    "family_name": rng.choice(["Shah", "Jones", "Okafor", "Smith", "Nowak"]),
                    "date_of_birth": "2000-01-10",
                    "email": None,
                    "employer_id": employers[n % 4].id,
                    "provider_id": provider.id,
                    "standard": "ST0825",
                    "start_date": (gateway - timedelta(days=420)).isoformat(),
                }
            )
        )
        attempt = record_gateway(
            apprentice,
            GatewayAttemptNew(
                english="level2",
                maths="level2",
                employer_confirmed=True,
                provider_confirmed=True,
                project_summary_submitted=True,
                portfolio_submitted=True,
                gateway_date=gateway.isoformat(),
            ),
        )
        assert attempt.passed, attempt.reasons
        cohort.append(apprentice)
    # Diaries already part full: an earlier apprentice's bookings, spread over the months.
    earlier = cohort.pop()
    for _ in range(40):
        assessor = rng.choice(assessors)
        pattern = db.session.get(AssessorPattern, assessor.id).pattern
        day = today + timedelta(days=rng.randint(14, 110))
        starts = london(datetime.combine(day, pattern.starts))
        if day.weekday() not in pattern.weekdays or db.session.scalar(
            select(Assessment.id).where(
                Assessment.assessor_id == assessor.id, Assessment.starts_at == starts
            )
        ):
            continue
        db.session.add(
            Assessment(
                apprentice_id=earlier.id,
                method_id=earlier.version.methods[1].id,
                assessor_id=assessor.id,
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                calendar_uid=f"bench-{rng.random()}@epa",
            )
        )
    db.session.commit()
    rng.shuffle(cohort)  # the order staff happened to tick them in
    return [a.id for a in cohort]


def _measure(apprentice_ids: list[int]) -> dict:
    from epa.apprentices.models import Apprentice
    from epa.extensions import db
    from epa.planning.candidates import gather
    from epa.rules.planning import check, greedy, solve

    apprentices = [db.session.get(Apprentice, i) for i in apprentice_ids]
    today = NOW.date()
    last = today + timedelta(days=122)
    started = time.perf_counter()
    candidates = gather(apprentices, today, last)
    gathered = time.perf_counter() - started
    options = {"max_span_days": candidates.max_span_days, "monday_offset": today.weekday()}
    started = time.perf_counter()
    baseline = greedy(candidates.tasks, candidates.capacities, **options)
    greedy_s = time.perf_counter() - started
    started = time.perf_counter()
    planned = solve(candidates.tasks, candidates.capacities, time_limit_s=SECONDS, **options)
    solve_s = time.perf_counter() - started
    for plan in (baseline, planned):
        assert not check(plan, candidates.tasks, candidates.capacities, candidates.max_span_days)
    ratio = planned.completion_days / baseline.completion_days
    result = {
        "planner_tasks": len(candidates.tasks),
        "planner_gather_s": round(gathered, 2),
        "planner_solve_s": round(solve_s, 2),
        "planner_solver_status": planned.solver_status,
        "planner_placed": planned.placed,
        "greedy_placed": baseline.placed,
        "planner_completion_days": planned.completion_days,
        "greedy_completion_days": baseline.completion_days,
        "planner_completion_ratio": round(ratio, 3),
        "greedy_s": round(greedy_s, 3),
    }
    print(
        f"cohort planner: {len(candidates.tasks)} methods for {len(apprentice_ids)} apprentices, "
        f"{ASSESSORS} assessors, 4 months\n"
        f"  candidates gathered in {gathered:.2f} s; solved in {solve_s:.2f} s "
        f"({planned.solver_status})\n"
        f"  placed: solver {planned.placed}, greedy {baseline.placed}\n"
        f"  days to completion (sum): solver {planned.completion_days}, greedy "
        f"{baseline.completion_days}, ratio {ratio:.3f} (target <= 0.9)",
        flush=True,
    )
    return result


if __name__ == "__main__":
    from figures import write

    write(main())
