"""Which version of a standard an apprentice follows, chosen by their start date."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class VersionWindow:
    version: str
    earliest_start_date: date
    #: None while the version is still open to new starts
    latest_start_date: date | None


class NoVersionForStartDate(ValueError):
    """No version of the standard was open for starts on that date."""


def _long(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def version_for_start_date(windows: list[VersionWindow], start: date) -> VersionWindow:
    """The version whose start-date window holds `start` (both ends inclusive)."""
    for window in windows:
        latest = window.latest_start_date
        if window.earliest_start_date <= start and (latest is None or start <= latest):
            return window
    ordered = sorted(windows, key=lambda w: w.earliest_start_date)
    opens = ", ".join(
        f"{w.version} from {_long(w.earliest_start_date)}"
        + (f" to {_long(w.latest_start_date)}" if w.latest_start_date else "")
        for w in ordered
    )
    raise NoVersionForStartDate(
        f"No version of the standard was open for starts on {_long(start)} "
        f"(versions: {opens or 'none loaded'})."
    )
