"""Forms to book, move and cancel assessments and to keep an assessor's diary.

They only read the boxes: dates and times become the ISO text the API takes (London
wall-clock time, no offset), so the service applies every rule, the clock changes included.
"""

import re
from datetime import date, timedelta

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from markupsafe import escape
from sqlalchemy import select
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice

from epa import clock
from epa.extensions import db
from epa.organisations.models import Employer, Provider
from epa.pages.forms import DayMonthYearField, as_record_id, reason_form
from epa.pages.widgets import (
    CHOICES_MARK,
    GovLongSelect,
    GovRadioWithHints,
    choice_id,
    in_place_of_mark,
    marked_item,
)
from epa.rules.local_time import LONDON, london_iso
from epa.rules.patterns import MOST_PER_DAY, SERVICE_ENDS, SERVICE_STARTS, WEEKDAY_NAMES
from epa.rules.scheduling import epa_window
from epa.rules.slots import Slot

_HOURS_MINUTES = re.compile(r"([0-9]{1,2}):([0-9]{2})")


class TimeOfDayField(StringField):
    """A time on the 24-hour clock ("14:00"), read strictly into "HH:MM" text."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, *, what: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.what = what

    def process_formdata(self, valuelist):
        raw = str(valuelist[0]).strip() if valuelist else ""
        self.raw_data = [raw]
        self.data = None
        if not raw:
            return
        match = _HOURS_MINUTES.fullmatch(raw)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValueError(
                f"Enter the {self.what} on the 24-hour clock, for example 09:30 or 14:00"
            )
        self.data = f"{int(match[1]):02d}:{match[2]}"

    def _value(self) -> str:
        """What was typed, so a mistake is shown back to be corrected."""
        return self.raw_data[0] if self.raw_data else (self.data or "")


_RADIO_MARKED = marked_item("radios")
# Indented as the macro indents radios inside a fieldset, so the page reads as it did. Filled by
# str.format with values escaped first: Markup.format, escaping as it goes, cost as much again.
_ITEM = (
    '<div class="govuk-radios__item">\n'
    '        <input class="govuk-radios__input" id="{id}" name="{name}" type="radio" '
    'value="{value}"{checked}{disabled}{described}>\n'
    '        <label class="govuk-label govuk-radios__label" for="{id}">\n'
    "          {text}\n"
    "        </label>{hint}\n"
    "      </div>"
)
_HINT = (
    '\n        <div id="{id}" class="govuk-hint govuk-radios__hint">\n          {text}\n'
    "        </div>"
)


class GovAssessorRadios(GovRadioInput):
    """Assessor radios: one who cannot take the booking is greyed out, the reason beneath.

    The same markup as the GOV.UK radios, but each assessor written here instead of by a macro
    call: two hundred of them took most of the booking page's time. The macro writes the
    fieldset around one marked radio, which the assessors' radios replace."""

    def __init__(self, reasons: dict[str, str]):
        self.reasons = reasons

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        params = kwargs.get("params") or {}
        kwargs["items"] = [{"text": CHOICES_MARK, "value": CHOICES_MARK}]
        html = self.render(self.map_gov_params(field, **kwargs))
        prefix, name = escape(params.get("idPrefix") or field.name), escape(field.name)
        items = "\n      ".join(
            self._item(name, prefix, index, value, label, checked)
            for index, (value, label, checked, _) in enumerate(field.iter_choices(), start=1)
        )
        return in_place_of_mark(html, _RADIO_MARKED, items)

    def _item(self, name, prefix, index, value, label, checked) -> str:
        item_id = choice_id(prefix, index)
        reason = self.reasons.get(value)
        hint_id = f"{item_id}-item-hint"
        return _ITEM.format(
            id=item_id,
            name=name,
            value=escape(value),
            text=escape(label),
            checked=" checked" if checked and not reason else "",
            disabled=" disabled" if reason else "",
            described=f' aria-describedby="{hint_id}"' if reason else "",
            hint=_HINT.format(id=hint_id, text=escape(reason)) if reason else "",
        )


def wall_clock(day: date | None, time_of_day: str | None) -> str | None:
    """London wall-clock time as ISO text without an offset ("2026-12-10T10:00")."""
    if day is None or time_of_day is None:
        return None
    return f"{day.isoformat()}T{time_of_day}"


def duration_words(minutes: int) -> str:
    """60 → "1 hour", 90 → "1 hour 30 minutes", 180 → "3 hours"."""
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if rest or not parts:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


def _example_day() -> date:
    return clock.today() + timedelta(days=21)


class AssessmentForm(FlaskForm):
    """A booking's method, date (GOV.UK date input), start time, assessor and location."""

    method = RadioField("Assessment method", validate_choice=False)
    starts_on = DayMonthYearField("Date", what="date", example="10 12 2026")
    start_time = TimeOfDayField(
        "Start time",
        what="start time",
        description="UK time, on the 24-hour clock. For example, 09:30",
    )
    check = SubmitField("Show who is free then", widget=GovSubmitInput())
    assessor_id = RadioField("Assessor", validate_choice=False)
    location = StringField(
        "Location",
        widget=GovTextInput(),
        description="An address and room, or how to join online. For example, Online "
        "(Microsoft Teams)",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        example = _example_day()
        self.starts_on.example = f"{example.day} {example.month} {example.year}"
        self.starts_on.description = f"For example, {self.starts_on.example}"

    def offer(self, choices) -> None:
        """The assessors to show: those with a reason are greyed out."""
        self.assessor_id.choices = [SelectChoice(str(c.id), c.name) for c in choices]
        self.assessor_id.widget = GovAssessorRadios({str(c.id): c.reason for c in choices})

    def start_text(self) -> str | None:
        return wall_clock(self.starts_on.data, self.start_time.data)

    def mark_missing(self) -> set[str]:
        """Say which part of the time is missing, so the service's "Enter the start time" does
        not land on the wrong box; the service's fields that the boxes now explain."""
        if self.start_text() is not None:
            return set()
        _mark_missing((self.starts_on, "Enter the date"), (self.start_time, "Enter the start time"))
        return {"starts_at"}


_SLOT_VALUE = re.compile(r"([0-9]{1,9})@(\S+)")


def slot_value(slot: Slot) -> str:
    """A slot as its radio's value: the assessor's id and the start with its UK offset."""
    return f"{slot.assessor_id}@{london_iso(slot.starts_at)}"


def slot_words(slot: Slot) -> str:
    """A slot in UK time, as its radio says it: "Thursday 10 December 2026, 08:00 to 09:00 —
    Grace Okafor"."""
    start, end = slot.starts_at.astimezone(LONDON), slot.ends_at.astimezone(LONDON)
    return (
        f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M} to {end:%H:%M} — {slot.assessor_name}"
    )


#: The booking page's fields in the order the page shows them, so the error summary follows it.
_BOOKING_PAGE_ORDER = (
    "csrf_token",
    "method",
    "location",
    "find",
    "slot",
    "book_slot",
    "later",
    "slots_for",
    "slots_from",
    "slots_next",
    "starts_on",
    "start_time",
    "check",
    "assessor_id",
    "submit",
)


class BookingForm(AssessmentForm):
    """Book one method of the apprentice's plan with an assessor: a slot the finder offers, or
    a date and time typed in.

    The slots' place in the list travels in hidden fields, so the page needs no script:
    `slots_for` is the method they were found for, `slots_from` where the slots shown begin
    and `slots_next` where the later ones do (see `views.offer_slots`)."""

    submit = SubmitField("Book assessment", widget=GovSubmitInput())
    find = SubmitField("Find the next available slots", widget=GovSubmitInput())
    slot = RadioField(
        "Available slots",
        widget=GovRadioInput(),
        validate_choice=False,
        description="UK time, earliest first. Where assessors are free at the same time, the "
        "one with fewest bookings that week comes first.",
    )
    book_slot = SubmitField("Book this slot", widget=GovSubmitInput())
    later = SubmitField("Show later slots", widget=GovSubmitInput())
    slots_for = HiddenField()
    slots_from = HiddenField()
    slots_next = HiddenField()

    def __init__(self, apprentice, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.apprentice = apprentice
        methods = apprentice.version.methods
        self.method.choices = [SelectChoice(m.code, m.name) for m in methods]
        hints = {m.code: method_hint(apprentice, m) for m in methods}
        self.method.widget = GovRadioWithHints(hints)
        # The page's order, for the error summary; fields the order does not name (the CSRF
        # token, when it is switched off there is none) keep their place after it.
        ordered = {name: self._fields[name] for name in _BOOKING_PAGE_ORDER if name in self._fields}
        self._fields = ordered | self._fields

    def show_slots(self, found: list[Slot]) -> None:
        """The slots to offer as radios; a choice no longer among them is dropped."""
        self.slot.choices = [SelectChoice(slot_value(s), slot_words(s)) for s in found]
        if self.slot.data not in {choice.value for choice in self.slot.choices}:
            self.slot.data = None

    def chosen_slot(self) -> tuple[int, str] | None:
        """The assessor's id and the start of the slot chosen, as the radio's value gives them."""
        match = _SLOT_VALUE.fullmatch(self.slot.data or "")
        return (int(match[1]), match[2]) if match else None

    def chosen_method(self):
        """The plan's method the radios name, if any."""
        methods = self.apprentice.version.methods
        return next((m for m in methods if m.code == self.method.data), None)

    def service_data(self) -> dict:
        """The body the service takes, exactly as the API would send it."""
        return {
            "apprentice_id": self.apprentice.id,
            "method": self.method.data,
            "assessor_id": as_record_id(self.assessor_id.data),
            "starts_at": self.start_text(),
            "location": self.location.data,
        }


def method_hint(apprentice, method) -> str:
    """How long the method takes, the first day it may be held and the notice it needs."""
    words = f"{duration_words(method.duration_minutes)}. "
    if apprentice.epa_started_on and apprentice.epa_deadline:
        first, last = epa_window(
            apprentice.epa_started_on, apprentice.epa_deadline, method.earliest_days_after_gateway
        )
        words += f"Between {first.day} {first:%B %Y} and {last.day} {last:%B %Y}, "
    else:
        words += "After gateway, "
    return words + f"with at least {method.min_notice_days} days’ notice"


class RescheduleForm(AssessmentForm):
    """Move an assessment, give it to another assessor or change its location."""

    method = None
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    def service_data(self) -> dict:
        return {
            "starts_at": self.start_text(),
            "assessor_id": as_record_id(self.assessor_id.data),
            "location": self.location.data,
        }


ReasonForm = reason_form(
    "ReasonForm",
    "Why is the assessment being cancelled?",
    "For example, the apprentice is ill. The reason is kept on the booking and sent with the "
    "cancellation",
    "Cancel assessment",
)


class ConflictForm(FlaskForm):
    """An employer or a training provider the assessor may not assess the apprentices of."""

    employer_id = SelectField("Employer", widget=GovLongSelect(), validate_choice=False)
    provider_id = SelectField("Training provider", widget=GovLongSelect(), validate_choice=False)
    submit = SubmitField("Add conflict of interest", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        employers = db.session.scalars(select(Employer).order_by(Employer.name, Employer.id))
        providers = db.session.scalars(select(Provider).order_by(Provider.name, Provider.id))
        self.employer_id.choices = [SelectChoice("", "No employer")] + [
            SelectChoice(str(e.id), e.name) for e in employers
        ]
        self.provider_id.choices = [SelectChoice("", "No training provider")] + [
            SelectChoice(str(p.id), f"{p.name} (UKPRN {p.ukprn})") for p in providers
        ]

    def service_data(self) -> dict:
        return {
            "employer_id": as_record_id(self.employer_id.data),
            "provider_id": as_record_id(self.provider_id.data),
        }


def _day_and_time(day: str, example: str, time: str, blank: str):
    """A day's boxes and an optional time of day, for one end of a period."""
    return (
        DayMonthYearField(
            f"{day.capitalize()} day",
            what=f"{day} day",
            example=example,
            description=f"For example, {example}",
        ),
        TimeOfDayField(
            f"{time.capitalize()} time (optional)",
            what=f"{time} time",
            description=f"Leave blank to {blank}",
        ),
    )


class UnavailabilityForm(FlaskForm):
    """A time the assessor cannot be booked; leaving out the times covers whole days."""

    starts_on, start_time = _day_and_time(
        "first", "21 12 2026", "start", "start at the beginning of the day. For example, 09:30"
    )
    ends_on, end_time = _day_and_time(
        "last", "1 1 2027", "end", "include the whole of that day. For example, 17:00"
    )
    reason = StringField(
        "Reason",
        widget=GovTextInput(),
        description="Shown to operations staff when they book. For example, Annual leave",
    )
    submit = SubmitField("Add unavailability", widget=GovSubmitInput())

    def mark_missing(self) -> set[str]:
        """Name the missing day in the form's words, rather than the service's "the start";
        the service's fields that the boxes now explain."""
        _mark_missing((self.starts_on, "Enter the first day"), (self.ends_on, "Enter the last day"))
        return {
            instant
            for instant, boxes in (
                ("starts_at", (self.starts_on, self.start_time)),
                ("ends_at", (self.ends_on, self.end_time)),
            )
            if any(box.errors for box in boxes)
        }

    def service_data(self) -> dict:
        ends_on, end_time = self.ends_on.data, self.end_time.data
        if ends_on is not None and end_time is None:
            ends_on, end_time = ends_on + timedelta(days=1), "00:00"
        return {
            "starts_at": wall_clock(self.starts_on.data, self.start_time.data or "00:00"),
            "ends_at": wall_clock(ends_on, end_time),
            "reason": self.reason.data,
        }


def _mark_missing(*boxes) -> None:
    """Put each message on its box when the box was left empty and says nothing yet."""
    for field, message in boxes:
        if field.data is None and not field.errors:
            field.errors = [*field.errors, message]


#: The half hours of the service's day, from its start to its end.
HALF_HOURS = tuple(
    f"{hour:02d}:{minute:02d}"
    for hour in range(SERVICE_STARTS.hour, SERVICE_ENDS.hour + 1)
    for minute in (0, 30)
)[:-1]


class PatternForm(FlaskForm):
    """When the assessor works: the days, the hours within the service's day, and the most
    assessments a day. The service judges every value, so a changed page is refused in words."""

    weekdays = SelectMultipleField(
        "Days worked",
        widget=GovCheckboxesInput(),
        description="Select all that apply.",
        validate_choice=False,
        choices=[SelectChoice(str(number), name) for number, name in enumerate(WEEKDAY_NAMES)],
    )
    starts = SelectField(
        "Start time",
        widget=GovSelect(),
        validate_choice=False,
        choices=HALF_HOURS[:-1],
        description="UK time",
    )
    ends = SelectField(
        "End time", widget=GovSelect(), validate_choice=False, choices=HALF_HOURS[1:]
    )
    max_per_day = StringField(
        "Most assessments a day",
        widget=GovTextInput(),
        description=f"A number from 1 to {MOST_PER_DAY}",
    )
    #: not `submit`: the assessor's page has other forms' buttons of that name
    save = SubmitField("Save working pattern", widget=GovSubmitInput())

    @staticmethod
    def data_of(shape: dict) -> dict:
        """The form's values for a pattern as the service gives it (`diaries.pattern_shape`)."""
        return {
            "weekdays": [str(day) for day in shape["weekdays"]],
            "starts": shape["starts"],
            "ends": shape["ends"],
            "max_per_day": str(shape["max_per_day"]),
        }

    def service_data(self) -> dict:
        """As the API takes it; a box left empty is left out, so the service asks for it."""
        days = [as_record_id(day) for day in self.weekdays.data or []]
        data = {"weekdays": days, "starts": self.starts.data, "ends": self.ends.data}
        most = (self.max_per_day.data or "").strip()
        return data | ({"max_per_day": most} if most else {})
