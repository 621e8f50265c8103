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


def version_key(version: str) -> tuple:
    """A version's place in order, compared number by number: 1.10 comes after 1.9.

    Trailing zeros do not count (1 and 1.0 are one version). A part that is not a number
    sorts after the numbers, so an odd version still has a place rather than an error.
    """
    parts = [(0, int(p), "") if p.isdecimal() else (1, 0, p) for p in version.strip().split(".")]
    while parts and parts[-1] == (0, 0, ""):
        parts.pop()
    return tuple(parts)


def later_versions(versions: list[str], current: str) -> list[str]:
    """The versions an apprentice on `current` may move to: every later one, earliest first."""
    now = version_key(current)
    return sorted((v for v in versions if version_key(v) > now), key=version_key)
