"""An assessor's working pattern: the weekdays they work, their hours within the service's day,
and the most assessments they take on one day. A booking must fit the pattern as well as every
service-wide rule; the service-wide refusals come first (see `rules.scheduling`)."""

from dataclasses import dataclass
from datetime import datetime, time

from epa.rules.local_time import LONDON

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SERVICE_STARTS = time(8, 0)
SERVICE_ENDS = time(18, 0)
#: Ten one-hour assessments fill the service's day; more a day would be a typing slip.
MOST_PER_DAY = 10


@dataclass(frozen=True)
class WorkingPattern:
    """Monday = 0. The default is every working day, the service's whole day, two a day."""

    weekdays: frozenset[int] = frozenset(range(5))
    starts: time = SERVICE_STARTS
    ends: time = SERVICE_ENDS
    max_per_day: int = 2

    def works_on(self, weekday: int) -> bool:
        return weekday in self.weekdays

    def covers(self, starts_at: datetime, ends_at: datetime) -> bool:
        """Whether the assessment falls on a weekday the assessor works, inside their hours
        (ending exactly when they stop is fine)."""
        start, end = starts_at.astimezone(LONDON), ends_at.astimezone(LONDON)
        return (
            start.weekday() in self.weekdays
            and start.date() == end.date()
            and self.starts <= start.time()
            and end.time() <= self.ends
        )


def pattern_problems(
    weekdays: list[int], starts: time, ends: time, max_per_day: int
) -> dict[str, str]:
    """What is wrong with a pattern as given, by field: empty when it can be kept."""
    problems = {}
    if not weekdays:
        problems["weekdays"] = "Choose at least one day the assessor works"
    elif any(not 0 <= day <= 6 for day in weekdays):
        problems["weekdays"] = "Days are numbered 0 (Monday) to 6 (Sunday)"
    elif len(set(weekdays)) != len(weekdays):
        problems["weekdays"] = "Give each day once"
    if not SERVICE_STARTS <= starts < SERVICE_ENDS:
        problems["starts"] = "The start must be from 08:00 and before 18:00"
    if not SERVICE_STARTS < ends <= SERVICE_ENDS:
        problems["ends"] = "The end must be after 08:00 and no later than 18:00"
    elif "starts" not in problems and ends <= starts:
        problems["ends"] = "The end must be after the start"
    for field, value in (("starts", starts), ("ends", ends)):
        if field not in problems and (value.minute % 30 or value.second):
            # Slots are found on the half hour, and the page offers half hours only.
            problems[field] = "Give a time on the hour or half hour, like 09:00 or 09:30"
    if not 1 <= max_per_day <= MOST_PER_DAY:
        problems["max_per_day"] = f"Give a number from 1 to {MOST_PER_DAY}"
    return problems


def pattern_refusal(
    pattern: WorkingPattern, starts_at: datetime, ends_at: datetime, booked_that_day: int
) -> str | None:
    """Outside the pattern (assessor_not_working), or the assessor already has their most
    assessments on that London date (assessor_day_full)."""
    if not pattern.covers(starts_at, ends_at):
        return "assessor_not_working"
    if booked_that_day >= pattern.max_per_day:
        return "assessor_day_full"
    return None


def describe(pattern: WorkingPattern) -> str:
    """The pattern in words: "Monday to Friday, 08:00 to 18:00, at most 2 a day"."""
    days = sorted(pattern.weekdays)
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        named = f"{WEEKDAY_NAMES[days[0]]} to {WEEKDAY_NAMES[days[-1]]}"
    else:
        names = [WEEKDAY_NAMES[day] for day in days]
        named = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    per_day = "1 assessment" if pattern.max_per_day == 1 else f"{pattern.max_per_day} assessments"
    return f"{named}, {pattern.starts:%H:%M} to {pattern.ends:%H:%M}, at most {per_day} a day"
