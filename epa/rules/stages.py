"""Where an assessment stands for the people who look at it, and when its result may be
recorded: a booking is only "booked" until it starts; after that it waits for its result."""

from datetime import datetime
from enum import StrEnum

from epa.rules.local_time import LONDON


class Stage(StrEnum):
    BOOKED = "booked"
    AWAITING_RESULT = "awaiting_result"
    GRADED = "graded"
    CANCELLED = "cancelled"


STAGE_LABELS = {
    Stage.BOOKED: "Booked",
    Stage.AWAITING_RESULT: "Awaiting result",
    Stage.GRADED: "Graded",
    Stage.CANCELLED: "Cancelled",
}


def may_record_result(starts_at: datetime, now: datetime) -> bool:
    """A result is recorded once the assessment has started, never before."""
    return now >= starts_at


def assessment_stage(status: str, starts_at: datetime, now: datetime, submitted: bool) -> Stage:
    """Cancelled, graded (its result submitted), awaiting its result (started, none submitted)
    or booked (not started yet)."""
    if status == "cancelled":
        return Stage.CANCELLED
    if submitted:
        return Stage.GRADED
    return Stage.AWAITING_RESULT if may_record_result(starts_at, now) else Stage.BOOKED


def time_and_day(instant: datetime) -> str:
    """An instant on the London clock, as a sentence says it: "10:00 on Tuesday 1 December 2026"."""
    local = instant.astimezone(LONDON)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y}"
