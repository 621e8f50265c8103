"""What the API takes and gives for apprentices: registering, finding, changing, withdrawing and
changing version. The apprentice's details are declared here once: the register form, the
spreadsheet import and the API all read them through `ApprenticeNew`, and `Apprentice` gives the
record back (the audit trail keeps the same view of it)."""

from datetime import date
from typing import Annotated

from pydantic import AliasPath, Field, WithJsonSchema

from epa.apprentices.models import STATUSES, ApprenticeStatus
from epa.rules.identifiers import TEMPORARY_ULN, is_valid_uln
from epa.shapes import (
    BLANK_SCHEMA,
    CONTROL,
    ID_SCHEMA,
    LEFT_OUT,
    Command,
    Day,
    Flag,
    Missing,
    OptionalDay,
    OptionalEmail,
    Reason,
    RecordId,
    Reference,
    Shape,
    Sort,
    Text,
    checked,
    clean_id,
    problem,
)

ULN_REFUSAL = (
    "Enter a ULN of 10 digits, not starting with 0, whose last digit is the check digit (or the "
    f"temporary ULN {TEMPORARY_ULN})"
)

Uln = Reference(
    is_valid_uln,
    ULN_REFUSAL,
    "invalid_uln",
    {
        "pattern": "^[1-9][0-9]{9}$",
        "description": "The unique learner number: its last digit is the check digit (weights "
        "10 down to 2 on the first nine, r = sum mod 11, r = 0 never valid, else the tenth "
        f"digit is 10 - r); {TEMPORARY_ULN} while the real one is awaited. A change may send "
        "back the ULN on record as it is, even one an earlier rule accepted",
        "examples": ["1234567899"],
    },
)


class ApprenticeNew(Command):
    """An apprentice to register; the start date chooses the version of the standard."""

    uln: Uln
    given_names: Text("given names")
    family_name: Text("family name")
    date_of_birth: Day("date of birth")
    #: for assessment invitations
    email: OptionalEmail() = None
    employer_id: RecordId("employer")
    provider_id: RecordId("provider")
    standard: Text("standard reference", max_length=20, examples=["ST0825"])
    start_date: Day("start date")
    #: an education, health and care plan, legacy statement or equivalent assessment
    ehc_plan: Flag("EHC plan") = False


ApprenticeChange = ApprenticeNew.partial(
    "ApprenticeChange",
    "Changes to an apprentice's details: only the fields sent change. The standard cannot (it "
    "may be sent as it is); a new start date chooses the version again.",
)


class ApprenticeWithdrawal(Command):
    reason: Reason("withdrawing")


def _search(value) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    if CONTROL.search(value):
        raise problem("The search must not contain control characters")
    return " ".join(value.split())


def _status(value) -> ApprenticeStatus | None:
    if value is None or value == "":
        return None
    if value not in STATUSES:
        raise problem(f"Must be one of: {', '.join(STATUSES)}")
    return ApprenticeStatus(value)


#: Every filter may be left out, so none is ever missing.
_NEVER_MISSING = Missing("")


def _optional_id(label: str, description: str):
    """A filter naming a record by id; blank is no filter (whether it exists is the service's)."""
    return Annotated[
        checked(
            int | None,
            lambda value: None if value is None or value == "" else clean_id(value, label),
            {"anyOf": [ID_SCHEMA, BLANK_SCHEMA], "description": description},
            _NEVER_MISSING,
        ),
        LEFT_OUT,
    ]


def _reference(value) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) or len(value.strip()) > 20 or CONTROL.search(value):
        raise problem("The standard must be a reference such as ST0825")
    return value.strip().upper()


class ApprenticeSearch(Command):
    """The list's search, filters and order: the page, the API and both downloads read the same;
    a blank filter is no filter."""

    q: Annotated[
        checked(
            str | None,
            _search,
            {
                "type": "string",
                "pattern": "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$",
                "description": "A ULN (exact) or words of the name (any case); blank: everyone",
            },
            _NEVER_MISSING,
        ),
        LEFT_OUT,
    ] = None
    status: Annotated[
        checked(
            ApprenticeStatus | None,
            _status,
            {
                "anyOf": [
                    {"type": "string", "enum": [status.value for status in ApprenticeStatus]},
                    BLANK_SCHEMA,
                ],
                "description": "Only apprentices in this status; blank: every status",
            },
            _NEVER_MISSING,
        ),
        LEFT_OUT,
    ] = None
    employer_id: _optional_id("employer", "Only the apprentices of this employer") = None
    provider_id: _optional_id("provider", "Only the apprentices of this training provider") = None
    standard: Annotated[
        checked(
            str | None,
            _reference,
            {
                "anyOf": [{"type": "string", "maxLength": 20}, BLANK_SCHEMA],
                "description": "Only apprentices on the standard with this reference",
                "examples": ["ST0825"],
            },
            _NEVER_MISSING,
        ),
        LEFT_OUT,
    ] = None
    assessor_id: _optional_id(
        "assessor",
        "Only apprentices with an assessment booked with this assessor (held or to come; "
        "a cancelled booking does not count)",
    ) = None
    deadline_before: OptionalDay(
        "EPA deadline",
        "Only apprentices whose EPA period ends before this date (those without one are left out)",
    ) = None
    sort: Sort(
        ("name", "start_date", "epa_deadline"),
        "The order: name, start date or EPA deadline; a leading - reverses it. Apprentices "
        "without an EPA deadline come last either way",
    ) = "name"


def _version(value) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise problem("Select the version to move to")
    if not isinstance(value, str):
        raise problem('The version must be text, such as "1.1"')
    return value.strip()


class VersionChange(Command):
    version: checked(
        str,
        _version,
        {
            "type": "string",
            "minLength": 1,
            "pattern": "\\S",
            "description": "A later version of the apprentice's standard; versions compare "
            "number by number (1.10 is later than 1.9)",
            "examples": ["1.1"],
        },
        Missing("Select the version to move to"),
    )
    reason: Reason("changing the version")


StoredUln = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[0-9]{10}$",
            "description": "As recorded: one an earlier rule accepted may start with 0",
        }
    ),
]


class Apprentice(Shape):
    """An apprentice's record: the details as registered, the version the start date chose (or
    an administrator moved them to), and where they are in their EPA."""

    id: int
    uln: StoredUln
    given_names: str
    family_name: str
    date_of_birth: date
    email: str | None
    employer_id: int
    provider_id: int
    standard: Annotated[str, Field(validation_alias=AliasPath("standard", "reference"))]
    version: Annotated[str, Field(validation_alias=AliasPath("version", "version"))]
    start_date: date
    ehc_plan: bool
    status: ApprenticeStatus
    gateway_date: date | None
    epa_deadline: date | None
    epa_round: Annotated[
        int, Field(description="1, then one more each time an administrator restarts the EPA")
    ]
    epa_started_on: Annotated[
        date | None,
        Field(
            description="The first day of the current EPA period: the gateway date, or the "
            "London date of the last restart"
        ),
    ]
    withdrawn_reason: str | None
    anonymised: Annotated[
        bool,
        Field(
            description="True once the retention period ended and `epa purge` replaced the "
            "personal data (names, ULN, date of birth, email); grades and outcomes stay"
        ),
    ]
