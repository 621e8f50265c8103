"""The service's sense of today, in Europe/London (one place, so tests can fix it)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_today() -> date:
    """Today's date in England."""
    return datetime.now(LONDON).date()
