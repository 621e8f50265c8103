"""Instants at the service's edges: ISO 8601 in (London wall-clock time when it has no offset),
ISO 8601 with the Europe/London offset out."""

import re
from datetime import UTC, date, datetime, time
from typing import Annotated

from pydantic import PlainSerializer, WithJsonSchema

from epa.rules.local_time import LONDON, InvalidLocalTime, london, london_iso
from epa.shapes import EARLIEST_DATE, LATEST_DATE, Missing, checked, problem

_YEAR = r"(19[0-9]{2}|20[0-9]{2}|2100)"
_DAY = r"(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_CLOCK = r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
_OFFSET = r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?"
#: A date and a time of day to the minute at least, perhaps with an offset: the document's
#: pattern (its years those the service keeps) and, with any year, the reader's.
LOCAL_INSTANT_PATTERN = f"^{_YEAR}-{_DAY}[T ]{_CLOCK}{_OFFSET}$"
_SHAPE = re.compile(f"[0-9]{{4}}-{_DAY}[T ]{_CLOCK}{_OFFSET}")

LOCAL_INSTANT_SCHEMA = {
    "type": "string",
    "pattern": LOCAL_INSTANT_PATTERN,
    "description": "ISO 8601 date and time, from 1900 to 2100; without an offset it is "
    "Europe/London wall-clock time, refused (invalid_local_time) when the clocks skip or "
    "repeat it",
    "examples": ["2026-12-10T10:00", "2026-12-10T10:00:00+00:00"],
}


def clean_local_instant(value, label: str) -> datetime:
    """An aware UTC instant from ISO 8601; without an offset it is London wall-clock time."""
    if value is None or value == "":
        raise problem(f"Enter the {label}")
    like = f"The {label} must be a date and time like 2026-12-10T10:00"
    if not isinstance(value, str) or not _SHAPE.fullmatch(value.strip()):
        raise problem(like)
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:  # a day the month does not have
        raise problem(like) from None
    if not EARLIEST_DATE <= parsed.date() <= LATEST_DATE:
        raise problem(f"The {label} must be between 1900 and 2100")
    if parsed.tzinfo is None:
        try:
            parsed = london(parsed)
        except InvalidLocalTime as error:
            raise problem(str(error), "invalid_local_time") from None
    return parsed.astimezone(UTC)


def LocalInstant(label: str):  # noqa: N802
    """An instant as a request gives it: ISO 8601, London wall-clock time without an offset."""
    return checked(
        datetime,
        lambda value: clean_local_instant(value, label),
        LOCAL_INSTANT_SCHEMA,
        Missing(f"Enter the {label}"),
    )


#: An instant as a response gives it: ISO 8601 with its Europe/London offset.
LondonInstant = Annotated[
    datetime,
    PlainSerializer(london_iso, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 with the Europe/London offset",
        }
    ),
]


def midnight(day: date) -> datetime:
    """The start of a London day, as an instant."""
    return datetime.combine(day, time(0), LONDON)
