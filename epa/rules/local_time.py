"""Europe/London wall-clock times, refusing the ones the clock changes make impossible or double."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class InvalidLocalTime(ValueError):
    """A wall-clock time that does not exist, or happens twice, in Europe/London."""


def london(naive: datetime) -> datetime:
    """A naive London wall-clock time as an aware instant; refused at the clock changes.

    zoneinfo accepts 01:30 on the last Sunday of March (skipped) and of October (twice)
    without complaint, so both folds are converted and compared.
    """
    if naive.tzinfo is not None:
        raise ValueError("expected a wall-clock time without an offset")
    early = naive.replace(tzinfo=LONDON, fold=0)
    late = naive.replace(tzinfo=LONDON, fold=1)
    if early.utcoffset() != late.utcoffset():
        round_trip = early.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None)
        if round_trip != naive:
            raise InvalidLocalTime(
                f"{naive:%H:%M} on {naive.day} {naive:%B %Y} does not exist in the UK: "
                "the clocks go forward an hour then"
            )
        raise InvalidLocalTime(
            f"{naive:%H:%M} on {naive.day} {naive:%B %Y} happens twice in the UK: the clocks "
            "go back an hour then; give the time with its offset (+01:00 or +00:00)"
        )
    return early


def london_date(instant: datetime) -> date:
    """The date in England at an instant."""
    return instant.astimezone(LONDON).date()


def london_time(instant: datetime) -> time:
    return instant.astimezone(LONDON).time()


def to_utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC)


def london_iso(instant: datetime | None) -> str | None:
    """An instant as ISO 8601 with its Europe/London offset, as the API gives every instant."""
    return instant.astimezone(LONDON).isoformat() if instant else None
