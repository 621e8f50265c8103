"""What the API takes and gives for the audit trail: the filters of a search, and each event."""

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, WithJsonSchema, field_validator

from epa.shapes import (
    BLANK_SCHEMA,
    ID_SCHEMA,
    LEFT_OUT,
    Command,
    Instant,
    Missing,
    OptionalDay,
    Shape,
    checked,
    clean_id,
    clean_text,
    problem,
)

#: every record type the services write events for, as the API names them
ENTITIES = (
    "apprentice",
    "gateway_attempt",
    "assessment",
    "result",
    "outcome",
    "user",
    "employer",
    "provider",
    "standard",
    "api_token",
    "assessor_conflict",
    "unavailability",
    "assessor_pattern",
    "plan",
)
CHANNELS = ("web", "api", "cli")
ENTITY_ID_LENGTH = 64
#: one line of text without control characters
ONE_LINE = "^[^\\u0000-\\u001f\\u007f]*$"


def _entity(value: str) -> str:
    if value not in ENTITIES:
        raise problem(f"The record type must be one of: {', '.join(ENTITIES)}")
    return value


def _entity_id(value) -> str | None:
    if isinstance(value, str) and not value.strip():
        return None
    return clean_text(value, "record id", max_length=ENTITY_ID_LENGTH)


def _filter(python_type, check, schema: dict, description: str):
    """An optional filter of the query string: blank or left out, it filters nothing."""
    return Annotated[
        checked(
            python_type | None,
            lambda value: None if value is None or value == "" else check(value),
            {"anyOf": [schema, BLANK_SCHEMA], "description": description},
            Missing("Leave it out or give a value"),
        ),
        LEFT_OUT,
    ]


class AuditQuery(Command):
    """The events to list, newest first; every filter is optional."""

    entity: _filter(str, _entity, {"type": "string", "enum": list(ENTITIES)}, "The record type") = (
        None
    )
    entity_id: _filter(
        str,
        _entity_id,
        {"type": "string", "maxLength": ENTITY_ID_LENGTH, "pattern": ONE_LINE},
        "The record's id",
    ) = None
    user_id: _filter(
        int, lambda value: clean_id(value, "user"), ID_SCHEMA, "Only changes by this user"
    ) = None
    from_: Annotated[
        OptionalDay("from date", "First London date (counts)"), Field(alias="from")
    ] = None
    to: OptionalDay("to date", "Last London date (counts); not before `from`") = None

    @field_validator("to")
    @classmethod
    def _not_before_from(cls, to: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("from_")
        if to is not None and start is not None and start > to:
            raise problem("The to date must be the same as or after the from date")
        return to


class Actor(Shape):
    """Who made a change: the audit trail names the user, nothing more of their record."""

    id: int
    name: str


#: written out in full, so that an event's schema stands alone
ACTOR_SCHEMA = {
    "type": ["object", "null"],
    "description": "The user who made the change; null for the command line",
    "required": ["id", "name"],
    "additionalProperties": False,
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}


class AuditEvent(Shape):
    """Who changed which record, when, what it was before and after, and why."""

    id: int
    occurred_at: Instant()
    entity: Literal[ENTITIES]
    entity_id: str
    action: Annotated[
        str,
        Field(
            description="create, update, delete, or a named action such as withdraw or "
            "change_version"
        ),
    ]
    actor: Annotated[Actor | None, WithJsonSchema(ACTOR_SCHEMA)]
    channel: Literal[CHANNELS]
    before: Annotated[
        dict | None, Field(description="The changed fields as they were (null for a create)")
    ]
    after: Annotated[
        dict | None, Field(description="The changed fields as they became (null for a delete)")
    ]
    reason: str | None
