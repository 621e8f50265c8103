"""Forms to find, register, change and withdraw apprentices; field names are the API's."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from sqlalchemy import select
from wtforms import (
    BooleanField,
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
from epa.pages.forms import DayMonthYearField, GovCheckboxWithHint, ReasonData, as_record_id
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
