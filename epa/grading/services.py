"""Recording results criterion by criterion: drafts, submission and reopening
(the outcome that follows, and its sign-off, are `epa.grading.outcomes`)."""

from sqlalchemy import select

from epa import clock
from epa.audit.services import record
from epa.auth.models import User
from epa.errors import ServiceError
from epa.extensions import db
from epa.grading import schemas
from epa.grading.models import Result

# Callers that record results also sign outcomes off, and find both here.
from epa.grading.outcomes import confirm_outcome, outcome_public, summarise, unconfirm  # noqa: F401
from epa.ops.metrics import RESULTS
from epa.persistence import lock_diaries
from epa.rules.grading import CriterionRule, method_grade
from epa.rules.local_time import london_date
from epa.rules.stages import may_record_result, time_and_day
from epa.scheduling.models import Assessment
from epa.shapes import Problems
from epa.standards.documents import criterion_document


def _rules(assessment: Assessment) -> list[CriterionRule]:
    return [CriterionRule(c.code, c.grade) for c in assessment.method.criteria]


def grade_of(assessment: Assessment, judgements: dict) -> str | None:
    """The method grade the judgements give, as judged: the plan caps the EPA grade after a
    resit or retake, not the method grade (see `summarise`)."""
    return method_grade(_rules(assessment), judgements)


def result_of(assessment: Assessment) -> schemas.Result:
    """The result so far: a draft's grade follows from its judgements once all are made."""
    result = assessment.result
    judgements = dict(result.judgements) if result else {}
    submitted = bool(result and result.is_submitted)
    return schemas.Result(
        assessment_id=assessment.id,
        criteria=judgements,
        comments=result.comments if result else None,
        method_grade=result.method_grade if submitted else grade_of(assessment, judgements),
        submitted=submitted,
        submitted_at=result.submitted_at if submitted else None,
        criteria_judged=result.criteria_judged if submitted else None,
    )


def _locked_result(assessment: Assessment) -> Result | None:
    """Take the apprentice's lock, then read the booking and its result as committed now, so
    drafts, submissions, reopening and sign-off of one apprentice happen one at a time."""
    lock_diaries(assessment.apprentice_id, [])
    db.session.refresh(assessment)
    return db.session.scalar(
        select(Result)
        .where(Result.assessment_id == assessment.id)
        .execution_options(populate_existing=True)
    )


def _may_grade(assessment: Assessment, actor: User) -> Result | None:
    """Only the assessor booked for it, only once it has started, never once submitted."""
    if actor.role != "assessor" or actor.id != assessment.assessor_id:
        raise ServiceError(
            "forbidden",
            "Only the assessor booked for this assessment records its result.",
            status=403,
        )
    if assessment.status == "cancelled":
        raise ServiceError("assessment_cancelled", "This assessment was cancelled.")
    if not may_record_result(assessment.starts_at, clock.now()):
        raise ServiceError(
            "assessment_not_held",
            "The assessment has not started yet; the result can be recorded from "
            f"{time_and_day(assessment.starts_at)}.",
        )
    result = _locked_result(assessment)
    if assessment.status == "cancelled":
        raise ServiceError("assessment_cancelled", "This assessment was cancelled.")
    if result is not None and result.is_submitted:
        raise ServiceError(
            "result_locked",
            "The result has been submitted and is locked; an administrator can reopen it.",
            status=409,
        )
    return result


def save_draft(assessment: Assessment, draft: schemas.ResultDraft, actor: User) -> Result:
    """Merge the judgements sent into the draft (null clears one) and keep the comments."""
    result = _may_grade(assessment, actor)
    known = {c.code for c in assessment.method.criteria}
    problems = Problems()
    for code in [code for code in draft.criteria if code not in known]:
        problems.add(
            f"criteria.{code}", f"{code} is not a criterion of this method", "unknown_criterion"
        )
    problems.raise_if_any()
    comments = (
        draft.comments if "comments" in draft.given() else (result.comments if result else None)
    )
    if result is None:
        result = Result(assessment=assessment, judgements={})
        db.session.add(result)
    before = {"criteria": dict(result.judgements), "comments": result.comments}
    judgements = dict(result.judgements)
    for criterion_id, met in draft.criteria.items():
        if met is None:
            judgements.pop(criterion_id, None)
        else:
            judgements[criterion_id] = met
    result.judgements = judgements
    result.comments = comments
    result.updated_by_id = actor.id
    db.session.flush()
    record(
        "result",
        result.id,
        "update",
        before=before,
        after={"criteria": judgements, "comments": comments},
    )
    return result


def submit_result(assessment: Assessment, actor: User) -> Result:
    """Lock the result once every criterion has a judgement; the grade follows from the plan."""
    result = _may_grade(assessment, actor)
    judgements = dict(result.judgements) if result else {}
    missing = [c.code for c in assessment.method.criteria if judgements.get(c.code) is None]
    if missing:
        raise ServiceError(
            "criteria_incomplete",
            f"Judge every criterion before submitting; still to judge: {', '.join(missing)}.",
            fields={f"criteria.{code}": "Choose met or not met" for code in missing},
        )
    now = clock.now()
    result.method_grade = grade_of(assessment, judgements)
    result.is_submitted = True
    result.submitted_at = now
    result.submitted_on = london_date(now)
    result.submitted_by_id = actor.id
    result.criteria_judged = [criterion_document(c) for c in assessment.method.criteria]
    # A draft may still judge criteria that a load of the standard has since removed: they are
    # not among the criteria judged, so they leave the result (the audit event keeps them).
    codes = {c["id"] for c in result.criteria_judged}
    kept = {code: met for code, met in judgements.items() if code in codes}
    before, after = None, {"method_grade": result.method_grade}
    if kept != judgements:
        result.judgements = kept
        before, after = {"criteria": judgements}, {**after, "criteria": kept}
    db.session.flush()
    RESULTS.inc()
    record("result", result.id, "submit", before=before, after=after)
    return result


def reopen_result(assessment: Assessment, reopen: schemas.ResultReopen, actor: User) -> Result:
    """Unlock a submitted result (administrators, with a reason); the outcome is un-confirmed."""
    if actor.role != "admin":
        raise ServiceError("forbidden", "Only an administrator can reopen a result.", status=403)
    reason = reopen.reason
    result = _locked_result(assessment)
    if result is None or not result.is_submitted:
        raise ServiceError(
            "result_not_submitted",
            "This result has not been submitted; it is open already.",
            status=409,
        )
    later = db.session.scalar(
        select(Assessment.id).where(
            Assessment.apprentice_id == assessment.apprentice_id,
            Assessment.epa_round == assessment.epa_round,
            Assessment.method_id == assessment.method_id,
            Assessment.status != "cancelled",
            Assessment.starts_at > assessment.starts_at,
        )
    )
    if later is not None:
        raise ServiceError(
            "later_attempt_exists",
            "A later attempt of this method is booked on the strength of this result; cancel "
            "that attempt before reopening this one.",
            status=409,
        )
    # The audit event keeps the criteria judged: reopening clears them from the result, and the
    # next submission keeps the criteria of its day.
    before = {
        "method_grade": result.method_grade,
        "submitted": True,
        "criteria_judged": result.criteria_judged,
    }
    result.is_submitted = False
    result.method_grade = None
    result.submitted_at = result.submitted_on = result.submitted_by_id = None
    result.criteria_judged = None
    db.session.flush()
    record("result", result.id, "reopen", before=before, after={"submitted": False}, reason=reason)
    # The sign-off of the EPA the result belongs to no longer stands (an earlier EPA's result
    # has no bearing on the current outcome).
    unconfirm(
        assessment.apprentice,
        reason=f"A result was reopened: {reason}",
        epa_round=assessment.epa_round,
    )
    return result
