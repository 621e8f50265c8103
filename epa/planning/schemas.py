"""What the API takes and gives for cohort plans."""

from datetime import date

from pydantic import AliasPath, Field

from epa.planning.models import PlanStatus
from epa.scheduling.instants import LondonInstant
from epa.scheduling.schemas import Location, OptionalDay, _no_filter
from epa.shapes import ID_SCHEMA, Command, Missing, Shape, checked, clean_id, problem

#: A plan's solver time grows with its size; a cohort larger than this is several plans.
MOST_APPRENTICES = 200


def _apprentice_ids(value):
    if not isinstance(value, list) or not value:
        raise problem("Choose at least one apprentice")
    if len(value) > MOST_APPRENTICES:
        raise problem(f"Plan for at most {MOST_APPRENTICES} apprentices at once")
    ids = [clean_id(item, "apprentice") for item in value]
    if len(set(ids)) != len(ids):
        raise problem("Give each apprentice once")
    return ids


ApprenticeIds = checked(
    list[int],
    _apprentice_ids,
    {
        "type": "array",
        "items": ID_SCHEMA,
        "minItems": 1,
        "maxItems": MOST_APPRENTICES,
        "uniqueItems": True,
    },
    Missing("Choose at least one apprentice"),
)


class PlanRequest(Command):
    """Plan every method each apprentice still needs (first attempts), from and to London dates."""

    apprentice_ids: ApprenticeIds
    from_: OptionalDay("from date") = _no_filter(
        alias="from", description="Default: today (the rules' notice still applies)"
    )
    to: OptionalDay("to date") = _no_filter(
        description="Default: the latest EPA deadline among the apprentices, within a year"
    )


class PlanBooking(Command):
    """Book every row of the plan, all or nothing, at one location."""

    location: Location = None


class PlanRow(Shape):
    index: int = Field(
        validation_alias="position",
        description="The row's number, from 1, for good: dropping a row does not renumber the "
        "others",
    )
    apprentice_id: int
    apprentice_name: str = Field(validation_alias=AliasPath("apprentice", "full_name"))
    method: str = Field(validation_alias=AliasPath("method", "code"))
    assessor_id: int
    assessor_name: str = Field(validation_alias=AliasPath("assessor", "name"))
    starts_at: LondonInstant
    ends_at: LondonInstant
    assessment_id: int | None = Field(description="The booking made from the row, once booked")


class PlanUnplacedRow(Shape):
    apprentice_id: int
    method: str = Field(validation_alias=AliasPath("method", "code"))
    code: str = Field(description="A booking refusal code, or no_slot when nothing fits")


class Plan(Shape):
    id: int
    status: PlanStatus
    created_at: LondonInstant
    starts_on: date = Field(description="The first London date the plan was asked to fill")
    ends_on: date = Field(description="The last London date the plan was asked to fill")
    solver_status: str = Field(
        description="optimal, feasible (the time limit came first) or greedy (the solver found "
        "nothing better than the baseline in time)"
    )
    booked_at: LondonInstant | None
    items: list[PlanRow]
    unplaced: list[PlanUnplacedRow]


class PlanBooked(Shape):
    status: PlanStatus
    assessment_ids: list[int]
