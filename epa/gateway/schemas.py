"""What the API takes and gives for gateway attempts."""

from datetime import date
from typing import Annotated

from pydantic import Field, WithJsonSchema

from epa.rules.gateway import LEVELS, REASON_CODES, WARNING_CODES
from epa.shapes import Choice, Command, Day, Flag, Instant, Shape

LEVEL_SCHEMA = {
    "type": "string",
    "enum": list(LEVELS),
    "description": "The highest level held; level2 means level 2 or above",
}


class GatewayAttemptNew(Command):
    """The evidence checked at gateway; yes-or-no evidence left out is false."""

    gateway_date: Day("gateway date")
    english: Choice("English level", LEVELS)
    maths: Choice("maths level", LEVELS)
    #: a British Sign Language qualification, held in place of English
    bsl: Flag("BSL") = False
    employer_confirmed: Flag("Employer confirmation") = False
    provider_confirmed: Flag("Training provider confirmation") = False
    project_summary_submitted: Flag("Project summary submitted") = False
    #: recorded and shown; no longer a gateway requirement
    portfolio_submitted: Flag("Portfolio submitted") = False


Level = Annotated[str, WithJsonSchema(LEVEL_SCHEMA)]


def _codes(codes, description: str):
    schema = {"type": "array", "items": {"type": "string", "enum": list(codes)}}
    return Annotated[list[str], WithJsonSchema({**schema, "description": description})]


class GatewayAttempt(Shape):
    """One attempt at gateway, passed or not, with its evidence and the rules' reasons."""

    id: int
    gateway_date: date
    english: Level
    maths: Level
    bsl: bool
    employer_confirmed: bool
    provider_confirmed: bool
    project_summary_submitted: bool
    portfolio_submitted: Annotated[
        bool, Field(description="Recorded and shown; no longer a gateway requirement")
    ]
    passed: bool
    reasons: _codes(
        REASON_CODES,
        "Unmet requirements; portfolio_missing appears only on attempts recorded before the "
        "published rules (a portfolio is no longer required)",
    )
    warnings: _codes(
        WARNING_CODES,
        "Noted, not failed on: long_time_on_programme when the gateway is more than the "
        "version's max_months_before_gateway after the start date",
    )
    epa_deadline: date | None
    recorded_at: Instant("ISO 8601 with the Europe/London offset")
