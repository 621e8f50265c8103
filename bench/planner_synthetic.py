"""Measure the cohort planner on a synthetic cohort: greedy baseline against the CP-SAT solver.

Not a test: it prints. `python bench/planner_synthetic.py [--seed N] [--busy F] ...`

The cohort: 60 apprentices, each needing a 180-minute project (6 units, first) and a 60-minute
discussion (2 units); 12 assessors with daily limits of 1-3, working two to five weekdays, some
existing bookings (a share `--busy` of their working days hold one or two) and a week away for
some; about 85 working days ahead. Projects may start from day 30-60 (varying by apprentice),
discussions from day 14. A quarter of the assessors are conflicted with a third of the
apprentices each. Starts are every 30 minutes from 08:00, ending by 18:00. `--scarce` makes
the same cohort contend for assessors: one or two working weekdays each, one booking a day.

The lower bound printed is, per apprentice, the latest of its tasks' earliest usable days,
summed: no plan that places every task finishes sooner, so a ratio to greedy below
(lower bound / greedy) cannot be reached on that instance.
"""

import argparse
import random
import statistics
import sys
import time

from epa.rules.planning import (
    UNITS_PER_DAY,
    AssessorCapacity,
    Task,
    check,
    day_of,
    greedy,
    solve,
    spread,
    usable_starts,
    week_of,
)

OPEN, CLOSE = 16, 36  # 08:00 and 18:00 in units
PROJECT, DISCUSSION = 6, 2


def instance(
    seed: int,
    busy: float,
    *,
    weekdays: tuple[int, int] = (2, 5),
    per_day: tuple[int, int] = (1, 3),
    apprentices: int = 60,
    assessor_count: int = 12,
):
    rng = random.Random(seed)  # noqa: S311 - a reproducible cohort, not secrets
    monday_offset = rng.randrange(7)
    working_days = []
    day = 0
    while len(working_days) < 85:
        if (day + monday_offset) % 7 < 5:
            working_days.append(day)
        day += 1
    assessors, diaries = [], {}
    for a in range(1, assessor_count + 1):
        works = set(rng.sample(range(5), rng.randint(*weekdays)))
        away = set()
        if rng.random() < 0.5:
            first = rng.choice(working_days[10:-10])
            away = set(range(first, first + 7))
        busy_at: dict[int, list[tuple[int, int]]] = {}
        for d in working_days:
            if (d + monday_offset) % 7 in works and d not in away and rng.random() < busy:
                held = []
                for _ in range(rng.randint(1, 2)):
                    length = rng.choice([2, 6])
                    s = rng.randrange(OPEN, CLOSE - length + 1)
                    if all(s + length <= hs or he <= s for hs, he in held):
                        held.append((s, s + length))
                busy_at[d] = held
        booked = {d: len(h) for d, h in busy_at.items()}
        week_booked: dict[int, int] = {}
        for d, n in booked.items():
            w = week_of(d, monday_offset)
            week_booked[w] = week_booked.get(w, 0) + n
        assessors.append(AssessorCapacity(a, rng.randint(*per_day), booked, week_booked))
        diaries[a] = (works, away, busy_at)
    conflicted_assessors = rng.sample(range(1, assessor_count + 1), assessor_count // 4)
    conflicts = {
        a: set(rng.sample(range(apprentices), apprentices // 3)) for a in conflicted_assessors
    }
    tasks = []
    for i in range(apprentices):
        project_from = rng.randint(30, 60)
        for duration, earliest in [(PROJECT, project_from), (DISCUSSION, 14)]:
            starts = {}
            for a, (works, away, busy_at) in diaries.items():
                if i in conflicts.get(a, ()):
                    continue
                legal = []
                for d in working_days:
                    if d < earliest or (d + monday_offset) % 7 not in works or d in away:
                        continue
                    held = busy_at.get(d, [])
                    for s in range(OPEN, CLOSE - duration + 1):
                        if all(s + duration <= hs or he <= s for hs, he in held):
                            legal.append(d * UNITS_PER_DAY + s)
                if legal:
                    starts[a] = tuple(legal)
            tasks.append(Task(len(tasks), i, duration, starts))
    return tasks, assessors, monday_offset


def lower_bound(tasks, assessors) -> int:
    capacity = {a.id: a for a in assessors}
    latest: dict[int, int] = {}
    for t in tasks:
        usable = usable_starts(t, capacity)
        if usable:
            first = min(day_of(s[0]) for s in usable.values())
            latest[t.apprentice] = max(latest.get(t.apprentice, 0), first)
    return sum(latest.values())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--busy", type=float, default=0.3)
    parser.add_argument("--span", type=int, default=None)
    parser.add_argument(
        "--scarce",
        action="store_true",
        help="assessors work one or two weekdays with a daily limit of one: a contended cohort",
    )
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    ratios = []
    for seed in args.seeds:
        shape = dict(weekdays=(1, 2), per_day=(1, 1)) if args.scarce else {}
        tasks, assessors, monday_offset = instance(seed, args.busy, **shape)
        options = dict(max_span_days=args.span, monday_offset=monday_offset)
        began = time.perf_counter()
        base = greedy(tasks, assessors, **options)
        greedy_s = time.perf_counter() - began
        began = time.perf_counter()
        plan = solve(
            tasks, assessors, time_limit_s=args.time_limit, workers=args.workers, seed=0, **options
        )
        solve_s = time.perf_counter() - began
        for name, p in [("greedy", base), ("solver", plan)]:
            problems = check(p, tasks, assessors, args.span)
            if problems:
                sys.exit(f"{name} plan breaks the rules: {problems[:5]}")
        ratio = plan.completion_days / base.completion_days if base.completion_days else 1.0
        ratios.append(ratio)
        bound = lower_bound(tasks, assessors)
        print(
            f"seed {seed}: {len(tasks)} tasks, lower bound {bound} days\n"
            f"  greedy  placed {base.placed:3d}  days {base.completion_days:5d}"
            f"  spread {spread(base, tasks, assessors):2d}  {greedy_s:6.2f} s\n"
            f"  solver  placed {plan.placed:3d}  days {plan.completion_days:5d}"
            f"  spread {spread(plan, tasks, assessors):2d}  {solve_s:6.2f} s"
            f"  {plan.solver_status}{' (proved)' if plan.optimal else ''}\n"
            f"  solver/greedy days {ratio:.3f}; lower bound/greedy "
            f"{bound / base.completion_days:.3f}",
            flush=True,
        )
    print(f"median solver/greedy days {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
