"""Where a booked assessment stands: booked, awaiting its result, graded or cancelled."""

from datetime import UTC, datetime, timedelta

import pytest

from epa.rules.progress import Progress, assessment_progress

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("cancelled", "starts_at", "submitted", "progress"),
    [
        (False, NOW + SECOND, False, Progress.BOOKED),
        (False, NOW, False, Progress.AWAITING_RESULT),  # it has started: a result may come
        (False, NOW - SECOND, False, Progress.AWAITING_RESULT),
        (False, NOW - timedelta(days=30), False, Progress.AWAITING_RESULT),
        (False, NOW - SECOND, True, Progress.GRADED),
        (True, NOW + SECOND, False, Progress.CANCELLED),
        (True, NOW - SECOND, False, Progress.CANCELLED),
        (True, NOW - SECOND, True, Progress.CANCELLED),
    ],
)
def test_where_a_booking_stands(cancelled, starts_at, submitted, progress):
    assert (
        assessment_progress(cancelled=cancelled, starts_at=starts_at, now=NOW, submitted=submitted)
        == progress
    )
