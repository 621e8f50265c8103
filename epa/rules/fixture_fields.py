"""Checks of single fields of a standard fixture, shared by the parts of its validation.

Each appends a sentence naming the place to `problems` and returns the value, or None when the
value is not usable, so the caller goes on and reports everything in one run.
"""

import re

# The columns that hold them; a longer value could not be stored.
MAX_LENGTH = {
    "reference": 20,
    "title": 200,
    "code": 40,
    "id": 10,
    "version": 10,
    "name": 200,
    "theme": 200,
    "retry_grade_cap": 20,
    "overall": 20,
}
WHOLE_NUMBER_RANGE = {"level": (1, 8), "duration_minutes": (1, 24 * 60)}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def need(obj: dict, key: str, kind, where: str, problems: list[str]):
    """The value of `key` if it is of `kind` (and fits its column); None, reported, if not."""
    value = obj.get(key) if isinstance(obj, dict) else None
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if isinstance(value, str) and not value.strip():
        ok = False
    if not ok:
        name = {str: "some text", int: "a whole number", list: "a list", dict: "an object"}[kind]
        problems.append(f"{where}: '{key}' must be {name}")
        return None
    if kind is str:
        return checked_text(value, key, where, problems, limit=MAX_LENGTH.get(key))
    if kind is int:
        low, high = WHOLE_NUMBER_RANGE.get(key, (0, 10_000))
        if not low <= value <= high:
            problems.append(f"{where}: '{key}' is {value}; it must be from {low} to {high}")
            return None
    return value


def checked_text(value: str, key: str, where: str, problems: list[str], *, limit=None):
    """The text if a column can hold it; None, reported, if not."""
    if limit and len(value) > limit:
        problems.append(f"{where}: '{key}' is {len(value)} characters; at most {limit} fit")
        return None
    if _CONTROL.search(value):
        problems.append(f"{where}: '{key}' contains a control character")
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        problems.append(f"{where}: '{key}' contains broken Unicode")
        return None
    return value


def identify(item: dict, key: str, label: str, unnamed: str, seen: set, problems, *, quoted=False):
    """The text that names an item (a code, an id, a name) and how messages place it:
    "<label> <text>" (quoted for names, which hold spaces), or `unnamed` (its index) when it
    has none. A text already in `seen` is reported as repeated; each is added to `seen`."""
    value = need(item, key, str, unnamed, problems)
    if not value:
        return None, unnamed
    where = f"{label} {value!r}" if quoted else f"{label} {value}"
    if value in seen:
        problems.append(f"{where} appears more than once")
    seen.add(value)
    return value, where


def objects_in(obj, key: str, where: str, problems: list[str]) -> list[tuple[int, dict]]:
    """The objects of a list field, with their index; other entries are reported."""
    value = obj.get(key) if isinstance(obj, dict) else None
    if not isinstance(value, list):
        return []
    found = []
    for i, item in enumerate(value):
        if isinstance(item, dict):
            found.append((i, item))
        else:
            problems.append(f"{where}: {key}[{i}] must be an object, not {item!r}")
    return found


def listed_ksbs(obj: dict, where: str, known: set[str], problems: list[str]) -> list[str]:
    """A list of KSB codes that exist, each once; unknown, repeated or non-text codes reported."""
    codes: list[str] = []
    for code in need(obj, "ksbs", list, where, problems) or []:
        if not isinstance(code, str) or code not in known:
            problems.append(f"{where} lists unknown KSB code {code!r}")
        elif code in codes:
            problems.append(f"{where} lists KSB {code} more than once")
        else:
            codes.append(code)
    return codes
