"""Reading plain input (API bodies, form data, spreadsheet rows) into typed values.

Every problem is collected against its field, so one reply names everything to fix; the
first specific error code (such as `invalid_uln`) becomes the reply's code.
"""

import re
from datetime import date

from email_validator import EmailNotValidError, validate_email

from epa.errors import ServiceError
from epa.rules.dates import parse_iso_date

# PostgreSQL refuses NUL in text, and no name or reason needs control characters.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Problems:
    """Field problems gathered while reading one request."""

    def __init__(self):
        self.fields: dict[str, str] = {}
        self.codes: list[str] = []

    def add(self, field: str, message: str, code: str = "validation_failed") -> None:
        if field not in self.fields:
            self.fields[field] = message
            self.codes.append(code)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self) -> None:
        if not self.fields:
            return
        specific = [c for c in self.codes if c != "validation_failed"]
        code = specific[0] if specific else "validation_failed"
        messages = list(self.fields.values())
        summary = messages[0] if len(messages) == 1 else "; ".join(messages)
        raise ServiceError(code, summary.rstrip(".") + ".", fields=dict(self.fields))


def text(
    data: dict,
    field: str,
    label: str,
    problems: Problems,
    *,
    required=True,
    max_length=100,
    one_line=True,
):
    """Trimmed text (one line: inner runs of spaces collapsed); None when optional and absent."""
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(field, f"Enter the {label}")
        return None
    if not isinstance(value, str):
        problems.add(field, f"The {label} must be text")
        return None
    if _CONTROL.search(value):
        problems.add(field, f"The {label} must not contain control characters")
        return None
    value = " ".join(value.split()) if one_line else value.strip()
    if len(value) > max_length:
        problems.add(field, f"The {label} must be {max_length} characters or fewer")
        return None
    return value


#: No date the service records is earlier or later; these bounds keep date arithmetic safe.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def a_date(data: dict, field: str, label: str, problems: Problems, *, required=True):
    """A date from a `date` or a `YYYY-MM-DD` string, between 1900 and 2100."""
    value = data.get(field)
    if value is None or value == "":
        if required:
            problems.add(field, f"Enter the {label}", "invalid_date")
        return None
    parsed = value if isinstance(value, date) else parse_iso_date(value)
    if parsed is None:
        problems.add(
            field, f"The {label} must be a real date in the form YYYY-MM-DD", "invalid_date"
        )
    elif not EARLIEST_DATE <= parsed <= LATEST_DATE:
        problems.add(field, f"The {label} must be between 1900 and 2100", "invalid_date")
        return None
    return parsed


def boolean(data: dict, field: str, label: str, problems: Problems) -> bool:
    """True or false; left out means false (null is neither, and is refused)."""
    value = data.get(field, False)
    if not isinstance(value, bool):
        problems.add(field, f"{label} must be true or false")
        return False
    return value


def record_id(data: dict, field: str, label: str, problems: Problems):
    """A positive whole-number id."""
    value = data.get(field)
    if value is None or value == "":
        problems.add(field, f"Select the {label}")
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        problems.add(field, f"The {label} must be the id of an existing {label}")
        return None
    return value


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
    value = text(data, field, "email address", problems, required=required, max_length=254)
    if value is None:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        problems.add(field, "Enter an email address in the correct format, like name@example.com")
        return None


def reason(data: dict, problems: Problems, *, what: str) -> str | None:
    """The required, non-blank reason for an action."""
    return text(data, "reason", f"reason for {what}", problems, max_length=2000, one_line=False)
