"""Forms to find, register, change and withdraw apprentices; field names are the API's."""

from functools import cache

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from sqlalchemy import String, case, cast, literal, select, union_all
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
from epa.apprentices.schemas import ApprenticeNew, ApprenticeSearch, VersionChange
from epa.auth.models import User
from epa.extensions import db
from epa.organisations.models import Employer, Provider
from epa.pages.forms import (
    CommandData,
    DayMonthYearField,
    GovCheckboxWithHint,
    LinkedDateField,
    reason_form,
)
from epa.pages.widgets import GovLongSelect, GovRadioWithHints
from epa.rules.identifiers import TEMPORARY_ULN
from epa.standards.models import Standard


def _placeholder(text: str) -> list[SelectChoice]:
    return [SelectChoice("", text)]


class ApprenticeForm(CommandData, FlaskForm):
    """Register an apprentice; every rule is the service's, this form only reads the boxes."""

    command = ApprenticeNew

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
    employer_id = SelectField("Employer", widget=GovLongSelect(), validate_choice=False)
    provider_id = SelectField("Training provider", widget=GovLongSelect(), validate_choice=False)
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


class EditApprenticeForm(ApprenticeForm):
    """Change an apprentice's details; the standard stays (withdraw and register again)."""

    standard = None
    submit = SubmitField("Save changes", widget=GovSubmitInput())


STATUS_CHOICES = _placeholder("All statuses") + [
    SelectChoice(status, STATUS_LABELS[status]) for status in STATUSES
]


SORT_LABELS = {
    "name": "Name (A to Z)",
    "-name": "Name (Z to A)",
    "start_date": "Start date (earliest first)",
    "-start_date": "Start date (latest first)",
    "epa_deadline": "EPA deadline (soonest first)",
    "-epa_deadline": "EPA deadline (latest first)",
}


def options_with_all(everything: str, rows) -> list[SelectChoice]:
    """A filter's choices: `everything` (no filter) first, then (value, label) for each row."""
    return _placeholder(everything) + [SelectChoice(str(value), text) for value, text in rows]


def _assessor_label():
    """An assessor as a filter lists them: by name, a disabled one marked so."""
    return case((User.is_enabled, User.name), else_=User.name + " (disabled)")


def assessor_options() -> list[SelectChoice]:
    """Every assessor, by name, disabled ones marked, to filter a list by."""
    rows = db.session.execute(
        select(User.id, _assessor_label())
        .where(User.role == "assessor")
        .order_by(User.name, User.id)
    )
    return options_with_all("All assessors", rows)


class SearchForm(CommandData, FlaskForm):
    """The list's search box, filters and order, read from the query string."""

    command = ApprenticeSearch

    class Meta:
        csrf = False

    q = StringField("Search by ULN or name", widget=GovTextInput())
    status = SelectField(
        "Status", widget=GovSelect(), choices=STATUS_CHOICES, validate_choice=False
    )
    employer_id = SelectField("Employer", widget=GovLongSelect(), validate_choice=False)
    provider_id = SelectField("Training provider", widget=GovLongSelect(), validate_choice=False)
    standard = SelectField("Standard", widget=GovSelect(), validate_choice=False)
    assessor_id = SelectField(
        "Assessor",
        widget=GovLongSelect(),
        validate_choice=False,
        description="Apprentices with an assessment booked with them",
    )
    deadline_before = LinkedDateField(
        "EPA deadline before",
        what="EPA deadline",
        example="1 3 2027",
        description="Apprentices whose EPA period ends before this date. For example, 1 3 2027",
    )
    sort = SelectField(
        "Sort by",
        widget=GovSelect(),
        choices=[SelectChoice(value, text) for value, text in SORT_LABELS.items()],
        validate_choice=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        found = _filter_choices()
        # The long lists stay (value, label) pairs: GovLongSelect writes them itself, and
        # hundreds of choice objects a request were a twentieth of the page.
        self.employer_id.choices = [("", "All employers"), *found["employer"]]
        self.provider_id.choices = [("", "All training providers"), *found["provider"]]
        self.standard.choices = options_with_all("All standards", found["standard"])
        self.assessor_id.choices = [("", "All assessors"), *found["assessor"]]


def _filter_choices() -> dict[str, list[tuple[str, str]]]:
    """Every employer, provider, standard and assessor the list can be filtered by, each
    kind in its order (the database's, by name then id; a standard by reference), read in one
    statement: four were a tenth of the page's time."""
    found: dict[str, list[tuple[str, str]]] = {
        "employer": [],
        "provider": [],
        "standard": [],
        "assessor": [],
    }
    for kind, value, label in db.session.execute(_filter_choices_statement()):
        found[kind].append((value, label))
    return found


@cache
def _filter_choices_statement():
    """Built once: its cache key, worked out for every request, cost as much as reading it."""
    kinds = [
        select(
            literal("employer").label("kind"),
            cast(Employer.id, String).label("value"),
            Employer.name.label("label"),
            Employer.name.label("name"),
            Employer.id.label("number"),
        ),
        select(
            literal("provider"),
            cast(Provider.id, String),
            Provider.name,
            Provider.name,
            Provider.id,
        ),
        select(
            literal("standard"),
            Standard.reference,
            Standard.reference + " " + Standard.title,
            Standard.reference,
            literal(0),
        ),
        select(
            literal("assessor"),
            cast(User.id, String),
            _assessor_label(),
            User.name,
            User.id,
        ).where(User.role == "assessor"),
    ]
    every = union_all(*kinds).subquery()
    return select(every.c.kind, every.c.value, every.c.label).order_by(
        every.c.kind, every.c.name, every.c.number
    )


WithdrawForm = reason_form(
    "WithdrawForm",
    "Why is the apprentice being withdrawn?",
    "For example, they have left their employer. The reason is kept on their record",
    "Withdraw apprentice",
)


class ChangeVersionForm(CommandData, FlaskForm):
    """Move an apprentice to a later version of their standard, saying why."""

    command = VersionChange

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
