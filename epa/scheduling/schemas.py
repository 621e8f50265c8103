"""What the API takes and gives for bookings and assessors' diaries; the pages' forms feed the
same commands."""

import re
from datetime import date, datetime, time

from pydantic import AliasPath, ConfigDict, Field

from epa.rules.patterns import MOST_PER_DAY
from epa.rules.stages import Stage
from epa.scheduling.instants import (
    LOCAL_INSTANT_SCHEMA,
    LocalInstant,
    LondonInstant,
    clean_local_instant,
    midnight,
)
from epa.scheduling.models import AssessmentStatus, RetryKind
from epa.shapes import (
    DATE_SCHEMA,
    ID_SCHEMA,
    Command,
    Flag,
    Missing,
    Reason,
    RecordId,
    Shape,
    Sort,
    Text,
    Whole,
    checked,
    clean_date,
    clean_id,
    clean_text,
    problem,
    text_schema,
)

#: What a request may send for a value it leaves out: nothing, null, or blank.
_BLANK = {"type": "string", "pattern": r"^\s*$"}
_NOTHING = [{"type": "null"}, _BLANK]
#: A query parameter given empty (`?from=`), which filters nothing.
_BLANK_QUERY = {"type": "string", "maxLength": 0}


def _left_out(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def OptionalText(label: str, *, max_length: int, one_line: bool = True):  # noqa: N802
    """Text that may be left out, null or blank (all meaning none)."""

    def check(value):
        if _left_out(value):
            return None
        return clean_text(value, label, max_length=max_length, one_line=one_line)

    schema = {"anyOf": [text_schema(max_length), *_NOTHING]}
    return checked(str | None, check, schema, Missing(f"Enter the {label}"))


def OptionalId(label: str):  # noqa: N802
    """A record's id, or nothing (null or blank) where the request need not name one."""
    return checked(
        int | None,
        lambda value: None if value is None or value == "" else clean_id(value, label),
        {"anyOf": [ID_SCHEMA, {"type": "null"}, _BLANK_QUERY]},
        Missing(f"Select the {label}"),
    )


def OptionalDay(label: str):  # noqa: N802
    """A date written YYYY-MM-DD, or nothing (a query's blank filter)."""
    return checked(
        date | None,
        lambda value: None if value is None or value == "" else clean_date(value, label),
        {"anyOf": [DATE_SCHEMA, _BLANK_QUERY]},
        Missing(f"Enter the {label}", "invalid_date"),
    )


def _retry(value):
    if value is not None and value not in tuple(RetryKind):
        raise problem("A retry is either resit or retake")
    return None if value is None else RetryKind(value)


RetryAsked = checked(
    RetryKind | None,
    _retry,
    {"anyOf": [{"type": "string", "enum": list(RetryKind)}, {"type": "null"}]},
    Missing("A retry is either resit or retake"),
)


def _status(value):
    if value is None or value == "":
        return None
    if value not in tuple(AssessmentStatus):
        raise problem("The status must be booked or cancelled")
    return AssessmentStatus(value)


StatusFilter = checked(
    AssessmentStatus | None,
    _status,
    {"anyOf": [{"type": "string", "enum": list(AssessmentStatus)}, _BLANK_QUERY]},
    Missing("The status must be booked or cancelled"),
)

Location = OptionalText("location", max_length=500, one_line=False)


class Booking(Command):
    """Book a method of the apprentice's plan with an assessor."""

    apprentice_id: RecordId("apprentice")
    method: Text("assessment method", max_length=40)
    assessor_id: RecordId("assessor")
    starts_at: LocalInstant("start time")
    location: Location = None
    retry: RetryAsked = Field(None, description="For a second sitting after a submitted fail")
    exceptional_circumstances: Flag("Exceptional circumstances") = Field(
        False,
        description="Admin only: lifts the retry cap on the EPA grade and the limit of "
        "all_methods_within_months from the EPA's first assessment",
    )
    backdated: Flag("Backdated") = Field(
        False, description="Admin only: an assessment already held"
    )


def _unchanged():
    """Left out, it stays as it is (the document gives no default: null is not a value)."""
    return Field(None, json_schema_extra=lambda schema: schema.pop("default", None))


class BookingChange(Command):
    """Move a booking, give it to another assessor, or change its location: what is sent."""

    starts_at: LocalInstant("start time") = _unchanged()
    assessor_id: RecordId("assessor") = _unchanged()
    location: Location = None
    exceptional_circumstances: Flag("Exceptional circumstances") = Field(
        False,
        description="Administrators only: recorded on the booking, it lets the move pass the "
        "time limit for all methods (and lifts the retry cap for it, as on a booking); once "
        "recorded it stays",
    )


class BookingCancellation(Command):
    """Cancel a booking, saying why."""

    reason: Reason("cancelling")


class StartTime(Command):
    """A start time alone, for checking it on a page before booking."""

    starts_at: LocalInstant("start time")


def _no_filter(**alias):
    """A filter left out is read as one given empty: no filter."""
    return Field("", validate_default=True, **alias)


class AssessmentFilter(Command):
    """Filters of the list: London dates inclusive; a blank filter is no filter."""

    assessor_id: OptionalId("assessor") = _no_filter()
    apprentice_id: OptionalId("apprentice") = _no_filter()
    from_: OptionalDay("from date") = _no_filter(alias="from")
    to: OptionalDay("to date") = _no_filter()
    status: StatusFilter = _no_filter()


class ConflictNew(Command):
    """Exactly one of an employer and a training provider."""

    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"required": [name], "properties": {name: ID_SCHEMA}}
                for name in ("employer_id", "provider_id")
            ]
        }
    )

    employer_id: OptionalId("employer") = None
    provider_id: OptionalId("provider") = None


class UnavailabilityNew(Command):
    """A time the assessor cannot be booked; the end after the start."""

    starts_at: LocalInstant("start")
    ends_at: LocalInstant("end")
    reason: Text("reason", max_length=500)


class Assessment(Shape):
    id: int
    apprentice_id: int
    method: str = Field(validation_alias=AliasPath("method", "code"))
    assessor_id: int
    starts_at: LondonInstant
    ends_at: LondonInstant
    location: str | None
    status: AssessmentStatus
    attempt: int = Field(
        description="Counts sittings of the method within its EPA (cancelled ones left out); "
        "a restarted EPA starts again at 1"
    )
    retry: RetryKind | None
    epa_round: int = Field(description="The apprentice's EPA it was booked in")
    counted: bool = Field(
        validation_alias="is_counted",
        description="False once the EPA it belongs to was restarted: it stays on record but no "
        "longer counts",
    )
    exceptional_circumstances: bool
    backdated: bool = Field(validation_alias="is_backdated")
    sequence: int
    cancel_reason: str | None


class Conflict(Shape):
    id: int
    assessor_id: int
    employer_id: int | None
    provider_id: int | None
    organisation: str = Field(validation_alias="organisation_name")


class Unavailability(Shape):
    id: int
    assessor_id: int
    starts_at: LondonInstant
    ends_at: LondonInstant
    reason: str


class FeedAddress(Shape):
    """The private address of an assessor's calendar feed; a new one revokes the old."""

    feed_url: str = Field(json_schema_extra={"format": "uri"})


_CLOCK = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def Clock(label: str):  # noqa: N802
    """A time of day written HH:MM (24-hour, UK time)."""

    def check(value):
        if isinstance(value, time):
            return value
        if not isinstance(value, str) or not _CLOCK.fullmatch(value):
            raise problem(f"Enter the {label} as HH:MM, like 09:30")
        return time(int(value[:2]), int(value[3:]))

    return checked(
        time,
        check,
        {"type": "string", "pattern": f"^{_CLOCK.pattern}$", "examples": ["09:30"]},
        Missing(f"Enter the {label}"),
        serialise=lambda value: f"{value:%H:%M}",
    )


def _weekdays(value):
    if not isinstance(value, list | tuple) or not all(
        isinstance(day, int) and not isinstance(day, bool) for day in value
    ):
        raise problem("Give the days worked as numbers: 0 (Monday) to 6 (Sunday)")
    return sorted(value)


Weekdays = checked(
    list[int],
    _weekdays,
    {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": 6},
        "minItems": 1,
        "maxItems": 7,
        "uniqueItems": True,
        "description": "The days the assessor works, Monday = 0",
    },
    Missing("Choose at least one day the assessor works"),
)


class PatternChange(Command):
    """When the assessor works: days, hours within 08:00 to 18:00, and the most a day."""

    weekdays: Weekdays
    starts: Clock("start time")
    ends: Clock("end time")
    max_per_day: Whole("most assessments a day", 1, MOST_PER_DAY)


class Pattern(Shape):
    assessor_id: int
    weekdays: Weekdays
    starts: Clock("start time")
    ends: Clock("end time")
    max_per_day: int
    description: str = Field(description="The pattern in words")


#: The most slots the finder gives at once.
MOST_SLOTS = 50


def _from(value):
    """A London date (its midnight) or a date and time; blank is no bound."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and len(value.strip()) == 10:
        return midnight(clean_date(value.strip(), "from date"))
    return clean_local_instant(value, "from time")


class SlotQuery(Command):
    """Which method's slots, from when (a date or a date and time) to which date, how many."""

    method: Text("assessment method", max_length=40)
    from_: checked(
        datetime | None,
        _from,
        {"anyOf": [DATE_SCHEMA, LOCAL_INSTANT_SCHEMA, _BLANK_QUERY]},
        Missing("Enter the from date", "invalid_date"),
    ) = _no_filter(alias="from", description="Default: the earliest the rules allow")
    to: OptionalDay("to date") = _no_filter(description="The last London date to look at")
    limit: Whole("number of slots", 1, MOST_SLOTS) = 10
    retry: checked(
        RetryKind | None,
        lambda value: None if value == "" else _retry(value),
        {"anyOf": [{"type": "string", "enum": list(RetryKind)}, _BLANK_QUERY]},
        Missing("A retry is either resit or retake"),
    ) = _no_filter(description="For a second sitting after a submitted fail")
    assessor_id: OptionalId("assessor") = _no_filter(description="Only this assessor's slots")


class SlotAssessor(Shape):
    id: int
    name: str


class Slot(Shape):
    starts_at: LondonInstant
    ends_at: LondonInstant
    assessor: SlotAssessor


class SlotList(Shape):
    items: list[Slot]


def _stage(value):
    if value is None or value == "":
        return None
    if value not in tuple(Stage):
        raise problem(f"The status must be one of: {', '.join(Stage)}")
    return Stage(value)


class AssessmentList(Command):
    """The staff's list of assessments: who, which method, where each stands, London dates
    inclusive, and the order; a blank filter is no filter."""

    assessor_id: OptionalId("assessor") = _no_filter()
    method: OptionalText("assessment method", max_length=40) = _no_filter()
    status: checked(
        Stage | None,
        _stage,
        {
            "anyOf": [{"type": "string", "enum": list(Stage)}, _BLANK_QUERY],
            "description": "booked (still to come), awaiting_result (started, no result "
            "submitted), graded (result submitted) or cancelled",
        },
        Missing(""),
    ) = _no_filter()
    from_: OptionalDay("from date") = _no_filter(alias="from")
    to: OptionalDay("to date") = _no_filter()
    sort: Sort(
        ("starts_at", "apprentice"),
        "The order: start time, or the apprentice's name then start time; a leading - reverses it",
    ) = "starts_at"
