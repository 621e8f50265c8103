"""Fields and helpers shared by every page form."""

import re
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovDateInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import DateField, SubmitField, TextAreaField

from epa.errors import ServiceError
from epa.shapes import Command


def show_service_error(form, error: ServiceError) -> None:
    """Put a service's refusal beside the fields it names (through the form's FIELDS, where its
    boxes are named otherwise), or above the form."""
    placed = False
    names = getattr(form, "FIELDS", {})
    for name, message in error.fields.items():
        field = getattr(form, names.get(name, name), None)
        if field is not None:
            field.errors = [*field.errors, message]
            placed = True
    if not placed:
        form.form_errors.append(error.message)


class ReasonData:
    """For forms whose only input is the reason an action needs (withdraw, cancel, reopen)."""

    def service_data(self) -> dict:
        return {"reason": self.reason.data}


class CommandData:
    """For forms whose fields are named as the API names them: the form's values for the
    fields of `command`, which the service reads as it reads an API request."""

    command: type[Command]

    def service_data(self) -> dict:
        return {name: self[name].data for name in self.command.model_fields if name in self}


#: one date as the API writes it, which a link may carry instead of the three boxes
ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


class DayMonthYearField(DateField):
    """A GOV.UK date input (day, month and year boxes) read into a `date`.

    All boxes blank gives None, so the service says the date is needed; boxes that cannot
    make a real date are refused here, in the design system's words.
    """

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, *, what: str, example: str, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.what = what
        self.example = example

    @property
    def anchor(self) -> str:
        """Where the error summary links: the day box, as the design system asks."""
        return f"{self.id}-day"

    def process_formdata(self, valuelist):
        parts = [str(value).strip() for value in valuelist[:3]]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts  # the widget unpacks exactly three boxes
        self.data = None
        if not any(parts):
            return
        boxes = zip(("day", "month", "year"), parts, strict=True)
        missing = [name for name, part in boxes if not part]
        if missing:
            raise ValueError(f"The {self.what} must include a {' and a '.join(missing)}")
        day, month, year = parts
        real = f"Enter the {self.what} as a real date, for example {self.example}"
        if not all(part.isascii() and part.isdigit() for part in parts) or len(year) != 4:
            raise ValueError(real)
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(real) from None


class LinkedDateField(DayMonthYearField):
    """Date boxes of a query-string filter: one YYYY-MM-DD value instead of the boxes (a link,
    in the API's words) is read as those three boxes. A form that is posted takes boxes only."""

    def process_formdata(self, valuelist):
        if len(valuelist) == 1 and (iso := ISO_DAY.fullmatch(str(valuelist[0]).strip())):
            year, month, day = iso.groups()
            valuelist = [day, month, year]
        super().process_formdata(valuelist)


class NamedAsTheApi:
    """For a query-string form whose fields the service names otherwise: FIELDS maps each of
    the service's names to the form field that holds it (and shows its problems)."""

    FIELDS: dict[str, str] = {}

    def service_data(self) -> dict:
        """The form's values under the service's names, None where left blank."""
        return {name: self[attribute].data for name, attribute in self.FIELDS.items()}


class DateRangeForm(NamedAsTheApi, FlaskForm):
    """From and to dates, both optional, read from the query string; the boxes are named
    `from` and `to` as in the API."""

    class Meta:
        csrf = False  # reading a range changes nothing

    date_from = LinkedDateField(
        "From",
        name="from",
        what="from date",
        example="1 8 2026",
        description="For example, 1 8 2026",
    )
    date_to = LinkedDateField(
        "To", name="to", what="to date", example="31 7 2027", description="For example, 31 7 2027"
    )

    FIELDS = {"from": "date_from", "to": "date_to"}


class GovCheckboxWithHint(GovCheckboxInput):
    """A single checkbox whose description is the hint under its own label."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params["hint"] = None
        if field.description:
            params["items"][0]["hint"] = {"text": field.description}
        return params


def as_record_id(value):
    """A select's value as the service's id: digits become an int, blank becomes None; anything
    else (more digits than an id has, say) goes on as text, for the service to refuse in words."""
    if not value:
        return None
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 10 else value


def reason_form(name: str, question: str, hint: str, button: str) -> type:
    """A form whose only input is the reason an action needs (withdraw, cancel, reopen,
    restart): the question, its hint (an example, and where the reason goes) and the button."""
    return type(
        name,
        (ReasonData, FlaskForm),
        {
            "__doc__": f"{button}, saying why.",
            "reason": TextAreaField(question, widget=GovTextArea(), description=hint),
            "submit": SubmitField(button, widget=GovSubmitInput()),
        },
    )
