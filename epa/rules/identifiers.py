"""Reference numbers the service checks on the way in."""

import re

_UKPRN = re.compile(r"1[0-9]{7}")
# 1000000000 to 9999999999: the DfE issues none with a leading zero and its service refuses one.
_ULN = re.compile(r"[1-9][0-9]{9}")

#: Issued while the real ULN is awaited; several apprentices may share it.
TEMPORARY_ULN = "9999999999"


def is_valid_ukprn(value) -> bool:
    """A UK provider reference number: eight digits, the first a 1."""
    return isinstance(value, str) and _UKPRN.fullmatch(value) is not None


def is_valid_uln(value) -> bool:
    """A unique learner number: ten digits from 1000000000 to 9999999999 whose last is the
    check digit, or the temporary ULN.

    Weights 10 down to 2 on the first nine digits; r = sum mod 11; r = 0 is never valid,
    otherwise the tenth digit is 10 - r.
    """
    if not isinstance(value, str) or _ULN.fullmatch(value) is None:
        return False
    if value == TEMPORARY_ULN:
        return True
    remainder = sum(int(d) * w for d, w in zip(value[:9], range(10, 1, -1), strict=True)) % 11
    return remainder != 0 and int(value[9]) == 10 - remainder
