"""All assessment methods, resits and retakes included, are held within the plan's months of the
first assessment of the EPA; past that, the whole EPA is taken again (unless the EPAO records
exceptional circumstances)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from epa.rules.dates import add_months


@dataclass(frozen=True)
class TimeLimitBreach:
    """Why a booking breaks the limit, for saying so in plain words."""

    #: the first assessment of the EPA if the booking were made
    first_on: date
    #: the last day an assessment may be held: `first_on` plus the plan's months, which counts
    last_allowed_on: date
    #: the assessment that would fall after it: the new one, or (when the new one would be the
    #: first) the latest of the others
    late_on: date
    #: True when the new booking would be the first assessment
    new_is_first: bool


def time_limit_breach(
    starts_on: date,
    other_days: Sequence[date],
    months: int,
    *,
    exceptional: bool = False,
) -> TimeLimitBreach | None:
    """Whether an assessment on `starts_on` (a London date) keeps the EPA within `months` from
    its first assessment to its last; None when it does.

    `other_days` are the London dates of the EPA's other assessments that count and are not
    cancelled, held or still booked (a booked one becomes the first held unless it is cancelled
    or moved), without the one being moved. The last allowed day is the first day plus the
    months, clamped at a month's end, and counts. A booking earlier than every other becomes the
    first: then the latest other must fall within the months of it. Exceptional circumstances,
    recorded by an administrator, lift the limit.
    """
    if exceptional or not other_days:
        return None
    first = min(other_days)
    if starts_on >= first:
        last_allowed = add_months(first, months)
        if starts_on > last_allowed:
            return TimeLimitBreach(first, last_allowed, starts_on, new_is_first=False)
        return None
    last_allowed = add_months(starts_on, months)
    latest = max(other_days)
    if latest > last_allowed:
        return TimeLimitBreach(starts_on, last_allowed, latest, new_is_first=True)
    return None
