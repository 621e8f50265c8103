"""Where one booked assessment stands for the people working from the lists: booked (still to
come), awaiting its result (started, no result submitted), graded (result submitted), or
cancelled."""

from datetime import datetime
from enum import StrEnum


class Progress(StrEnum):
    BOOKED = "booked"
    AWAITING_RESULT = "awaiting_result"
    GRADED = "graded"
    CANCELLED = "cancelled"


PROGRESS_LABELS = {
    Progress.BOOKED: "Booked",
    Progress.AWAITING_RESULT: "Awaiting result",
    Progress.GRADED: "Graded",
    Progress.CANCELLED: "Cancelled",
}


def assessment_progress(
    *, cancelled: bool, starts_at: datetime, now: datetime, submitted: bool
) -> Progress:
    """A result can be recorded once the assessment has started, so from its start it awaits
    one; a submitted result grades it; a cancellation outranks both."""
    if cancelled:
        return Progress.CANCELLED
    if submitted:
        return Progress.GRADED
    return Progress.AWAITING_RESULT if starts_at <= now else Progress.BOOKED
