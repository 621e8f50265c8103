"""Proposing a plan for a cohort, reviewing it, dropping rows, and booking it all or nothing."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from epa import clock
from epa.apprentices.models import Apprentice
from epa.audit.services import record
from epa.auth.models import User
from epa.errors import NotFound, ServiceError
from epa.extensions import db
from epa.persistence import lock_many_diaries
from epa.planning.candidates import gather
from epa.planning.models import Plan, PlanItem, PlanStatus, PlanUnplaced
from epa.planning.schemas import PlanBooking, PlanRequest
from epa.rules.local_time import london_iso
from epa.rules.planning import solve
from epa.scheduling.schemas import Booking
from epa.scheduling.services import book_assessment
from epa.shapes import Problems

#: How a plan was made, as the plan says it; anything else (the baseline, or a reordering of
#: it the solver could not better in time) is a greedy plan.
HOW_MADE = {"OPTIMAL": "optimal", "FEASIBLE": "feasible"}
#: A plan covers at most a year: the solver's size grows with the days it weighs.
LONGEST = timedelta(days=366)


def propose_plan(request: PlanRequest, actor: User) -> Plan:
    """Plan every method each apprentice still needs, and keep the plan for review."""
    apprentices = _apprentices(request.apprentice_ids)
    today = clock.today()
    first = max(request.from_ or today, today)
    deadlines = [a.epa_deadline for a in apprentices if a.epa_deadline is not None]
    # Left out, the plan runs to the latest deadline: a day at least, so apprentices whose
    # deadline has passed are listed with that reason rather than refused.
    last = request.to or max(first, min(max(deadlines, default=first), first + LONGEST))
    problems = Problems()
    if last < first:
        problems.add("to", "The to date must be on or after the from date (and today)")
    elif last - first > LONGEST:
        problems.add("to", "Plan at most a year at a time")
    problems.raise_if_any()
    candidates = gather(apprentices, first, last)
    outcome = solve(
        candidates.tasks,
        candidates.capacities,
        max_span_days=candidates.max_span_days,
        monday_offset=today.weekday(),
        time_limit_s=current_app.config.get("PLANNER_SECONDS", 10),
    )
    plan = Plan(
        created_by_id=actor.id,
        starts_on=first,
        ends_on=last,
        solver_status=HOW_MADE.get(outcome.solver_status, "greedy"),
    )
    placed = sorted(
        outcome.placements,
        key=lambda p: (p.start, p.assessor, candidates.needs[p.task].apprentice.id),
    )
    for position, placement in enumerate(placed, start=1):
        need = candidates.needs[placement.task]
        starts_at = candidates.instant(placement.start)
        plan.items.append(
            PlanItem(
                position=position,
                apprentice_id=need.apprentice.id,
                method_id=need.method.id,
                assessor_id=placement.assessor,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=need.method.duration_minutes),
            )
        )
    unplaced = [(u.apprentice, u.method, u.code) for u in candidates.unplaceable] + [
        (candidates.needs[key].apprentice, candidates.needs[key].method, "no_slot")
        for key in outcome.unplaced
    ]
    for apprentice, method, code in sorted(unplaced, key=lambda u: (u[0].id, u[1].id)):
        plan.unplaced.append(
            PlanUnplaced(apprentice_id=apprentice.id, method_id=method.id, code=code)
        )
    db.session.add(plan)
    db.session.flush()
    record(
        "plan",
        plan.id,
        "create",
        after={
            "apprentice_ids": request.apprentice_ids,
            "rows": len(plan.items),
            "unplaced": len(plan.unplaced),
            "solver_status": plan.solver_status,
        },
    )
    return plan


def _apprentices(ids: list[int]) -> list[Apprentice]:
    found = {
        a.id: a
        for a in db.session.scalars(
            select(Apprentice)
            .where(Apprentice.id.in_(ids))
            .options(selectinload(Apprentice.version))
        )
    }
    missing = [str(i) for i in ids if i not in found]
    if missing:
        problems = Problems()
        problems.add("apprentice_ids", f"No apprentice has the id {', '.join(missing)}")
        problems.raise_if_any()
    return [found[i] for i in ids]


def get_plan(plan_id: int) -> Plan:
    """The plan with its rows and what it could not place, each with the apprentice, method and
    assessor it names: a fixed number of statements however many rows it holds."""
    plan = db.session.get(
        Plan,
        plan_id,
        options=[
            selectinload(Plan.created_by),
            selectinload(Plan.items).options(
                selectinload(PlanItem.apprentice),
                selectinload(PlanItem.method),
                selectinload(PlanItem.assessor),
            ),
            selectinload(Plan.unplaced).options(
                selectinload(PlanUnplaced.apprentice), selectinload(PlanUnplaced.method)
            ),
        ],
    )
    if plan is None:
        raise NotFound("plan")
    return plan


def _refuse_if_booked(plan: Plan) -> None:
    if plan.status == PlanStatus.BOOKED:
        raise ServiceError(
            "plan_already_booked",
            "This plan has been booked already; change the bookings themselves instead.",
            status=409,
        )


def drop_row(plan: Plan, index: int) -> None:
    """Leave a row out of the plan before it is booked."""
    db.session.refresh(plan, with_for_update=True)
    _refuse_if_booked(plan)
    item = next((i for i in plan.items if i.position == index), None)
    if item is None:
        raise NotFound("plan row")
    before = {
        "index": index,
        "apprentice_id": item.apprentice_id,
        "assessor_id": item.assessor_id,
        "starts_at": london_iso(item.starts_at),
    }
    plan.items.remove(item)
    db.session.flush()
    record("plan", plan.id, "drop_row", before=before)


def book_plan(plan: Plan, booking: PlanBooking, actor: User) -> list[int]:
    """Book every row through the booking's own rules, or none: when any row no longer fits,
    nothing is booked and each such row is named with its refusal."""
    # Every diary the plan touches, locked at once in the one order all bookings use (taken
    # row by row, a plan and a single booking could each hold what the other waits for); then
    # the plan itself, read afresh, so a second press of the button finds it booked.
    lock_many_diaries(
        [item.apprentice_id for item in plan.items], [item.assessor_id for item in plan.items]
    )
    db.session.refresh(plan, with_for_update=True)
    db.session.expire(plan, ["items"])
    _refuse_if_booked(plan)
    if not plan.items:
        raise ServiceError("plan_empty", "The plan has no rows left to book.", status=422)
    booked, stale = [], []
    for item in plan.items:
        try:
            assessment = book_assessment(
                Booking.read(
                    {
                        "apprentice_id": item.apprentice_id,
                        "method": item.method.code,
                        "assessor_id": item.assessor_id,
                        "starts_at": london_iso(item.starts_at),
                        "location": booking.location,
                    }
                ),
                actor,
            )
        except ServiceError as refused:
            stale.append(
                {
                    "index": item.position,
                    "apprentice_id": item.apprentice_id,
                    "method": item.method.code,
                    "code": refused.code,
                    "message": refused.message,
                }
            )
            continue
        booked.append((item, assessment))
    if stale:
        db.session.rollback()
        raise ServiceError(
            "plan_stale",
            f"Nothing was booked: {len(stale)} of the plan's rows no longer fit. Drop them, or "
            "make a new plan.",
            status=409,
            extra={"rows": stale},
        )
    for item, assessment in booked:
        item.assessment_id = assessment.id
    plan.status = PlanStatus.BOOKED
    plan.booked_at = clock.now()
    plan.booked_by_id = actor.id
    db.session.flush()
    record(
        "plan",
        plan.id,
        "book",
        before={"status": PlanStatus.PROPOSED},
        after={"status": PlanStatus.BOOKED, "assessment_ids": [a.id for _, a in booked]},
    )
    return [assessment.id for _, assessment in booked]
