"""Reading plain input (form data, spreadsheet rows) field by field into a `Problems` list.

The checks are the typed shapes' own (epa/shapes.py): these wrappers collect each problem
against its field instead of stopping at the first, for readers not yet declared as shapes.
"""

from pydantic_core import PydanticCustomError

from epa.shapes import (
    EARLIEST_DATE,
    LATEST_DATE,
    Problems,
    clean_date,
    clean_email,
    clean_flag,
    clean_id,
    clean_text,
)

__all__ = ["EARLIEST_DATE", "LATEST_DATE", "Problems"]


def _gather(field: str, problems: Problems, check, *args, **kwargs):
    try:
        return check(*args, **kwargs)
    except PydanticCustomError as error:
        problems.add(field, error.message(), error.type)
        return None


def text(data, field, label, problems, *, required=True, max_length=100, one_line=True):
    """Trimmed text (one line: inner runs of spaces collapsed); None when optional and absent."""
    value = data.get(field)
    if not required and (value is None or (isinstance(value, str) and not value.strip())):
        return None
    return _gather(
        field, problems, clean_text, value, label, max_length=max_length, one_line=one_line
    )


def a_date(data: dict, field: str, label: str, problems: Problems, *, required=True):
    """A date from a `date` or a `YYYY-MM-DD` string, between 1900 and 2100."""
    value = data.get(field)
    if not required and (value is None or value == ""):
        return None
    return _gather(field, problems, clean_date, value, label)


def boolean(data: dict, field: str, label: str, problems: Problems) -> bool:
    """True or false; left out means false (null is neither, and is refused)."""
    return bool(_gather(field, problems, clean_flag, data.get(field, False), label))


def record_id(data: dict, field: str, label: str, problems: Problems):
    """A positive whole-number id."""
    return _gather(field, problems, clean_id, data.get(field), label)


def choice(data: dict, field: str, label: str, options, problems: Problems):
    value = data.get(field)
    if value is None or value == "":
        problems.add(field, f"Select the {label}")
        return None
    if value not in options:
        problems.add(field, f"The {label} must be one of: {', '.join(options)}")
        return None
    return value


def email(data: dict, field: str, problems: Problems, *, required=False):
    """A normalised email address, or None when optional and left out."""
    value = data.get(field)
    if not required and (value is None or (isinstance(value, str) and not value.strip())):
        return None
    return _gather(field, problems, clean_email, value)


def reason(data: dict, problems: Problems, *, what: str) -> str | None:
    """The required, non-blank reason for an action."""
    return text(data, "reason", f"reason for {what}", problems, max_length=2000, one_line=False)
