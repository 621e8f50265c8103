"""Booking, rescheduling and cancelling assessments: the rules (`checks`) applied to rows,
under locks."""

import secrets
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from epa import clock, validation
from epa.apprentices import signals as apprentice_signals
from epa.apprentices.models import Apprentice
from epa.apprentices.services import get_apprentice
from epa.audit.services import changes, record
from epa.auth.models import User
from epa.errors import NotFound, ServiceError
from epa.extensions import db
from epa.ops.metrics import BOOKINGS
from epa.rules.local_time import london_iso
from epa.scheduling.checks import check_booking, lock_diaries, refuse_by_earlier_attempts
from epa.scheduling.instants import read_instant
from epa.scheduling.models import Assessment, in_current_epa

RETRIES = ("resit", "retake")


def public(assessment: Assessment) -> dict:
    """An assessment as the API returns it."""
    return {
        "id": assessment.id,
        "apprentice_id": assessment.apprentice_id,
        "method": assessment.method.code,
        "assessor_id": assessment.assessor_id,
        "starts_at": london_iso(assessment.starts_at),
        "ends_at": london_iso(assessment.ends_at),
        "location": assessment.location,
        "status": assessment.status,
        "attempt": assessment.attempt,
        "retry": assessment.retry,
        "epa_round": assessment.epa_round,
        "counted": assessment.is_counted,
        "exceptional_circumstances": assessment.exceptional_circumstances,
        "backdated": assessment.is_backdated,
        "sequence": assessment.sequence,
        "cancel_reason": assessment.cancel_reason,
    }


def _assessor(assessor_id: int) -> User:
    assessor = db.session.get(User, assessor_id)
    if assessor is None or assessor.role != "assessor" or not assessor.is_enabled:
        raise ServiceError(
            "not_an_assessor",
            "Choose an assessor: that user is not an active assessor.",
            fields={"assessor_id": "Choose an active assessor"},
        )
    return assessor


def _method(apprentice: Apprentice, code):
    for method in apprentice.version.methods:
        if method.code == code:
            return method
    codes = ", ".join(m.code for m in apprentice.version.methods)
    raise ServiceError(
        "unknown_method",
        f"The apprentice's plan has no method {code!r}; choose one of: {codes}.",
        fields={"method": f"Choose one of: {codes}"},
    )


def _read_booking(data: dict):
    problems = validation.Problems()
    apprentice_id = validation.record_id(data, "apprentice_id", "apprentice", problems)
    method_code = validation.text(data, "method", "assessment method", problems, max_length=40)
    assessor_id = validation.record_id(data, "assessor_id", "assessor", problems)
    starts_at = read_instant(data, "starts_at", "start time", problems)
    location = validation.text(
        data, "location", "location", problems, required=False, max_length=500, one_line=False
    )
    retry = data.get("retry")
    if retry is not None and retry not in RETRIES:
        problems.add("retry", "A retry is either resit or retake")
    exceptional = validation.boolean(
        data, "exceptional_circumstances", "Exceptional circumstances", problems
    )
    backdated = validation.boolean(data, "backdated", "Backdated", problems)
    problems.raise_if_any()
    return (
        apprentice_id,
        method_code,
        assessor_id,
        starts_at,
        location,
        retry,
        exceptional,
        backdated,
    )


def _admin_only(actor: User, what: str) -> None:
    if actor.role != "admin":
        raise ServiceError("forbidden", f"Only an administrator may record {what}.", status=403)


def book_assessment(data: dict, actor: User) -> Assessment:
    """Book a method for an apprentice with an assessor, if every rule allows it."""
    (
        apprentice_id,
        method_code,
        assessor_id,
        starts_at,
        location,
        retry,
        exceptional,
        backdated,
    ) = _read_booking(data)
    if exceptional:
        _admin_only(actor, "exceptional circumstances")
    if backdated:
        _admin_only(actor, "an assessment already held")
    apprentice = get_apprentice(apprentice_id, actor)
    method = _method(apprentice, method_code)
    assessor = _assessor(assessor_id)
    refuse_by_earlier_attempts(apprentice, method, retry, starts_at)
    ends_at = check_booking(
        apprentice,
        assessor,
        method,
        starts_at,
        backdated=backdated,
        retry=retry is not None,
        exceptional=exceptional,
    )
    # Attempts are counted within the EPA: a restarted EPA starts again at attempt 1.
    attempt = 1 + db.session.scalar(
        select(func.count())
        .select_from(Assessment)
        .where(
            Assessment.apprentice_id == apprentice.id,
            in_current_epa(apprentice),
            Assessment.method_id == method.id,
            Assessment.status != "cancelled",
        )
    )
    assessment = Assessment(
        apprentice=apprentice,
        method=method,
        assessor=assessor,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        status="booked",
        epa_round=apprentice.epa_round,
        attempt=attempt,
        retry=retry,
        exceptional_circumstances=exceptional,
        is_backdated=backdated,
        sequence=0,
        calendar_uid=f"assessment-{secrets.token_hex(12)}@epa",
    )
    db.session.add(assessment)
    entered_epa = apprentice.status == "gateway_passed"
    if entered_epa:
        apprentice.status = "in_epa"
    if retry is not None:
        from epa.grading.services import unconfirm

        unconfirm(apprentice, reason=f"A {retry} of the {method.name.lower()} was booked")
    db.session.flush()
    BOOKINGS.inc()
    record(
        "assessment",
        assessment.id,
        "create",
        after=public(assessment),
        reason="Backdated: held before it was recorded" if backdated else None,
    )
    if entered_epa:  # a change of status like any other: who, when, and on what booking
        record(
            "apprentice",
            apprentice.id,
            "enter_epa",
            before={"status": "gateway_passed"},
            after={"status": "in_epa", "assessment_id": assessment.id},
        )
    return assessment


def lock_assessment(assessment: Assessment) -> None:
    """Hold the booking's apprentice and assessor locks, then read the booking afresh, so two
    changes to it (or a change and a cancellation) happen one after the other. A booking with
    a submitted result is settled: an administrator must reopen the result first."""
    lock_diaries(assessment.apprentice_id, [assessment.assessor_id])
    db.session.refresh(assessment)
    from epa.grading.models import Result

    submitted = db.session.scalar(
        select(Result.id).where(Result.assessment_id == assessment.id, Result.is_submitted)
    )
    if submitted is not None:
        raise ServiceError(
            "result_submitted",
            "This assessment has a submitted result, so it cannot be moved or cancelled; an "
            "administrator can reopen the result first.",
            status=409,
        )


def _refuse_earlier_epa(assessment: Assessment) -> None:
    if not assessment.is_counted:
        raise ServiceError(
            "earlier_epa",
            "This assessment belongs to an earlier EPA, which was restarted: it stays on record "
            "as it is. Book the method in the current EPA instead.",
            status=409,
        )


def reschedule_assessment(assessment: Assessment, data: dict, actor: User) -> Assessment:
    """Move an assessment in time or to another assessor, or change its location."""
    lock_assessment(assessment)
    if assessment.status == "cancelled":
        raise ServiceError(
            "assessment_cancelled", "This assessment has been cancelled; book a new one."
        )
    _refuse_earlier_epa(assessment)
    problems = validation.Problems()
    starts_at = assessment.starts_at
    if "starts_at" in data:
        starts_at = read_instant(data, "starts_at", "start time", problems)
    assessor_id = assessment.assessor_id
    if "assessor_id" in data:
        assessor_id = validation.record_id(data, "assessor_id", "assessor", problems)
    location = assessment.location
    if "location" in data:
        location = validation.text(
            data,
            "location",
            "location",
            problems,
            required=False,
            max_length=500,
            one_line=False,
        )
    # An administrator may record exceptional circumstances on a move, as on a booking: the
    # move may then pass the time limit (and the retry cap no longer applies to it).
    asked = validation.boolean(
        data, "exceptional_circumstances", "Exceptional circumstances", problems
    )
    exceptional = assessment.exceptional_circumstances or asked
    problems.raise_if_any()
    if exceptional and not assessment.exceptional_circumstances:
        _admin_only(actor, "exceptional circumstances")
    before = public(assessment)
    moved = starts_at != assessment.starts_at or assessor_id != assessment.assessor_id
    if moved:
        assessor = _assessor(assessor_id)
        if assessment.retry is not None and starts_at != assessment.starts_at:
            refuse_by_earlier_attempts(
                assessment.apprentice,
                assessment.method,
                assessment.retry,
                starts_at,
                exclude_id=assessment.id,
            )
        assessment.ends_at = check_booking(
            assessment.apprentice,
            assessor,
            assessment.method,
            starts_at,
            backdated=False,
            retry=assessment.retry is not None,
            exceptional=exceptional,
            exclude_id=assessment.id,
            # A new assessor at the same time (say, for one who is ill) needs no fresh notice.
            notice=starts_at != assessment.starts_at,
        )
        assessment.starts_at = starts_at
        assessment.assessor = assessor
        assessment.assessor_id = assessor.id  # public() reads the column before any flush
    assessment.location = location
    assessment.exceptional_circumstances = exceptional
    old, new = changes(before, public(assessment))
    if new:
        assessment.sequence += 1
        db.session.flush()
        old, new = changes(before, public(assessment))
        record("assessment", assessment.id, "update", before=old, after=new)
    return assessment


def cancel_assessment(assessment: Assessment, data: dict) -> Assessment:
    """Cancel with a reason; the calendar event is withdrawn from the assessor's diary."""
    lock_assessment(assessment)
    if assessment.status == "cancelled":
        raise ServiceError("already_cancelled", "This assessment is already cancelled.", status=409)
    _refuse_earlier_epa(assessment)
    problems = validation.Problems()
    reason = validation.reason(data, problems, what="cancelling")
    problems.raise_if_any()
    _cancel(assessment, reason)
    return assessment


def _cancel(assessment: Assessment, reason: str) -> None:
    assessment.status = "cancelled"
    assessment.cancel_reason = reason
    assessment.cancelled_at = clock.now()
    assessment.sequence += 1
    db.session.flush()
    record(
        "assessment",
        assessment.id,
        "cancel",
        before={"status": "booked"},
        after={"status": "cancelled", "sequence": assessment.sequence},
        reason=reason,
    )


def future_bookings(apprentice: Apprentice):
    """A query of the apprentice's bookings that have not started."""
    return select(Assessment).where(
        Assessment.apprentice_id == apprentice.id,
        Assessment.status == "booked",
        Assessment.starts_at > clock.now(),
    )


def cancel_future_bookings(apprentice: Apprentice, reason: str) -> list[Assessment]:
    """Cancel the apprentice's bookings that have not started (on withdrawal, on a restart)."""
    future = db.session.scalars(future_bookings(apprentice)).all()
    from epa.scheduling.invites import queue_invitations

    for assessment in future:
        _cancel(assessment, reason)
        queue_invitations(assessment)
    return list(future)


@apprentice_signals.withdrawn.connect
def cancel_on_withdrawal(apprentice: Apprentice, *, reason: str) -> None:
    """A withdrawn apprentice's bookings that have not started are cancelled, with the reason."""
    cancel_future_bookings(apprentice, f"The apprentice was withdrawn: {reason}")


def visible_assessments(user: User):
    """A query of the assessments the user may see: assessors only their own."""
    query = select(Assessment)
    if user.role == "assessor":
        query = query.where(Assessment.assessor_id == user.id)
    return query


def get_assessment(assessment_id: int, user: User) -> Assessment:
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFound("assessment")
    if user.role == "assessor" and assessment.assessor_id != user.id:
        raise ServiceError(
            "forbidden", "Assessors see only the assessments booked with them.", status=403
        )
    return assessment


def search_assessments(user: User, args) -> object:
    """Filter by assessor, apprentice, London dates (inclusive) and status, soonest first."""
    problems = validation.Problems()
    query = visible_assessments(user)
    for field, column, label in (
        ("assessor_id", Assessment.assessor_id, "assessor"),
        ("apprentice_id", Assessment.apprentice_id, "apprentice"),
    ):
        if args.get(field):
            value = validation.record_id(args, field, label, problems)
            if value is not None:
                query = query.where(column == value)
    start = validation.a_date(args, "from", "from date", problems, required=False)
    end = validation.a_date(args, "to", "to date", problems, required=False)
    status = args.get("status")
    if status and status not in ("booked", "cancelled"):
        problems.add("status", "The status must be booked or cancelled")
    problems.raise_if_any()
    from epa.rules.local_time import LONDON

    if start:
        query = query.where(Assessment.starts_at >= _midnight(start, LONDON))
    if end:
        query = query.where(Assessment.starts_at < _midnight(end + timedelta(days=1), LONDON))
    if status:
        query = query.where(Assessment.status == status)
    # public() says whether each counts, which needs its apprentice's round: one query a page.
    query = query.options(selectinload(Assessment.apprentice))
    return query.order_by(Assessment.starts_at, Assessment.id)


def _midnight(day, zone):
    from datetime import datetime, time

    return datetime.combine(day, time(0), zone)
