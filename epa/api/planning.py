"""Slots and plans: the earliest legal slots for a method, and the cohort planner."""

from flask import g

from epa.api.contract import OFFICE, operation
from epa.scheduling.checks import RETRY_CODES
from epa.scheduling.schemas import SlotList, SlotQuery
from epa.scheduling.slots import find_slots

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
