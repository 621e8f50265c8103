"""The rows of the returns spreadsheets, read in a fixed number of queries however many rows.

Rows are streamed from the database a batch at a time and yielded one by one, so an export
of a whole year holds only a batch in memory.
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select

from epa.apprentices.models import Apprentice
from epa.auth.models import User
from epa.extensions import db
from epa.grading.models import Outcome, Result
from epa.organisations.models import Employer, Provider
from epa.rules.local_time import LONDON
from epa.scheduling.models import Assessment, in_current_epa
from epa.standards.models import AssessmentMethod, Standard, StandardVersion

#: rows fetched from the database at a time
BATCH = 1000

OUTCOME_HEADERS_BEFORE_GRADES = [
    "ULN",
    "Family name",
    "Given names",
    "Date of birth",
    "Standard",
    "Version",
    "UKPRN",
    "Provider",
    "Employer",
    "Start date",
    "Gateway date",
]
OUTCOME_HEADERS_AFTER_GRADES = ["Resit", "Retake", "Overall grade", "Achievement date"]
BOOKING_HEADERS = [
    "Assessment ID",
    "ULN",
    "Family name",
    "Given names",
    "Standard",
    "Version",
    "Method",
    "Attempt",
    "Retry",
    "Starts",
    "Ends",
    "Assessor",
    "Location",
    "Status",
    "Employer",
    "Provider",
    "UKPRN",
    "Method grade",
]
STATUS_LABELS = {"booked": "Booked", "cancelled": "Cancelled"}
#: the apprentice a row of either sheet is about, their standard, employer and provider (rows
#: are read by these names)
APPRENTICE = (
    Apprentice.uln,
    Apprentice.family_name,
    Apprentice.given_names,
    Standard.reference,
    StandardVersion.version,
    Employer.name.label("employer"),
    Provider.name.label("provider"),
    Provider.ukprn,
)


def _confirmed_between(date_from: date, date_to: date):
    """Outcomes signed off whose achievement date falls in the range (both ends count)."""
    return (
        Outcome.confirmed_at.is_not(None),
        Outcome.achievement_date >= date_from,
        Outcome.achievement_date <= date_to,
    )


def _stream(statement):
    """The rows as plain tuples, a batch at a time (a server-side cursor on PostgreSQL): the
    ORM's own loading would cost more than writing them."""
    return db.session.connection().execute(statement.execution_options(yield_per=BATCH))


def _label(value: str | None) -> str | None:
    """A stored word as people read it: "merit" becomes "Merit"."""
    return value.capitalize() if value else None


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def outcome_method_names(date_from: date, date_to: date) -> list[str]:
    """Every method name of the plans the range's apprentices were assessed on, in plan order.

    Several standards (or versions) give every name once, in order of first appearance:
    standards by reference, versions by start, methods as the plan lists them.
    """
    in_range = select(Outcome.apprentice_id).where(*_confirmed_between(date_from, date_to))
    versions = select(Apprentice.version_id).where(Apprentice.id.in_(in_range))
    # A method actually sat counts too, should it belong to another version of the plan.
    sat = select(Assessment.method_id).where(
        Assessment.apprentice_id.in_(in_range), Assessment.status != "cancelled"
    )
    statement = (
        select(AssessmentMethod.name)
        .join(StandardVersion, StandardVersion.id == AssessmentMethod.version_id)
        .join(Standard, Standard.id == StandardVersion.standard_id)
        .where(or_(AssessmentMethod.version_id.in_(versions), AssessmentMethod.id.in_(sat)))
        .order_by(
            Standard.reference,
            StandardVersion.earliest_start_date,
            AssessmentMethod.position,
            AssessmentMethod.id,
        )
    )
    return list(dict.fromkeys(db.session.scalars(statement)))


def outcome_headers(method_names: list[str]) -> list[str]:
    """The outcomes sheet's header row, with one grade column per method name."""
    grades = [f"{name} grade" for name in method_names]
    return [*OUTCOME_HEADERS_BEFORE_GRADES, *grades, *OUTCOME_HEADERS_AFTER_GRADES]


def outcome_rows(date_from: date, date_to: date, method_names: list[str]) -> Iterator[list]:
    """One row per confirmed outcome achieved in the range, in two queries however many.

    The outcomes and their apprentices' sittings are read in the same order (achievement
    date, then apprentice) and merged as they stream, so neither is held in memory.
    """
    in_range = _confirmed_between(date_from, date_to)
    people = (
        select(
            Outcome.apprentice_id,
            Outcome.achievement_date,
            Outcome.overall_grade,
            *APPRENTICE,
            Apprentice.date_of_birth,
            Apprentice.start_date,
            Apprentice.gateway_date,
        )
        .join(
            Apprentice,
            and_(Apprentice.id == Outcome.apprentice_id, Apprentice.epa_round == Outcome.epa_round),
        )
        .join(Standard, Standard.id == Apprentice.standard_id)
        .join(StandardVersion, StandardVersion.id == Apprentice.version_id)
        .join(Provider, Provider.id == Apprentice.provider_id)
        .join(Employer, Employer.id == Apprentice.employer_id)
        .where(*in_range)
        .order_by(Outcome.achievement_date, Outcome.apprentice_id)
    )
    sittings = (
        select(
            Assessment.apprentice_id,
            Outcome.achievement_date,
            Assessment.retry,
            AssessmentMethod.name,
            Result.method_grade,
            Result.is_submitted,
        )
        .join(Outcome, Outcome.apprentice_id == Assessment.apprentice_id)
        .join(
            Apprentice,
            and_(
                Apprentice.id == Assessment.apprentice_id, Apprentice.epa_round == Outcome.epa_round
            ),
        )
        .join(AssessmentMethod, AssessmentMethod.id == Assessment.method_id)
        .outerjoin(Result, Result.assessment_id == Assessment.id)
        # Only the EPA the outcome is for: a restart leaves earlier sittings on record.
        .where(*in_range, in_current_epa(), Assessment.status != "cancelled")
        .order_by(
            Outcome.achievement_date,
            Assessment.apprentice_id,
            Assessment.starts_at,
            Assessment.id,
        )
    )
    pending_sittings = iter(_stream(sittings))
    sitting = next(pending_sittings, None)
    for (
        apprentice_id,
        achievement_date,
        overall_grade,
        uln,
        family_name,
        given_names,
        reference,
        version,
        employer,
        provider,
        ukprn,
        date_of_birth,
        start_date,
        gateway_date,
    ) in _stream(people):
        key = (achievement_date, apprentice_id)
        grades: dict[str, str] = {}
        resit = retake = False
        # Sittings of apprentices before this one (possible only if an outcome changed
        # between the two queries) are passed over; later ones wait for their apprentice.
        while sitting is not None and (sitting[1], sitting[0]) <= key:
            if (sitting[1], sitting[0]) == key:
                _, _, retry, name, method_grade, is_submitted = sitting
                resit = resit or retry == "resit"
                retake = retake or retry == "retake"
                if is_submitted and method_grade:
                    grades[name] = method_grade  # later sittings win
            sitting = next(pending_sittings, None)
        yield [
            uln,
            family_name,
            given_names,
            date_of_birth,
            reference,
            version,
            ukprn,
            provider,
            employer,
            start_date,
            gateway_date,
            *(_label(grades.get(name)) for name in method_names),
            _yes_no(resit),
            _yes_no(retake),
            _label(overall_grade),
            achievement_date,
        ]


def outcome_count(date_from: date, date_to: date) -> int:
    """How many rows `outcome_rows` gives for the range."""
    return db.session.scalar(
        select(func.count())
        .select_from(Outcome)
        .join(
            Apprentice,
            and_(Apprentice.id == Outcome.apprentice_id, Apprentice.epa_round == Outcome.epa_round),
        )
        .where(*_confirmed_between(date_from, date_to))
    )


def london_day_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The instants the first day starts and the day after the last starts, in London."""
    return (
        datetime.combine(date_from, time(), tzinfo=LONDON),
        datetime.combine(date_to + timedelta(days=1), time(), tzinfo=LONDON),
    )


def booking_count(date_from: date, date_to: date) -> int:
    """How many rows `booking_rows` gives for the range."""
    starts, ends = london_day_bounds(date_from, date_to)
    return db.session.scalar(
        select(func.count()).where(Assessment.starts_at >= starts, Assessment.starts_at < ends)
    )


def booking_rows(date_from: date, date_to: date) -> Iterator[list]:
    """Every assessment starting on a London date in the range, by start time, in one query."""
    starts, ends = london_day_bounds(date_from, date_to)
    statement = (
        select(
            Assessment.id,
            *APPRENTICE,
            AssessmentMethod.name.label("method"),
            Assessment.attempt,
            Assessment.retry,
            Assessment.starts_at,
            Assessment.ends_at,
            User.name.label("assessor"),
            Assessment.location,
            Assessment.status,
            Result.method_grade,
            Result.is_submitted,
        )
        .join(Apprentice, Apprentice.id == Assessment.apprentice_id)
        .join(AssessmentMethod, AssessmentMethod.id == Assessment.method_id)
        .join(StandardVersion, StandardVersion.id == AssessmentMethod.version_id)
        .join(Standard, Standard.id == StandardVersion.standard_id)
        .join(User, User.id == Assessment.assessor_id)
        .join(Employer, Employer.id == Apprentice.employer_id)
        .join(Provider, Provider.id == Apprentice.provider_id)
        .outerjoin(Result, Result.assessment_id == Assessment.id)
        .where(Assessment.starts_at >= starts, Assessment.starts_at < ends)
        .order_by(Assessment.starts_at, Assessment.id)
    )
    for row in _stream(statement):
        yield [
            row.id,
            row.uln,
            row.family_name,
            row.given_names,
            row.reference,
            row.version,
            row.method,
            row.attempt,
            _label(row.retry),
            row.starts_at,
            row.ends_at,
            row.assessor,
            row.location,
            STATUS_LABELS.get(row.status, row.status),
            row.employer,
            row.provider,
            row.ukprn,
            _label(row.method_grade) if row.is_submitted else None,
        ]
