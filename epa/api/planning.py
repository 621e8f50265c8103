"""Slots and plans: the earliest legal slots for a method, and the cohort planner."""

from typing import Annotated

from flask import g
from pydantic import ConfigDict, Field

from epa.api.contract import OFFICE, operation
from epa.api.errors import ErrorDetail
from epa.extensions import db
from epa.planning import services as planning
from epa.planning.schemas import Plan, PlanBooked, PlanBooking, PlanRequest
from epa.scheduling.checks import RETRY_CODES
from epa.scheduling.schemas import SlotList, SlotQuery
from epa.scheduling.slots import find_slots
from epa.shapes import Shape

TAG = "Slots and plans"
#: The booking's refusals that belong to the apprentice rather than to a time.
APPRENTICE_REFUSALS = {
    409: ["method_already_booked"],
    422: [
        "gateway_not_passed",
        "apprentice_withdrawn",
        "unknown_method",
        "not_an_assessor",
        "invalid_date",
        "invalid_local_time",
        *(code for code in RETRY_CODES if code != "retry_window_passed"),
    ],
}


@operation(
    "get",
    "/apprentices/<id:apprentice_id>/slots",
    roles=OFFICE,
    tag=TAG,
    query=SlotQuery,
    response=SlotList,
    errors=APPRENTICE_REFUSALS,
)
def list_slots(apprentice_id: int, query: SlotQuery):
    """The earliest legal slots for one of the apprentice's methods, each with an assessor"""
    found = find_slots(apprentice_id, query, g.actor)
    return {
        "items": [
            {
                "starts_at": slot.starts_at,
                "ends_at": slot.ends_at,
                "assessor": {"id": slot.assessor_id, "name": slot.assessor_name},
            }
            for slot in found
        ]
    }


class StaleRow(Shape):
    index: int
    apprentice_id: int
    method: str
    code: str = Field(description="The booking refusal the row now meets")
    message: str


class PlanStaleDetail(ErrorDetail):
    # Only plan_stale names rows: the document must not promise them always.
    model_config = ConfigDict(json_schema_serialization_defaults_required=False)

    rows: Annotated[
        list[StaleRow], Field(description="plan_stale only: each row that no longer fits")
    ] = []


class PlanStale(Shape):
    """A plan that was not booked: `rows` names each row that no longer fits."""

    error: PlanStaleDetail


PLAN = "/plans/<id:plan_id>"


@operation(
    "post",
    "/plans",
    roles=OFFICE,
    tag=TAG,
    body=PlanRequest,
    response=Plan,
    status=201,
    errors={422: ["invalid_date"]},
)
def create_plan(body: PlanRequest):
    """Propose a plan that books every method each apprentice still needs (first attempts)"""
    plan = planning.propose_plan(body, g.actor)
    db.session.commit()
    return plan


@operation("get", PLAN, roles=OFFICE, tag=TAG, response=Plan)
def get_plan(plan_id: int):
    """A plan, with its rows and what it could not place"""
    return planning.get_plan(plan_id)


@operation(
    "delete",
    PLAN + "/items/<id:index>",
    roles=OFFICE,
    tag=TAG,
    status=204,
    errors={409: ["plan_already_booked"]},
)
def drop_plan_row(plan_id: int, index: int):
    """Drop a row from a plan before it is booked (rows keep their index)"""
    planning.drop_row(planning.get_plan(plan_id), index)
    db.session.commit()
    return "", 204


@operation(
    "post",
    PLAN + "/book",
    roles=OFFICE,
    tag=TAG,
    body=PlanBooking,
    response=PlanBooked,
    status=201,
    errors={409: ["plan_stale", "plan_already_booked"], 422: ["plan_empty"]},
    error_shapes={409: PlanStale},
)
def book_plan(plan_id: int, body: PlanBooking):
    """Book every row of the plan, all or nothing; invitations go out as for any booking"""
    ids = planning.book_plan(planning.get_plan(plan_id), body, g.actor)
    db.session.commit()
    return {"status": "booked", "assessment_ids": ids}
