"""Sign-in throttling: which tries wait, for how long, and who is never locked out."""

from datetime import UTC, datetime, timedelta

import pytest

from epa.rules.sign_in_throttle import (
    ACCOUNT_LIMIT,
    ADDRESS_LIMIT,
    PAIR_LIMIT,
    WINDOW,
    Failure,
    minutes,
    wait,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SAM, ASHA = "sam@epao.example", "asha@epao.example"
HOME, CAFE = "192.0.2.1", "198.51.100.7"


def failed(n, email=SAM, address=HOME, minutes_ago=1, spread=0):
    """n failures, the newest `minutes_ago` minutes ago, each `spread` minutes apart."""
    return [
        Failure(email, address, NOW - timedelta(minutes=minutes_ago + i * spread)) for i in range(n)
    ]


@pytest.mark.parametrize(
    "failures, email, address, waits",
    [
        ([], SAM, HOME, timedelta(0)),
        (failed(PAIR_LIMIT - 1), SAM, HOME, timedelta(0)),  # 4: the fifth try is checked
        (failed(PAIR_LIMIT), SAM, HOME, WINDOW - timedelta(minutes=1)),  # 5: waits
        (failed(PAIR_LIMIT, minutes_ago=15), SAM, HOME, timedelta(0)),  # just out of the window
        (failed(PAIR_LIMIT, minutes_ago=14), SAM, HOME, timedelta(minutes=1)),
        # the oldest of the newest five decides: 1, 2, 3, 4, 5 minutes ago -> 10 minutes
        (failed(PAIR_LIMIT, spread=1), SAM, HOME, timedelta(minutes=10)),
        (failed(PAIR_LIMIT), SAM, CAFE, timedelta(0)),  # the same email from elsewhere
        (failed(PAIR_LIMIT), ASHA, HOME, timedelta(0)),  # another email from the same place
        # one address trying many accounts
        (failed(ADDRESS_LIMIT - 1, email=ASHA), SAM, HOME, timedelta(0)),
        (failed(ADDRESS_LIMIT, email=ASHA), SAM, HOME, WINDOW - timedelta(minutes=1)),
        # many addresses guessing one account: an address that has failed waits...
        (
            failed(ACCOUNT_LIMIT, address=CAFE) + failed(1, address=HOME),
            SAM,
            HOME,
            WINDOW - timedelta(minutes=1),
        ),
        (
            failed(ACCOUNT_LIMIT, address=CAFE) + failed(1, ASHA, HOME),
            SAM,
            HOME,
            WINDOW - timedelta(minutes=1),
        ),
        # ...and one that has not is still checked: the owner gets in
        (failed(ACCOUNT_LIMIT, address=CAFE), SAM, HOME, timedelta(0)),
        (
            failed(ACCOUNT_LIMIT - 2, address=CAFE) + failed(1, address=HOME),
            SAM,
            HOME,
            timedelta(0),
        ),
    ],
)
def test_wait(failures, email, address, waits):
    assert wait(failures, email, address, NOW) == waits


@pytest.mark.parametrize(
    "waiting, said",
    [
        (timedelta(seconds=1), 1),
        (timedelta(seconds=60), 1),
        (timedelta(seconds=61), 2),
        (timedelta(minutes=14), 14),
        (timedelta(minutes=15), 15),
    ],
)
def test_minutes(waiting, said):
    assert minutes(waiting) == said
