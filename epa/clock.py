"""The service's one clock: every "now" and "today" in the code comes from here, so tests move
time in one place and the service behaves the same whatever the date."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in England (Europe/London)."""
    return now().astimezone(LONDON).date()
