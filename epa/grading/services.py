"""Recording results criterion by criterion, the outcome that follows, and its sign-off."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from epa import clock, validation
from epa.apprentices.models import Apprentice
from epa.audit.services import record
from epa.auth.models import User
from epa.errors import ServiceError
from epa.extensions import db
from epa.grading.models import Outcome, Result
from epa.ops.metrics import RESULTS
from epa.persistence import lock_diaries
from epa.rules.grading import (
    CountedGrade,
    CriterionRule,
    cap_reason,
    capped_overall,
    method_grade,
    outcome_status,
)
from epa.rules.local_time import london_date, london_iso
from epa.scheduling.models import Assessment, in_current_epa
from epa.standards.documents import criterion_document

PASSING = ("pass", "merit", "distinction")
NO_GRADE = {"grade": None, "attempt": None, "retry": None}


def _rules(assessment: Assessment) -> list[CriterionRule]:
    return [CriterionRule(c.code, c.grade) for c in assessment.method.criteria]


def grade_of(assessment: Assessment, judgements: dict) -> str | None:
    """The method grade the judgements give, as judged: the plan caps the EPA grade after a
    resit or retake, not the method grade (see `summarise`)."""
    return method_grade(_rules(assessment), judgements)


def result_public(assessment: Assessment) -> dict:
    result = assessment.result
    judgements = dict(result.judgements) if result else {}
    submitted = bool(result and result.is_submitted)
    return {
        "assessment_id": assessment.id,
        "criteria": judgements,
        "comments": result.comments if result else None,
        "method_grade": result.method_grade if submitted else grade_of(assessment, judgements),
        "submitted": submitted,
        "submitted_at": london_iso(result.submitted_at) if submitted else None,
        "criteria_judged": result.criteria_judged if submitted else None,
    }


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
    if clock.now() < assessment.starts_at:
        raise ServiceError(
            "assessment_not_held",
            "The assessment has not started yet; record the result once it has been held.",
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


def save_draft(assessment: Assessment, data: dict, actor: User) -> Result:
    """Merge the judgements sent into the draft (null clears one) and keep the comments."""
    result = _may_grade(assessment, actor)
    problems = validation.Problems()
    sent = data.get("criteria", {})
    if not isinstance(sent, dict):
        problems.add("criteria", "Send criteria as an object of criterion ids to true or false")
        sent = {}
    known = {c.code for c in assessment.method.criteria}
    for criterion_id, met in sent.items():
        if criterion_id not in known:
            problems.add(
                f"criteria.{criterion_id}",
                f"{criterion_id} is not a criterion of this method",
                "unknown_criterion",
            )
        elif met is not None and not isinstance(met, bool):
            problems.add(f"criteria.{criterion_id}", "Met must be true, false or null")
    comments = (
        validation.text(
            data,
            "comments",
            "comments",
            problems,
            required=False,
            max_length=20_000,
            one_line=False,
        )
        if "comments" in data
        else (result.comments if result else None)
    )
    problems.raise_if_any()
    if result is None:
        result = Result(assessment=assessment, judgements={})
        db.session.add(result)
    before = {"criteria": dict(result.judgements), "comments": result.comments}
    judgements = dict(result.judgements)
    for criterion_id, met in sent.items():
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


def reopen_result(assessment: Assessment, data: dict, actor: User) -> Result:
    """Unlock a submitted result (administrators, with a reason); the outcome is un-confirmed."""
    if actor.role != "admin":
        raise ServiceError("forbidden", "Only an administrator can reopen a result.", status=403)
    problems = validation.Problems()
    reason = validation.reason(data, problems, what="reopening")
    problems.raise_if_any()
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


def outcome_of(apprentice: Apprentice, epa_round: int | None = None) -> Outcome | None:
    """The sign-off record of one of the apprentice's EPAs (the current one by default)."""
    return db.session.scalar(
        select(Outcome).where(
            Outcome.apprentice_id == apprentice.id,
            Outcome.epa_round == (epa_round or apprentice.epa_round),
        )
    )


def unconfirm(apprentice: Apprentice, *, reason: str, epa_round: int | None = None) -> None:
    """Take back a sign-off that no longer stands (a reopened result, a new attempt); an
    earlier EPA's, for a result of that EPA."""
    outcome = outcome_of(apprentice, epa_round)
    if outcome is None or outcome.confirmed_at is None:
        return
    before = {"overall_grade": outcome.overall_grade, "confirmed": True}
    outcome.overall_grade = outcome.epa_date = outcome.achievement_date = None
    outcome.uncapped_grade = outcome.cap_reason = None
    outcome.confirmed_at = outcome.confirmed_by_id = None
    if apprentice.status == "completed" and outcome.epa_round == apprentice.epa_round:
        apprentice.status = "in_epa"
        record(
            "apprentice",
            apprentice.id,
            "reopen_epa",
            before={"status": "completed"},
            after={"status": "in_epa"},
            reason=reason,
        )
    db.session.flush()
    record(
        "outcome", outcome.id, "unconfirm", before=before, after={"confirmed": False}, reason=reason
    )


def _attempts(apprentice: Apprentice) -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment)
            .where(
                Assessment.apprentice_id == apprentice.id,
                in_current_epa(apprentice),
                Assessment.status != "cancelled",
            )
            .options(selectinload(Assessment.method))
            .order_by(Assessment.starts_at, Assessment.id)
        )
    )


def summarise(apprentice: Apprentice) -> dict:
    """Each method's latest submitted grade, the overall grade (capped after a resit or retake
    booked without exceptional circumstances) and the outcome's status."""
    attempts = _attempts(apprentice)
    results = (
        {
            r.assessment_id: r
            for r in db.session.scalars(
                select(Result).where(Result.assessment_id.in_([a.id for a in attempts]))
            )
        }
        if attempts
        else {}
    )
    version = apprentice.version
    codes = [m.code for m in version.methods]
    counted: dict[str, Assessment] = {}
    # A method's retry without exceptional circumstances brings the cap even when a later
    # attempt of it was booked with them: "any counted resit or retake" in the plan's words.
    capping: dict[str, Assessment] = {}
    ungraded = False
    last_held = None
    for attempt in attempts:
        result = results.get(attempt.id)
        if result is not None and result.is_submitted:
            counted[attempt.method.code] = attempt  # later attempts win
            last_held = attempt
            if attempt.retry is not None and not attempt.exceptional_circumstances:
                capping.setdefault(attempt.method.code, attempt)
        else:
            ungraded = True
    grades = {
        code: results[counted[code].id].method_grade if code in counted else None for code in codes
    }
    overall = capped_overall(
        [{**row.method_grades, "overall": row.overall} for row in version.grading_rows],
        {
            code: CountedGrade(grades[code], a.retry, a.exceptional_circumstances)
            if (a := capping.get(code) or counted.get(code)) and code in counted
            else None
            for code in codes
        },
        cap=version.retry_grade_cap,
        order=version.overall_grades,
    )
    outcome = outcome_of(apprentice)
    confirmed = outcome is not None and outcome.confirmed_at is not None
    status = outcome_status(codes, grades, ungraded, confirmed)
    # A confirmed outcome keeps the grade, and the cap's effect, it was confirmed with.
    if status == "confirmed":
        overall_grade, uncapped = outcome.overall_grade, outcome.uncapped_grade
        reason = outcome.cap_reason
    else:
        overall_grade, uncapped = overall.grade, overall.uncapped
        reason = _cap_reason(version, overall) if overall.capped else None
    return {
        "methods": {
            code: (
                {"grade": grades[code], "attempt": a.attempt, "retry": a.retry}
                if (a := counted.get(code))
                else NO_GRADE
            )
            for code in codes
        },
        "overall_grade": overall_grade,
        "uncapped_grade": uncapped,
        "capped": reason is not None,
        "cap_reason": reason,
        "status": status,
        "achievement_date": _iso(outcome.achievement_date) if confirmed else None,
        "epa_date": _iso(outcome.epa_date) if confirmed else None,
        "confirmed_by": (
            {"id": outcome.confirmed_by.id, "name": outcome.confirmed_by.name}
            if confirmed and outcome.confirmed_by
            else None
        ),
        "epa_round": apprentice.epa_round,
        "_last_held": last_held,
    }


def _cap_reason(version, overall) -> str:
    names = {m.code: m.name.lower() for m in version.methods}  # as the other refusals say them
    retries = [(names[code], retry) for code, retry in overall.capped_by]
    return cap_reason(retries, version.retry_grade_cap, overall.uncapped)


def outcome_public(apprentice: Apprentice) -> dict:
    summary = summarise(apprentice)
    summary.pop("_last_held")
    return summary


def _iso(day):
    return day.isoformat() if day else None


def confirm_outcome(apprentice: Apprentice, actor: User) -> dict:
    """Quality-assurance sign-off by someone other than the assessors."""
    if actor.role not in ("admin", "staff"):
        raise ServiceError("forbidden", "Assessors cannot sign outcomes off.", status=403)
    # Serialise with other sign-offs and with new bookings for this apprentice.
    lock_diaries(apprentice.id, [])
    db.session.refresh(apprentice)
    if apprentice.status == "withdrawn":
        raise ServiceError(
            "apprentice_withdrawn", "This apprentice has been withdrawn; there is no outcome."
        )
    summary = summarise(apprentice)
    if summary["status"] == "confirmed":
        raise ServiceError("already_confirmed", "This outcome is already confirmed.", status=409)
    if summary["status"] != "provisional":
        raise ServiceError(
            "outcome_incomplete",
            "Every method needs a submitted result, and no booked assessment may be ungraded, "
            "before the outcome can be confirmed.",
        )
    outcome = outcome_of(apprentice)
    if outcome is None:
        outcome = Outcome(apprentice_id=apprentice.id, epa_round=apprentice.epa_round)
        db.session.add(outcome)
    epa_date = london_date(summary["_last_held"].starts_at)
    grade = summary["overall_grade"]
    outcome.overall_grade = grade
    outcome.uncapped_grade = summary["uncapped_grade"]
    outcome.cap_reason = summary["cap_reason"]
    outcome.epa_date = epa_date
    outcome.achievement_date = epa_date if grade in PASSING else None
    outcome.confirmed_by_id = actor.id
    outcome.confirmed_at = clock.now()
    if grade in PASSING:
        record(
            "apprentice",
            apprentice.id,
            "complete",
            before={"status": apprentice.status},
            after={"status": "completed"},
        )
        apprentice.status = "completed"
    db.session.flush()
    record(
        "outcome",
        outcome.id,
        "confirm",
        after={
            "overall_grade": grade,
            "cap_reason": outcome.cap_reason,
            "epa_date": epa_date,
            "achievement_date": outcome.achievement_date,
        },
    )
    return outcome_public(apprentice)
