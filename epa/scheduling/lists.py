"""The staff's list of assessments and the diary's week: one query for the page, the diary and
their downloads, with where each booking stands (booked, awaiting its result, graded or
cancelled)."""

from datetime import timedelta

from sqlalchemy import and_, exists, not_, select
from sqlalchemy.orm import selectinload

from epa import clock
from epa.apprentices.models import Apprentice
from epa.auth.models import User
from epa.errors import ServiceError
from epa.extensions import db
from epa.rules.stages import STAGE_LABELS, Stage, assessment_stage
from epa.scheduling.instants import midnight
from epa.scheduling.models import Assessment, AssessmentStatus
from epa.scheduling.schemas import AssessmentList
from epa.scheduling.services import visible_assessments
from epa.standards.models import AssessmentMethod


def _graded():
    """SQL: the assessment has a submitted result."""
    from epa.grading.models import Result  # grading builds on scheduling

    return exists().where(Result.assessment_id == Assessment.id, Result.is_submitted.is_(True))


def _stage_is(stage: Stage):
    """SQL for `assessment_stage`: the same four answers, as a filter."""
    booked = Assessment.status == AssessmentStatus.BOOKED
    started = Assessment.starts_at <= clock.now()
    return {
        Stage.CANCELLED: Assessment.status == AssessmentStatus.CANCELLED,
        Stage.GRADED: and_(booked, _graded()),
        Stage.AWAITING_RESULT: and_(booked, started, not_(_graded())),
        Stage.BOOKED: and_(booked, not_(started), not_(_graded())),
    }[stage]


def _check_filters(asked: AssessmentList) -> None:
    """A filter naming no assessor or method is refused, rather than showing nothing."""
    if asked.assessor_id is not None:
        assessor = db.session.get(User, asked.assessor_id)
        if assessor is None or assessor.role != "assessor":
            message = f"No assessor has the id {asked.assessor_id}"
            raise ServiceError("validation_failed", message + ".", fields={"assessor_id": message})
    if asked.method is not None:
        known = db.session.scalar(
            select(AssessmentMethod.id).where(AssessmentMethod.code == asked.method).limit(1)
        )
        if known is None:
            message = f"No assessment method has the code {asked.method}"
            raise ServiceError("validation_failed", message + ".", fields={"method": message})
    if asked.from_ and asked.to and asked.from_ > asked.to:
        message = "The to date must be the same as or after the from date"
        raise ServiceError("validation_failed", message + ".", fields={"to": message})


def list_assessments(user: User, asked: AssessmentList, *, active_only: bool = False):
    """A query of the assessments the user may see that pass the filters, in the order asked;
    `active_only` leaves cancelled ones out (the diary). Each row's apprentice, method,
    assessor and result come in one query per relation."""
    _check_filters(asked)
    query = visible_assessments(user)
    if asked.assessor_id is not None:
        query = query.where(Assessment.assessor_id == asked.assessor_id)
    if asked.method is not None:
        query = query.where(
            Assessment.method_id.in_(
                select(AssessmentMethod.id).where(AssessmentMethod.code == asked.method)
            )
        )
    if asked.status is not None:
        query = query.where(_stage_is(asked.status))
    if active_only:
        query = query.where(Assessment.status == AssessmentStatus.BOOKED)
    if asked.from_ is not None:
        query = query.where(Assessment.starts_at >= midnight(asked.from_))
    if asked.to is not None:
        query = query.where(Assessment.starts_at < midnight(asked.to + timedelta(days=1)))
    from epa.grading.models import RESULT_STANDING

    query = query.options(
        selectinload(Assessment.apprentice),
        selectinload(Assessment.method),
        selectinload(Assessment.assessor),
        selectinload(Assessment.result).load_only(*RESULT_STANDING),
    )
    return _ordered(query, asked.sort)


def _ordered(query, sort: str):
    backwards = sort.startswith("-")
    if sort.lstrip("-") == "apprentice":
        query = query.join(Apprentice, Apprentice.id == Assessment.apprentice_id)
        columns = [Apprentice.family_name, Apprentice.given_names, Assessment.starts_at]
    else:
        columns = [Assessment.starts_at]
    columns.append(Assessment.id)
    return query.order_by(*(column.desc() if backwards else column for column in columns))


def stage_of(assessment: Assessment) -> Stage:
    """Where the booking stands now (its result loaded with it)."""
    result = assessment.result
    submitted = result is not None and result.is_submitted
    return assessment_stage(assessment.status, assessment.starts_at, clock.now(), submitted)


CSV_HEADERS = [
    "Starts",
    "Ends",
    "ULN",
    "Given names",
    "Family name",
    "Method",
    "Assessor",
    "Location",
    "Status",
]


def download(query, what: str, *, day=None):
    """Every assessment a `list_assessments` query finds (all pages), as a CSV file named for
    `what` and `day` (by default today)."""
    from epa.exports.downloads import rows_within_limit, send_csv  # exports read bookings

    found = rows_within_limit(query, "assessments")
    return send_csv(
        what,
        CSV_HEADERS,
        (
            [
                a.starts_at,
                a.ends_at,
                a.apprentice.uln,
                a.apprentice.given_names,
                a.apprentice.family_name,
                a.method.name,
                a.assessor.name,
                a.location,
                STAGE_LABELS[stage_of(a)],
            ]
            for a in found
        ),
        day=day,
    )
