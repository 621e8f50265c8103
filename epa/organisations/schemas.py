"""What the API takes and gives for employers and training providers."""

from epa.rules.identifiers import is_valid_ukprn
from epa.shapes import Command, Missing, Shape, Text, checked, problem

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


class Employer(Shape):
    id: int
    name: str


class Provider(Shape):
    id: int
    name: str
    ukprn: str
