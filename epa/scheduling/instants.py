"""Reading and writing instants at the service's edges: ISO 8601 in, Europe/London out."""

import re
from datetime import UTC, datetime

from epa import validation
from epa.rules.local_time import InvalidLocalTime, london

# A date and a time of day to the minute at least: "2026-12-10" alone is not an instant.
_DATE_AND_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}")


def read_instant(data: dict, field: str, label: str, problems: validation.Problems):
    """An aware UTC instant from ISO 8601; without an offset it is London wall-clock time."""
    value = data.get(field)
    if value is None or value == "":
        problems.add(field, f"Enter the {label}")
        return None
    if not isinstance(value, str):
        problems.add(field, f"The {label} must be a date and time like 2026-12-10T10:00")
        return None
    try:
        if not _DATE_AND_TIME.match(value.strip()):
            raise ValueError(value)
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        problems.add(field, f"The {label} must be a date and time like 2026-12-10T10:00")
        return None
    if not validation.EARLIEST_DATE <= parsed.date() <= validation.LATEST_DATE:
        problems.add(field, f"The {label} must be between 1900 and 2100")
        return None
    if parsed.tzinfo is None:
        try:
            parsed = london(parsed)
        except InvalidLocalTime as error:
            problems.add(field, str(error), "invalid_local_time")
            return None
    return parsed.astimezone(UTC)
