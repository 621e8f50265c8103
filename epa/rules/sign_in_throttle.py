"""When a sign-in try must wait, from the failed tries of the last 15 minutes.

Three counts, so guessing is slowed without handing anyone a way to lock others out:
- one email from one address: 5 failures, then that pair waits;
- one address, whatever the emails: 30 failures (someone trying many accounts), then that
  address waits;
- one email from every address: 20 failures (many machines guessing one account), then every
  address that has itself failed waits, and an address that has not failed still gets its
  check: the owner, signing in from their usual machine with the right password, gets in.

A try waits until enough of the failures that stop it are older than the window. The wait is
said in whole minutes, and the same words are used whether or not the email belongs to anyone.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)
PAIR_LIMIT = 5
ADDRESS_LIMIT = 30
ACCOUNT_LIMIT = 20


@dataclass(frozen=True)
class Failure:
    email: str
    address: str
    at: datetime


def wait(failures: Sequence[Failure], email: str, address: str, now: datetime) -> timedelta:
    """How long a try of `email` from `address` must wait (nothing when it may be checked),
    given the failures recorded (any email, any address; older ones are ignored)."""
    recent = [f for f in failures if now - f.at < WINDOW]
    pair = [f.at for f in recent if f.email == email and f.address == address]
    from_address = [f.at for f in recent if f.address == address]
    account = [f.at for f in recent if f.email == email]
    stops = [_free_at(pair, PAIR_LIMIT), _free_at(from_address, ADDRESS_LIMIT)]
    if from_address:
        stops.append(_free_at(account, ACCOUNT_LIMIT))
    return max([stop - now for stop in stops if stop is not None and stop > now], default=NONE)


NONE = timedelta(0)


def _free_at(times: list[datetime], limit: int) -> datetime | None:
    """When fewer than `limit` of these failures fall within the window; None if they do now."""
    if len(times) < limit:
        return None
    # The newest `limit` failures: once the oldest of them leaves the window, a try is free.
    return sorted(times)[-limit] + WINDOW


def minutes(waiting: timedelta) -> int:
    """A wait as people are told it: whole minutes, rounded up, at least one."""
    return max(1, math.ceil(waiting.total_seconds() / 60))
