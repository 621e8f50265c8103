"""Forms to find, register, change and withdraw apprentices; field names are the API's."""

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovDateInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from epa.apprentices.models import STATUS_LABELS, STATUSES
from epa.extensions import db
from epa.organisations.models import Employer, Provider
from epa.pages.forms import ReasonData
from epa.pages.widgets import GovRadioWithHints
from epa.rules.identifiers import TEMPORARY_ULN
from epa.standards.models import Standard

PERSON_FIELDS = (
    "uln",
    "given_names",
    "family_name",
    "date_of_birth",
    "email",
    "employer_id",
    "provider_id",
    "standard",
    "start_date",
    "ehc_plan",
)


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


class GovCheckboxWithHint(GovCheckboxInput):
    """A single checkbox whose description is the hint under its own label."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params["hint"] = None
        if field.description:
            params["items"][0]["hint"] = {"text": field.description}
        return params


def as_record_id(value):
    """A select's value as the service's id: digits become an int, blank becomes None."""
    if not value:
        return None
    return int(value) if value.isascii() and value.isdigit() else value


def _placeholder(text: str) -> list[SelectChoice]:
    return [SelectChoice("", text)]


class ApprenticeForm(FlaskForm):
    """Register an apprentice; every rule is the service's, this form only reads the boxes."""

    uln = StringField(
        "ULN (unique learner number)",
        widget=GovTextInput(),
        description=f"10 digits, not starting with 0. Use {TEMPORARY_ULN} while the real ULN "
        "is awaited",
    )
    given_names = StringField("Given names", widget=GovTextInput())
    family_name = StringField("Family name", widget=GovTextInput())
    date_of_birth = DayMonthYearField(
        "Date of birth",
        what="date of birth",
        example="27 3 2007",
        description="For example, 27 3 2007",
    )
    email = StringField(
        "Email address (optional)",
        widget=GovTextInput(),
        description="Assessment invitations go to this address",
    )
    employer_id = SelectField("Employer", widget=GovSelect(), validate_choice=False)
    provider_id = SelectField("Training provider", widget=GovSelect(), validate_choice=False)
    standard = SelectField("Standard", widget=GovSelect(), validate_choice=False)
    start_date = DayMonthYearField(
        "Start date",
        what="start date",
        example="8 1 2024",
        description="The date the apprenticeship started; it chooses the version of the "
        "standard. For example, 8 1 2024",
    )
    ehc_plan = BooleanField(
        "The apprentice has an EHC plan",
        widget=GovCheckboxWithHint(),
        description="An education, health and care plan, a legacy statement or an equivalent "
        "assessment. With one, entry level 3 English and maths are enough for gateway",
    )
    submit = SubmitField("Register apprentice", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        employers = db.session.scalars(select(Employer).order_by(Employer.name, Employer.id))
        providers = db.session.scalars(select(Provider).order_by(Provider.name, Provider.id))
        self.employer_id.choices = _placeholder("Select an employer") + [
            SelectChoice(str(e.id), e.name) for e in employers
        ]
        self.provider_id.choices = _placeholder("Select a training provider") + [
            SelectChoice(str(p.id), f"{p.name} (UKPRN {p.ukprn})") for p in providers
        ]
        if "standard" in self:
            standards = db.session.scalars(select(Standard).order_by(Standard.reference))
            self.standard.choices = _placeholder("Select a standard") + [
                SelectChoice(s.reference, f"{s.reference} {s.title} (level {s.level})")
                for s in standards
            ]

    def service_data(self) -> dict:
        """The body the service takes, exactly as the API would send it."""
        data = {name: self[name].data for name in PERSON_FIELDS if name in self}
        data["employer_id"] = as_record_id(data["employer_id"])
        data["provider_id"] = as_record_id(data["provider_id"])
        return data


class EditApprenticeForm(ApprenticeForm):
    """Change an apprentice's details; the standard stays (withdraw and register again)."""

    standard = None
    submit = SubmitField("Save changes", widget=GovSubmitInput())


STATUS_CHOICES = _placeholder("All statuses") + [
    SelectChoice(status, STATUS_LABELS[status]) for status in STATUSES
]


class SearchForm(FlaskForm):
    """The list's search box and status filter, read from the query string."""

    class Meta:
        csrf = False

    q = StringField("Search by ULN or name", widget=GovTextInput())
    status = SelectField(
        "Status", widget=GovSelect(), choices=STATUS_CHOICES, validate_choice=False
    )


class WithdrawForm(ReasonData, FlaskForm):
    """Withdraw an apprentice from end-point assessment, saying why."""

    reason = TextAreaField(
        "Why is the apprentice being withdrawn?",
        widget=GovTextArea(),
        description="For example, they have left their employer. The reason is kept on "
        "their record",
    )
    submit = SubmitField("Withdraw apprentice", widget=GovSubmitInput())


class ChangeVersionForm(FlaskForm):
    """Move an apprentice to a later version of their standard, saying why."""

    version = RadioField(
        "Which version should the apprentice follow?",
        validate_choice=False,  # the service names a version that is not on offer
        description="Only versions later than the apprentice's version are listed",
    )
    reason = TextAreaField(
        "Why is the apprentice changing version?",
        widget=GovTextArea(),
        description="For example, the employer and provider agreed to follow the revised plan. "
        "The reason is kept in the record's history",
    )
    submit = SubmitField("Change version", widget=GovSubmitInput())

    def __init__(self, *args, choices: list[tuple[str, str, str]], **kwargs):
        """`choices`: (version, label, hint) for each version on offer."""
        super().__init__(*args, **kwargs)
        self.version.choices = [SelectChoice(value, label) for value, label, _ in choices]
        self.version.widget = GovRadioWithHints({value: hint for value, _, hint in choices})

    def service_data(self) -> dict:
        return {"version": self.version.data, "reason": self.reason.data}
