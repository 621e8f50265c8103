"""The building blocks of every typed shape the service takes or gives.

A feature declares its inputs (`Command`) and outputs (`Shape`) once, as pydantic models made of
the field types below. The same declaration reads a request (problems come back field by field,
in the words users see on the pages), turns a record into a response, and writes its part of the
OpenAPI document, so the contract cannot drift from the code.

Field types carry their own validator and their own JSON schema: the schema states every limit
the validator enforces (lengths, patterns, date ranges, enums), so a request built from the
document is refused only for reasons the document gives.
"""

import re
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    create_model,
)
from pydantic_core import PydanticCustomError

from epa.errors import ServiceError
from epa.guards import unstorable
from epa.rules.dates import parse_iso_date
from epa.rules.local_time import london_iso

#: No date the service records is earlier or later; these bounds keep date arithmetic safe.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
LARGEST_ID = 2**31 - 1

#: Text-direction controls (the Arabic letter mark, left-to-right and right-to-left marks,
#: embeddings, overrides and isolates): invisible, and able to make a name or a reason read
#: differently from what is stored ("Trojan Source"). Names in right-to-left scripts need none.
BIDI_CONTROLS = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# PostgreSQL refuses NUL in text, and no name or reason needs control characters.
CONTROL = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f{BIDI_CONTROLS}]")
_ALLOWED_CHARACTER = f"[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f{BIDI_CONTROLS}]"
#: Text with something besides spaces, and no control characters (tab and newline are fine).
TEXT_PATTERN = (
    f"^{_ALLOWED_CHARACTER}*[^\\s\\u0000-\\u001f\\u007f{BIDI_CONTROLS}]{_ALLOWED_CHARACTER}*$"
)
#: A calendar date from 1900 to 2100, the range the service accepts.
DATE_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


class Problems:
    """Field problems gathered while reading one request.

    Every problem is kept against its field, so one reply names everything to fix; the first
    specific error code (such as `invalid_uln`) becomes the reply's code.
    """

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


@dataclass(frozen=True)
class Missing:
    """What to say when a required field is left out."""

    message: str
    code: str = "validation_failed"


def problem(message: str, code: str = "validation_failed") -> PydanticCustomError:
    """A field problem in the words users see; `code` becomes the reply's code."""
    return PydanticCustomError(code, message)


def checked(python_type, check: Callable, schema: dict, missing: Missing, serialise=None):
    """A field type read by `check` (which raises `problem`s) and documented by `schema`."""
    extras: list = [PlainValidator(check), WithJsonSchema(schema), missing]
    if serialise is not None:
        extras.append(PlainSerializer(serialise, return_type=str))
    return Annotated[python_type, *extras]


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value, label: str, *, max_length: int = 100, one_line: bool = True) -> str:
    """Trimmed text (one line: inner runs of spaces collapsed), or a problem to report."""
    if _blank(value):
        raise problem(f"Enter the {label}")
    if not isinstance(value, str):
        raise problem(f"The {label} must be text")
    if CONTROL.search(value) or unstorable(value):
        raise problem(f"The {label} must not contain control characters or text-direction marks")
    value = " ".join(value.split()) if one_line else value.strip()
    if len(value) > max_length:
        raise problem(f"The {label} must be {max_length} characters or fewer")
    return value


def text_schema(max_length: int, **extra) -> dict:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": max_length,
        "pattern": TEXT_PATTERN,
        **extra,
    }


def Text(label: str, *, max_length: int = 100, one_line: bool = True, **schema):  # noqa: N802
    """Required text: trimmed, without control characters, at most `max_length` long."""
    return checked(
        str,
        lambda value: clean_text(value, label, max_length=max_length, one_line=one_line),
        text_schema(max_length, **schema),
        Missing(f"Enter the {label}"),
    )


def Reason(what: str):  # noqa: N802
    """The required, non-blank reason for an action (several lines allowed)."""
    return Text(f"reason for {what}", max_length=2000, one_line=False)


def clean_date(value, label: str) -> date:
    if value is None or value == "":
        raise problem(f"Enter the {label}", "invalid_date")
    parsed = value if isinstance(value, date) else parse_iso_date(value)
    if parsed is None:
        raise problem(f"The {label} must be a real date in the form YYYY-MM-DD", "invalid_date")
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        raise problem(f"The {label} must be between 1900 and 2100", "invalid_date")
    return parsed


DATE_SCHEMA = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
#: a value left blank: a filter that filters nothing
BLANK_SCHEMA = {"type": "string", "maxLength": 0}


def Day(label: str):  # noqa: N802
    """A date written YYYY-MM-DD, from 1900 to 2100."""
    return checked(
        date,
        lambda value: clean_date(value, label),
        DATE_SCHEMA,
        Missing(f"Enter the {label}", "invalid_date"),
        serialise=date.isoformat,
    )


def _unsaid_default(schema: dict) -> None:
    schema.pop("default", None)


#: for a query parameter that may be left out: None is no value a query string can send, so the
#: document states no default
LEFT_OUT = Field(json_schema_extra=_unsaid_default)


def OptionalDay(label: str, description: str = ""):  # noqa: N802
    """A date that may be left out or blank (a filter of a search, say): None then."""
    return Annotated[
        checked(
            date | None,
            lambda value: None if value is None or value == "" else clean_date(value, label),
            {"anyOf": [DATE_SCHEMA, BLANK_SCHEMA], "description": description},
            Missing(f"Enter the {label}", "invalid_date"),
        ),
        LEFT_OUT,
    ]


def clean_flag(value, label: str) -> bool:
    if not isinstance(value, bool):
        raise problem(f"{label} must be true or false")
    return value


def Flag(label: str):  # noqa: N802
    """True or false (null is neither, and is refused); give it a default of False."""
    return checked(
        bool,
        lambda value: clean_flag(value, label),
        {"type": "boolean"},
        Missing(f"{label} must be true or false"),
    )


def clean_id(value, label: str) -> int:
    if value is None or value == "":
        raise problem(f"Select the {label}")
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if isinstance(value, float) and value.is_integer():  # JSON Schema counts 7.0 as an integer
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= LARGEST_ID:
        raise problem(f"The {label} must be the id of an existing {label}")
    return value


ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": LARGEST_ID}


def RecordId(label: str):  # noqa: N802
    """The whole-number id of a record (whether it exists is the service's question)."""
    return checked(
        int, lambda value: clean_id(value, label), ID_SCHEMA, Missing(f"Select the {label}")
    )


def clean_whole(value, label: str, minimum: int, maximum: int) -> int:
    """A whole number from JSON or a query string (ASCII digits), within its bounds."""
    # Python refuses to read thousands of digits; no bound here needs more than ten.
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise problem(f"The {label} must be a whole number from {minimum} to {maximum}")
    return value


def Whole(label: str, minimum: int, maximum: int):  # noqa: N802
    """A whole number within bounds (a query string's digits count)."""
    return checked(
        int,
        lambda value: clean_whole(value, label, minimum, maximum),
        {"type": "integer", "minimum": minimum, "maximum": maximum},
        Missing(f"Enter the {label}"),
    )


def Choice(label: str, options, *, message: str | None = None):  # noqa: N802
    """One of a fixed list of words."""
    options = tuple(options)
    refusal = message or f"The {label} must be one of: {', '.join(options)}"
    missing = message or f"Select the {label}"

    def check(value):
        if value is None or value == "":
            raise problem(missing)
        if not isinstance(value, str) or value not in options:
            raise problem(refusal)
        return value

    return checked(str, check, {"type": "string", "enum": list(options)}, Missing(missing))


def Sort(orders: tuple[str, ...], description: str):  # noqa: N802
    """The order a list takes: one of `orders` (the first when left out or blank), each
    reversed by a leading "-"."""
    words = tuple(word for order in orders for word in (order, f"-{order}"))

    def check(value):
        if value is None or value == "":
            return orders[0]
        if value not in words:
            raise problem(f"The sort must be one of: {', '.join(words)}")
        return value

    schema = {
        "anyOf": [{"type": "string", "enum": list(words)}, BLANK_SCHEMA],
        "default": orders[0],
        "description": description,
    }
    return checked(str, check, schema, Missing(""))


def Reference(is_valid: Callable[[str], bool], refusal: str, code: str, schema: dict):  # noqa: N802
    """A reference number (a ULN, a UKPRN): trimmed, then `is_valid` or refused in the words of
    `refusal` with `code`, whether it is wrong or missing."""

    def check(value):
        value = value.strip() if isinstance(value, str) else value
        if not is_valid(value):
            raise problem(refusal, code)
        return value

    return checked(str, check, {"type": "string", **schema}, Missing(refusal, code))


def clean_email(value) -> str:
    value = clean_text(value, "email address", max_length=254)
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise problem(
            "Enter an email address in the correct format, like name@example.com"
        ) from None


EMAIL_SCHEMA = {"type": "string", "format": "email", "maxLength": 254}


def Email():  # noqa: N802
    """An email address, normalised."""
    return checked(
        str, clean_email, EMAIL_SCHEMA, Missing("Enter the email address"), serialise=str
    )


def OptionalEmail():  # noqa: N802
    """An email address that may be left out, null or blank (all meaning none)."""

    def check(value):
        return None if _blank(value) else clean_email(value)

    schema = {"anyOf": [EMAIL_SCHEMA, {"type": "null"}, {"type": "string", "maxLength": 0}]}
    return checked(str | None, check, schema, Missing("Enter the email address"))


def Instant(description: str = "ISO 8601 date and time with its offset"):  # noqa: N802
    """An instant as a response gives it: ISO 8601 with the Europe/London offset (API.md)."""
    return Annotated[
        datetime,
        PlainSerializer(london_iso, return_type=str),
        WithJsonSchema({"type": "string", "format": "date-time", "description": description}),
    ]


class Command(BaseModel):
    """What a request asks for, read and checked; fields the model does not name are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    @classmethod
    def read(cls, data: Mapping[str, Any], problems: Problems | None = None):
        """The command, or a `validation_failed` (or more specific) error naming every field.

        With `problems`, the fields are added to it and None comes back, so a service can go
        on to add its own problems before raising them all together.
        """
        try:
            return cls.model_validate(dict(data))
        except ValidationError as error:
            gathered = problems if problems is not None else Problems()
            for item in error.errors():
                gathered.add(*cls._problem(item))
            if problems is None:
                gathered.raise_if_any()
            return None

    @classmethod
    def _problem(cls, item: dict) -> tuple[str, str, str]:
        field = ".".join(str(part) for part in item["loc"]) or "body"
        if item["type"] == "missing":
            missing = cls._missing(item["loc"])
            return field, missing.message, missing.code
        if isinstance(item.get("ctx"), dict) or item["type"] in _PYDANTIC_TYPES:
            return field, _plain(item), "validation_failed"
        return field, item["msg"], item["type"]

    @classmethod
    def _missing(cls, loc) -> Missing:
        model: Any = cls
        info = None
        for part in loc:
            fields = getattr(model, "model_fields", None)
            if not fields or part not in fields:
                break
            info = fields[part]
            model = info.annotation
        found = [m for m in (info.metadata if info else []) if isinstance(m, Missing)]
        return found[0] if found else Missing("This field is required")

    def given(self) -> dict:
        """The fields the request actually sent, with their read values."""
        return {name: getattr(self, name) for name in self.model_fields_set}

    @classmethod
    def read_checked(cls, data: Mapping[str, Any], check: Callable[[dict, Problems], object]):
        """The command, or one refusal naming every problem at once: the shape's, and those
        `check` (the service's own: records that must exist, dates that must agree) finds among
        the fields that did read. A command that reads whole is the service's to check, so
        `check` runs here only when the shape refuses something."""
        problems = Problems()
        command = cls.read(data, problems)
        if command is None:
            readable = {}
            for name in (field for field in cls.model_fields if field in data):
                with suppress(ValidationError):  # already among the problems
                    readable[name] = _field_reader(cls, name).validate_python(data[name])
            check(readable, problems)
            problems.raise_if_any()
        return command

    @classmethod
    def partial(cls, name: str, doc: str) -> type["Command"]:
        """The same fields, each of them optional: a change that sends only what changes
        (`given()`); a field that is sent is read as the whole command reads it."""
        fields: Any = {
            field: (Annotated[info.rebuild_annotation(), LEFT_OUT], None)
            for field, info in cls.model_fields.items()
        }
        return create_model(
            name, __base__=Command, __doc__=doc, __module__=cls.__module__, **fields
        )


@cache
def _field_reader(model: type[Command], name: str) -> TypeAdapter:
    return TypeAdapter(model.model_fields[name].rebuild_annotation())


# pydantic's own checks (a list that is not a list, a nested object that is not an object).
_PYDANTIC_TYPES = {"list_type", "dict_type", "model_type", "model_attributes_type", "too_long"}


def _plain(item: dict) -> str:
    message = item["msg"]
    return message[0].upper() + message[1:] if message else "Not valid"


class Shape(BaseModel):
    """What a response gives: built from a record's attributes, with nothing extra."""

    model_config = ConfigDict(
        extra="forbid",
        from_attributes=True,
        json_schema_serialization_defaults_required=True,
    )

    @classmethod
    def of(cls, record) -> dict:
        """The record as JSON-ready data."""
        return cls.model_validate(record).model_dump(mode="json")

    @classmethod
    def many(cls, records) -> list[dict]:
        """The records as JSON-ready data, in one pass of pydantic's core (a third quicker for
        a page of fifty than `of` on each)."""
        adapter = _LIST_ADAPTERS.get(cls)
        if adapter is None:
            adapter = _LIST_ADAPTERS[cls] = TypeAdapter(list[cls])
        return adapter.dump_python(adapter.validate_python(records), mode="json")


_LIST_ADAPTERS: dict[type, TypeAdapter] = {}
