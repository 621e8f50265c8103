"""Europe/London wall-clock times, including both clock changes of 2026 and 2027."""

from datetime import UTC, datetime

import pytest

from epa.rules.local_time import InvalidLocalTime, london


@pytest.mark.parametrize(
    "wall, utc",
    [
        (datetime(2026, 1, 15, 10, 0), datetime(2026, 1, 15, 10, 0, tzinfo=UTC)),  # GMT
        (datetime(2026, 7, 15, 10, 0), datetime(2026, 7, 15, 9, 0, tzinfo=UTC)),  # BST
        (datetime(2026, 3, 29, 0, 59), datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),
        (datetime(2026, 3, 29, 2, 0), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),  # after the jump
        (datetime(2026, 10, 25, 0, 59), datetime(2026, 10, 24, 23, 59, tzinfo=UTC)),
        (datetime(2026, 10, 25, 2, 0), datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),  # once, GMT
        (datetime(2027, 3, 28, 3, 0), datetime(2027, 3, 28, 2, 0, tzinfo=UTC)),
        (datetime(2027, 10, 31, 9, 0), datetime(2027, 10, 31, 9, 0, tzinfo=UTC)),
        (datetime(2026, 3, 30, 10, 0), datetime(2026, 3, 30, 9, 0, tzinfo=UTC)),  # Monday after
        (datetime(2026, 10, 26, 10, 0), datetime(2026, 10, 26, 10, 0, tzinfo=UTC)),
    ],
)
def test_london_wall_clock_to_utc(wall, utc):
    assert london(wall).astimezone(UTC) == utc


@pytest.mark.parametrize(
    "wall, words",
    [
        (datetime(2026, 3, 29, 1, 0), "does not exist"),  # clocks go forward 01:00 -> 02:00
        (datetime(2026, 3, 29, 1, 30), "does not exist"),
        (datetime(2026, 3, 29, 1, 59), "does not exist"),
        (datetime(2027, 3, 28, 1, 30), "does not exist"),
        (datetime(2026, 10, 25, 1, 0), "happens twice"),  # clocks go back 02:00 -> 01:00
        (datetime(2026, 10, 25, 1, 30), "happens twice"),
        (datetime(2026, 10, 25, 1, 59), "happens twice"),
        (datetime(2027, 10, 31, 1, 30), "happens twice"),
    ],
)
def test_times_the_clock_changes_skip_or_repeat_are_refused(wall, words):
    with pytest.raises(InvalidLocalTime, match=words):
        london(wall)


def test_an_aware_time_is_not_a_wall_clock_time():
    with pytest.raises(ValueError):
        london(datetime(2026, 1, 1, 10, 0, tzinfo=UTC))
