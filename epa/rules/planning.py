"""The cohort planner: choose at most one (assessor, start) for each outstanding assessment of a
cohort so that the plan's own bookings never clash, from starts the caller already found legal.

Time is a grid of 30-minute units of London wall-clock time: unit 0 is 00:00 on day 0 (today),
and a start's day is `start // UNITS_PER_DAY`. Legal starts lie within working hours, so an
assessment never crosses midnight. Every plan, the greedy baseline's and the solver's alike,
keeps these rules (`check` lists the ones a plan breaks):

1. each task is placed at most once, at one of its legal starts with that assessor;
2. no two placements overlap (half-open) for the same assessor or the same apprentice;
3. an assessor's bookings already in the diary plus the plan's, on any day, stay within their
   daily limit;
4. an apprentice's placements lie within `max_span_days` of each other (None: no limit), a
   conservative stand-in for "all methods within N months".

Plans are ranked lexicographically (`rank`): most tasks placed, then the fewest "days until the
last method" summed over apprentices, then the most even spread of the plan's bookings across
the assessors who could take any (most minus fewest).
"""

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

UNITS_PER_DAY = 48
UNIT_MINUTES = 30
#: Plan.solver_status of a plan the greedy baseline made
GREEDY = "GREEDY"


@dataclass(frozen=True)
class Task:
    """One apprentice's outstanding assessment method."""

    key: int  # the caller's index for the task, unique in one call
    apprentice: int
    duration: int  # in units: a 180-minute project is 6
    starts: Mapping[int, Sequence[int]]  # assessor id -> legal start units


@dataclass(frozen=True)
class AssessorCapacity:
    id: int
    max_per_day: int
    booked: Mapping[int, int]  # day -> bookings already in the diary that day
    week_booked: Mapping[int, int]  # week (see `week_of`) -> bookings already in that week


@dataclass(frozen=True)
class Placement:
    task: int  # Task.key
    assessor: int
    start: int


@dataclass(frozen=True)
class Plan:
    placements: tuple[Placement, ...]  # in task order
    unplaced: tuple[int, ...]  # Task.key, in task order
    completion_days: int  # sum over apprentices of the day of their last placement (0 if none)
    optimal: bool  # the solver proved that no plan ranks better
    #: GREEDY for the baseline; from `solve`, OPTIMAL or FEASIBLE when CP-SAT found the plan,
    #: UNKNOWN when it found nothing better than the greedy runs that hinted it
    solver_status: str

    @property
    def placed(self) -> int:
        return len(self.placements)


def day_of(start: int) -> int:
    return start // UNITS_PER_DAY


def week_of(day: int, monday_offset: int) -> int:
    """Day `-monday_offset` is the Monday of day 0's week, so weeks line up with ISO weeks."""
    return (day + monday_offset) // 7


def usable_starts(task: Task, capacity: Mapping[int, AssessorCapacity]) -> dict[int, list[int]]:
    """The task's starts, sorted, on days its assessor still has room for; assessors left with
    none drop out. Both planners work from these, so a full day is never even tried."""
    usable = {}
    for assessor, starts in task.starts.items():
        if assessor not in capacity:
            raise ValueError(f"task {task.key} names assessor {assessor} with no capacity given")
        limit = capacity[assessor]
        full = {d for d, n in limit.booked.items() if n >= limit.max_per_day}
        kept = sorted(set(starts)) if limit.max_per_day > 0 else []
        if full:
            kept = [s for s in kept if day_of(s) not in full]
        if kept:
            usable[assessor] = kept
    return usable


def completion_days(placements: Iterable[Placement], tasks: Sequence[Task]) -> int:
    apprentice_of = {t.key: t.apprentice for t in tasks}
    last: dict[int, int] = {}
    for p in placements:
        apprentice = apprentice_of[p.task]
        last[apprentice] = max(last.get(apprentice, 0), day_of(p.start))
    return sum(last.values())


def spread(plan: Plan, tasks: Sequence[Task], assessors: Sequence[AssessorCapacity]) -> int:
    """Most minus fewest plan bookings per assessor, over assessors with any usable start."""
    return _Cohort(tasks, assessors).spread(plan.placements)


def rank(plan: Plan, tasks: Sequence[Task], assessors: Sequence[AssessorCapacity]):
    """The objective as a sortable key: smaller is better."""
    return _Cohort(tasks, assessors).rank(plan)


def check(
    plan: Plan,
    tasks: Sequence[Task],
    assessors: Sequence[AssessorCapacity],
    max_span_days: int | None,
) -> list[str]:
    """Every rule the plan breaks, in words; empty when it keeps them all. Works from the raw
    tasks, not from anything the planners derive, so it checks them independently."""
    problems = []
    by_key = {t.key: t for t in tasks}
    capacity = {a.id: a for a in assessors}
    seen: set[int] = set()
    by_assessor: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    by_apprentice: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    per_day: dict[tuple[int, int], int] = defaultdict(int)
    for p in plan.placements:
        task = by_key.get(p.task)
        if task is None:
            problems.append(f"task {p.task} is not one of the tasks")
            continue
        if p.task in seen:
            problems.append(f"task {p.task} is placed more than once")
        seen.add(p.task)
        if p.start not in task.starts.get(p.assessor, ()):
            problems.append(f"task {p.task} at {p.start} is not a legal start for {p.assessor}")
        span = (p.start, p.start + task.duration, p.task)
        by_assessor[p.assessor].append(span)
        by_apprentice[task.apprentice].append(span)
        per_day[p.assessor, day_of(p.start)] += 1
    for who, spans in [("assessor", by_assessor), ("apprentice", by_apprentice)]:
        for person, intervals in spans.items():
            intervals.sort()
            for (_, end, a), (start, _, b) in zip(intervals, intervals[1:], strict=False):
                if start < end:
                    problems.append(f"tasks {a} and {b} overlap for {who} {person}")
    for (assessor, day), count in per_day.items():
        limit = capacity.get(assessor)
        if limit is None:
            problems.append(f"assessor {assessor} has no capacity given")
        elif limit.booked.get(day, 0) + count > limit.max_per_day:
            problems.append(f"assessor {assessor} is over their daily limit on day {day}")
    if max_span_days is not None:
        for apprentice, intervals in by_apprentice.items():
            days = [day_of(start) for start, _, _ in intervals]
            if max(days) - min(days) > max_span_days:
                problems.append(f"apprentice {apprentice} spans more than {max_span_days} days")
    unplaced = tuple(t.key for t in tasks if t.key not in seen)
    if tuple(plan.unplaced) != unplaced:
        problems.append(f"unplaced should be {unplaced}, not {plan.unplaced}")
    known = [p for p in plan.placements if p.task in by_key]
    if plan.completion_days != completion_days(known, tasks):
        problems.append("completion_days does not match the placements")
    return problems


def greedy(
    tasks: Sequence[Task],
    assessors: Sequence[AssessorCapacity],
    *,
    max_span_days: int | None,
    monday_offset: int,
) -> Plan:
    """Each apprentice in turn (in order of first appearance) takes, task by task, the earliest
    start still free; at the same start the assessor with the fewest bookings that week (diary
    and plan) wins, then the lowest id. What a person booking one by one would do."""
    cohort = _Cohort(tasks, assessors)
    return cohort.plan(cohort.greedy(tasks, max_span_days, monday_offset), False, GREEDY)


def solve(
    tasks: Sequence[Task],
    assessors: Sequence[AssessorCapacity],
    *,
    max_span_days: int | None,
    monday_offset: int,
    time_limit_s: float = 10.0,
    workers: int = 2,
    seed: int = 0,
) -> Plan:
    """The best plan found within about `time_limit_s` seconds of wall time, never ranked
    below the greedy plan.

    Greedy runs in a few apprentice orders (as given, then soonest possible finish first) and
    the best of them hints CP-SAT, which then works through the ranking a stage at a time: most
    tasks placed; fewest days with that many placed; evenest spread with those days. A stage's
    answer replaces the plan only when it ranks no worse, so when the solver finds nothing the
    best greedy plan stands. `optimal` is True only when every stage proved its optimum.
    """
    began = time.monotonic()
    cohort = _Cohort(tasks, assessors)
    runs = [cohort.greedy(order, max_span_days, monday_offset) for order in cohort.orders()]
    baseline = cohort.plan(runs[0], False, GREEDY)
    found = min((cohort.plan(r, False, "UNKNOWN") for r in runs), key=cohort.rank)
    # With every task that can be placed placed, no apprentice finishes before their soonest
    # possible day, so no apprentice may finish later than theirs plus the days the best plan
    # spends above that bound in total: on a cohort with room to spare that cuts nearly every
    # late day out of the model.
    everything = found.placed == sum(1 for usable in cohort.usable.values() if usable)
    slack = found.completion_days - sum(cohort.soonest().values()) if everything else None
    model = _Model(cohort, max_span_days, slack)
    model.hint(found)
    stages = [
        (0.2, lambda: model.model.maximize(model.placed_total)),
        (0.85, lambda: model.model.minimize(model.days_total)),
        (1.0, lambda: model.model.minimize(model.spread_total)),
    ]
    proved = []
    for number, (share, objective) in enumerate(stages):
        if number == 1:
            model.model.add(model.placed_total >= found.placed)
        elif number == 2:
            model.model.add(model.days_total <= found.completion_days)
        if number == 0 and everything:
            proved.append(True)
            continue
        left = time_limit_s - _MARGIN_S - (time.monotonic() - began)
        if left <= 0:
            break
        objective()
        solver = _solver(left * share, workers, seed)
        status = solver.solve(model.model)
        proved.append(status == cp_model.OPTIMAL)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        candidate = cohort.plan(model.placements(solver), False, "FEASIBLE")
        # A stage leaves later criteria free (the spread while placing), so its answer can
        # rank below the plan it was hinted with.
        if cohort.rank(candidate) <= cohort.rank(found):
            found = candidate
            model.rehint(solver)
    if len(proved) == len(stages) and all(proved):
        found = replace(found, optimal=True, solver_status="OPTIMAL")
    return found if cohort.rank(found) <= cohort.rank(baseline) else baseline


# CP-SAT stops a little after its limit, and the plans still have to be read and ranked.
_MARGIN_S = 0.5


def _solver(seconds: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.01)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # Probing in presolve took most of a 10-second budget on a cohort-sized model, for nothing.
    solver.parameters.cp_model_probing_level = 0
    return solver


class _Cohort:
    """The call's tasks with what both planners need worked out once."""

    def __init__(self, tasks: Sequence[Task], assessors: Sequence[AssessorCapacity]):
        keys = [t.key for t in tasks]
        if len(set(keys)) != len(keys):
            raise ValueError("task keys must be unique")
        self.tasks = tuple(tasks)
        self.capacity = {a.id: a for a in assessors}
        self.usable = {t.key: usable_starts(t, self.capacity) for t in tasks}
        self.eligible = sorted({a for usable in self.usable.values() for a in usable})

    def plan(self, placements: Mapping[int, Placement], optimal: bool, status: str) -> Plan:
        chosen = tuple(placements[t.key] for t in self.tasks if t.key in placements)
        return Plan(
            placements=chosen,
            unplaced=tuple(t.key for t in self.tasks if t.key not in placements),
            completion_days=completion_days(chosen, self.tasks),
            optimal=optimal,
            solver_status=status,
        )

    def spread(self, placements: Iterable[Placement]) -> int:
        load = dict.fromkeys(self.eligible, 0)
        for p in placements:
            load[p.assessor] = load.get(p.assessor, 0) + 1
        return max(load.values()) - min(load[a] for a in self.eligible) if self.eligible else 0

    def rank(self, plan: Plan) -> tuple[int, int, int]:
        return (-plan.placed, plan.completion_days, self.spread(plan.placements))

    def soonest(self) -> dict[int, int]:
        """Per apprentice, the latest of their tasks' first usable days: the soonest they could
        finish if every task were placed."""
        soonest: dict[int, int] = defaultdict(int)
        for t in self.tasks:
            first = min((starts[0] for starts in self.usable[t.key].values()), default=0)
            soonest[t.apprentice] = max(soonest[t.apprentice], day_of(first))
        return soonest

    def usable_until(self, key: int, last_day: int) -> dict[int, list[int]]:
        end = (last_day + 1) * UNITS_PER_DAY
        kept = {a: [s for s in st if s < end] for a, st in self.usable[key].items()}
        return {a: st for a, st in kept.items() if st}

    def orders(self) -> list[list[Task]]:
        """The tasks as given, then with the apprentices who could finish soonest first (ties
        to those with fewer assessor days to choose from): in the given order an apprentice who
        can only start late may take a day that one who could finish early needed."""
        soonest = self.soonest()
        choice: dict[int, int] = defaultdict(int)
        for t in self.tasks:
            usable = self.usable[t.key]
            choice[t.apprentice] += sum(len({day_of(s) for s in st}) for st in usable.values())
        return [
            list(self.tasks),
            sorted(self.tasks, key=lambda t: soonest[t.apprentice]),
            sorted(self.tasks, key=lambda t: (soonest[t.apprentice], choice[t.apprentice])),
        ]

    def greedy(self, tasks, max_span_days, monday_offset) -> dict[int, Placement]:
        diary = _Diaries(self.capacity, monday_offset)
        order: dict[int, int] = {}
        for t in tasks:
            order.setdefault(t.apprentice, len(order))
        placements = {}
        for task in sorted(tasks, key=lambda t: order[t.apprentice]):  # stable: task order kept
            best = None
            for assessor, starts in self.usable[task.key].items():
                for start in starts:
                    if best is not None and start > best[0]:
                        break
                    if diary.fits(task, assessor, start, max_span_days):
                        choice = (start, diary.week_load(assessor, start), assessor)
                        best = choice if best is None else min(best, choice)
                        break
            if best is not None:
                start, _, assessor = best
                diary.place(task, assessor, start)
                placements[task.key] = Placement(task.key, assessor, start)
        return placements


class _Diaries:
    """The greedy planner's running view of its plan: who is busy when, and how full each day
    and week is."""

    def __init__(self, capacity, monday_offset):
        self.capacity = capacity
        self.monday_offset = monday_offset
        self.assessor_busy = defaultdict(list)  # (assessor, day) -> [(start, end)]
        self.apprentice_busy = defaultdict(list)  # apprentice -> [(start, end)]
        self.apprentice_days = defaultdict(list)
        self.week = defaultdict(int)  # (assessor, week) -> plan bookings

    def fits(self, task, assessor, start, max_span_days) -> bool:
        day, end = day_of(start), start + task.duration
        busy = self.assessor_busy[assessor, day]
        limit = self.capacity[assessor]
        if limit.booked.get(day, 0) + len(busy) >= limit.max_per_day:
            return False
        clash = busy + self.apprentice_busy[task.apprentice]
        if any(start < e and s < end for s, e in clash):
            return False
        days = self.apprentice_days[task.apprentice]
        if max_span_days is not None and days:
            return max(days + [day]) - min(days + [day]) <= max_span_days
        return True

    def week_load(self, assessor, start) -> int:
        week = week_of(day_of(start), self.monday_offset)
        return self.capacity[assessor].week_booked.get(week, 0) + self.week[assessor, week]

    def place(self, task, assessor, start) -> None:
        span = (start, start + task.duration)
        self.assessor_busy[assessor, day_of(start)].append(span)
        self.apprentice_busy[task.apprentice].append(span)
        self.apprentice_days[task.apprentice].append(day_of(start))
        self.week[assessor, week_of(day_of(start), self.monday_offset)] += 1


class _Model:
    """Which assessor's day each task takes, as one literal per (task, assessor, day): daily
    limits and "days until the last method" are then plain sums, which the LP relaxation bounds
    well. A start per task, with its intervals, keeps the plan's bookings apart within a day."""

    def __init__(self, cohort: _Cohort, max_span_days: int | None, slack: int | None):
        self.model = m = cp_model.CpModel()
        self.apprentice_of = {t.key: t.apprentice for t in cohort.tasks}
        duration = {t.key: t.duration for t in cohort.tasks}
        capacity, usable = cohort.capacity, cohort.usable
        if slack is not None:
            soonest = cohort.soonest()
            usable = {
                t.key: cohort.usable_until(t.key, soonest[t.apprentice] + slack)
                for t in cohort.tasks
            }
        #: task key -> assessor -> day -> literal
        self.at: dict[int, dict[int, dict[int, cp_model.IntVar]]] = {}
        self.on: dict[int, dict[int, cp_model.IntVar]] = {}  # task key -> assessor -> literal
        self.start: dict[int, cp_model.IntVar] = {}
        self.day: dict[int, cp_model.IntVar] = {}
        self.placed: dict[int, cp_model.IntVar] = {}
        last_day = max((day_of(s[-1]) for u in usable.values() for s in u.values()), default=0)
        on_assessor = defaultdict(list)
        on_day = defaultdict(list)
        of_apprentice = defaultdict(list)
        for task in cohort.tasks:
            if usable[task.key]:
                self._task(task, usable[task.key], capacity, on_assessor, on_day)
                of_apprentice[task.apprentice].append(task.key)
        for intervals in on_assessor.values():
            m.add_no_overlap(intervals)
        for (assessor, day), literals in on_day.items():
            room = capacity[assessor].max_per_day - capacity[assessor].booked.get(day, 0)
            if len(literals) > room:
                m.add(sum(literals) <= room)
        self.last: dict[int, cp_model.IntVar] = {}
        self.first: dict[int, cp_model.IntVar] = {}
        for apprentice, keys in of_apprentice.items():
            if len(keys) > 1:
                m.add_no_overlap(
                    m.new_optional_fixed_size_interval_var(
                        self.start[k], duration[k], self.placed[k], "t"
                    )
                    for k in keys
                )
            last = self.last[apprentice] = m.new_int_var(0, last_day, "last")
            for k in keys:
                m.add(last >= self._day_sum(k))
            if max_span_days is not None:
                first = self.first[apprentice] = m.new_int_var(0, last_day, "first")
                for k in keys:
                    m.add(first <= self.day[k]).only_enforce_if(self.placed[k])
                m.add(last - first <= max_span_days)
        self.loads = {a: sum(on[a] for on in self.on.values() if a in on) for a in cohort.eligible}
        self.most = m.new_int_var(0, len(cohort.tasks), "most")
        self.fewest = m.new_int_var(0, len(cohort.tasks), "fewest")
        m.add(self.fewest <= self.most)
        for load in self.loads.values():
            m.add(self.most >= load)
            m.add(self.fewest <= load)
        self.placed_total = sum(self.placed.values())
        self.days_total = sum(self.last.values())
        self.spread_total = self.most - self.fewest

    def _task(self, task, usable, capacity, on_assessor, on_day):
        m = self.model
        every = sorted({s for starts in usable.values() for s in starts})
        days = sorted({day_of(s) for s in every})
        start = m.new_int_var_from_domain(cp_model.Domain.from_values(every), "s")
        day = m.new_int_var_from_domain(cp_model.Domain.from_values(days), "d")
        m.add_linear_constraint(start - UNITS_PER_DAY * day, 0, UNITS_PER_DAY - 1)
        placed = m.new_bool_var("placed")
        at, on = {}, {}
        for assessor, starts in usable.items():
            here = on[assessor] = m.new_bool_var("on")
            at[assessor] = {d: m.new_bool_var("at") for d in sorted({day_of(s) for s in starts})}
            m.add(sum(at[assessor].values()) == here)
            for d, literal in at[assessor].items():
                on_day[assessor, d].append(literal)
            if len(starts) < len(every):
                m.add_linear_expression_in_domain(
                    start, cp_model.Domain.from_values(starts)
                ).only_enforce_if(here)
            limit = capacity[assessor]
            busiest = max(limit.max_per_day - limit.booked.get(d, 0) for d in at[assessor])
            if busiest > 1:  # with room for one a day, the daily limit already keeps them apart
                on_assessor[assessor].append(
                    m.new_optional_fixed_size_interval_var(start, task.duration, here, "i")
                )
        m.add(sum(on.values()) == placed)
        # An unplaced task's day rests on its first day, so the sum stays exact.
        self.at[task.key], self.on[task.key] = at, on
        self.start[task.key], self.day[task.key], self.placed[task.key] = start, day, placed
        m.add(day == self._day_sum(task.key) + days[0] * (1 - placed))

    def _day_sum(self, key):
        return sum(d * literal for at in self.at[key].values() for d, literal in at.items())

    def hint(self, plan: Plan) -> None:
        m = self.model
        where = {p.task: p for p in plan.placements}
        loads = dict.fromkeys(self.loads, 0)
        days = defaultdict(list)
        for key, at in self.at.items():
            p = where.get(key)
            for assessor, by_day in at.items():
                m.add_hint(self.on[key][assessor], p is not None and p.assessor == assessor)
                for d, literal in by_day.items():
                    chosen = p is not None and p.assessor == assessor and day_of(p.start) == d
                    m.add_hint(literal, chosen)
            m.add_hint(self.placed[key], p is not None)
            start = p.start if p is not None else self.start[key].proto.domain[0]
            m.add_hint(self.start[key], start)
            m.add_hint(self.day[key], day_of(start))
            if p is not None:
                loads[p.assessor] += 1
                days[self.apprentice_of[key]].append(day_of(p.start))
        for apprentice, last in self.last.items():
            m.add_hint(last, max(days[apprentice], default=0))
        for apprentice, first in self.first.items():
            m.add_hint(first, min(days[apprentice], default=0))
        if loads:
            m.add_hint(self.most, max(loads.values()))
            m.add_hint(self.fewest, min(loads.values()))

    def rehint(self, solver: cp_model.CpSolver) -> None:
        """Start the next stage from the solution the last one found."""
        m = self.model
        m.clear_hints()
        for index in range(len(m.proto.variables)):
            variable = m.get_int_var_from_proto_index(index)
            m.add_hint(variable, solver.value(variable))

    def placements(self, solver: cp_model.CpSolver) -> dict[int, Placement]:
        found = {}
        for key, on in self.on.items():
            for assessor, literal in on.items():
                if solver.boolean_value(literal):
                    found[key] = Placement(key, assessor, solver.value(self.start[key]))
        return found
