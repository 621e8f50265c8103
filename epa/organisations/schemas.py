"""What the API takes and gives for employers and training providers."""

from typing import Annotated

from epa.rules.identifiers import is_valid_ukprn
from epa.shapes import (
    CONTROL,
    LEFT_OUT,
    Command,
    Missing,
    Shape,
    Text,
    checked,
    problem,
)

UKPRN_REFUSAL = "Enter a UKPRN of 8 digits starting with 1, like 10012345"


def _ukprn(value) -> str:
    value = value.strip() if isinstance(value, str) else value
    if not is_valid_ukprn(value):
        raise problem(UKPRN_REFUSAL, "invalid_ukprn")
    return value


Ukprn = checked(
    str,
    _ukprn,
    {"type": "string", "pattern": "^1[0-9]{7}$", "examples": ["10012345"]},
    Missing(UKPRN_REFUSAL, "invalid_ukprn"),
)


class EmployerNew(Command):
    name: Text("employer's name", max_length=200)


class ProviderNew(Command):
    name: Text("provider's name", max_length=200)
    ukprn: Ukprn


EmployerChange = EmployerNew.partial(
    "EmployerChange", "A new name for an employer; a name left out stays as it is."
)
ProviderChange = ProviderNew.partial(
    "ProviderChange",
    "Changes to a training provider: only the fields sent change.",
)


def _words(value) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) or CONTROL.search(value):
        raise problem("The search must be text without control characters")
    if len(value) > 200:
        raise problem("The search must be 200 characters or fewer")
    return " ".join(value.split())


class OrganisationSearch(Command):
    q: Annotated[
        checked(
            str | None,
            _words,
            {
                "type": "string",
                "maxLength": 200,
                "pattern": "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$",
                "description": "Part of the name (any case, any spacing); for providers, also "
                "the start of a UKPRN; blank: every one",
            },
            Missing(""),
        ),
        LEFT_OUT,
    ] = None


class Employer(Shape):
    id: int
    name: str


class Provider(Shape):
    id: int
    name: str
    ukprn: str
