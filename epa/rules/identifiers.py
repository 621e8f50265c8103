"""Reference numbers the service checks on the way in."""

import re

_UKPRN = re.compile(r"1[0-9]{7}")


def is_valid_ukprn(value: str) -> bool:
    """A UK provider reference number: eight digits, the first a 1."""
    return isinstance(value, str) and _UKPRN.fullmatch(value) is not None
