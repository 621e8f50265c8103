"""Booking, rescheduling and cancelling assessments: the rules (`checks`) applied to rows,
under locks."""

import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from epa import clock
from epa.apprentices import signals as apprentice_signals
from epa.apprentices.models import Apprentice
from epa.apprentices.services import get_apprentice
from epa.audit.services import changes, record
from epa.auth.models import User
from epa.errors import NotFound, ServiceError
from epa.extensions import db
from epa.grading.models import Result
from epa.grading.services import unconfirm
from epa.ops.metrics import BOOKINGS
from epa.persistence import lock_diaries
from epa.scheduling.checks import (
    check_booking,
    locks_rows,
    read_for_booking,
    refuse_by_earlier_attempts,
)
from epa.scheduling.instants import midnight
from epa.scheduling.invites import queue_invitations
from epa.scheduling.models import Assessment, AssessmentStatus
from epa.scheduling.schemas import Assessment as AssessmentShape
from epa.scheduling.schemas import AssessmentFilter, Booking, BookingCancellation, BookingChange
from epa.scheduling.sittings import Sittings

BOOKED, CANCELLED = AssessmentStatus.BOOKED, AssessmentStatus.CANCELLED


def active_assessor(assessor_id: int) -> User:
    assessor = db.session.get(User, assessor_id)
    if assessor is None or assessor.role != "assessor" or not assessor.is_enabled:
        raise ServiceError(
            "not_an_assessor",
            "Choose an assessor: that user is not an active assessor.",
            fields={"assessor_id": "Choose an active assessor"},
        )
    return assessor


def method_of(apprentice: Apprentice, code):
    for method in apprentice.version.methods:
        if method.code == code:
            return method
    codes = ", ".join(m.code for m in apprentice.version.methods)
    raise ServiceError(
        "unknown_method",
        f"The apprentice's plan has no method {code!r}; choose one of: {codes}.",
        fields={"method": f"Choose one of: {codes}"},
    )


def _admin_only(actor: User, what: str) -> None:
    if actor.role != "admin":
        raise ServiceError("forbidden", f"Only an administrator may record {what}.", status=403)


def book_assessment(booking: Booking, actor: User) -> Assessment:
    """Book a method for an apprentice with an assessor, if every rule allows it; the
    invitations are queued with the booking."""
    if booking.exceptional_circumstances:
        _admin_only(actor, "exceptional circumstances")
    if booking.backdated:
        _admin_only(actor, "an assessment already held")
    # One query for the apprentice (with its plan) and the assessor, held so that the reads
    # below, which check each as before, find them in the session; on PostgreSQL it takes the
    # apprentice's lock, so the apprentice and its sittings are read once, not again under it.
    locked = locks_rows()
    held = read_for_booking(booking.apprentice_id, booking.assessor_id, lock=locked)  # noqa: F841
    apprentice = get_apprentice(booking.apprentice_id, actor)
    method = method_of(apprentice, booking.method)
    assessor = active_assessor(booking.assessor_id)
    retry = booking.retry
    sittings = Sittings(apprentice)
    refuse_by_earlier_attempts(apprentice, method, retry, booking.starts_at, sittings=sittings)
    ends_at = check_booking(
        apprentice,
        assessor,
        method,
        booking.starts_at,
        backdated=booking.backdated,
        retry=retry is not None,
        exceptional=booking.exceptional_circumstances,
        sittings=sittings,
        apprentice_locked=locked,
    )
    # Attempts are counted within the EPA (of the sittings read under the locks): a restarted
    # EPA starts again at attempt 1.
    attempt = 1 + sittings.attempts(method.id)
    assessment = Assessment(
        apprentice=apprentice,
        method=method,
        assessor=assessor,
        starts_at=booking.starts_at,
        ends_at=ends_at,
        location=booking.location,
        status=BOOKED,
        epa_round=apprentice.epa_round,
        attempt=attempt,
        retry=retry,
        exceptional_circumstances=booking.exceptional_circumstances,
        is_backdated=booking.backdated,
        sequence=0,
        calendar_uid=f"assessment-{secrets.token_hex(12)}@epa",
    )
    db.session.add(assessment)
    entered_epa = apprentice.status == "gateway_passed"
    if entered_epa:
        apprentice.status = "in_epa"
    if retry is not None:
        unconfirm(apprentice, reason=f"A {retry} of the {method.name.lower()} was booked")
    db.session.flush()
    BOOKINGS.inc()
    record(
        "assessment",
        assessment.id,
        "create",
        after=AssessmentShape.of(assessment),
        reason="Backdated: held before it was recorded" if booking.backdated else None,
    )
    if entered_epa:  # a change of status like any other: who, when, and on what booking
        record(
            "apprentice",
            apprentice.id,
            "enter_epa",
            before={"status": "gateway_passed"},
            after={"status": "in_epa", "assessment_id": assessment.id},
        )
    queue_invitations(assessment)
    return assessment


def lock_assessment(assessment: Assessment, also: tuple[int, ...] = ()) -> None:
    """Hold the booking's apprentice and assessor locks (and those of the assessors `also`
    names, a move's new one: all at once, in the one order every change takes them), then read
    the booking afresh, so two changes to it (or a change and a cancellation) happen one after
    the other. A booking with a submitted result is settled: an administrator must reopen the
    result first."""
    lock_diaries(assessment.apprentice_id, [assessment.assessor_id, *also])
    db.session.refresh(assessment)
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


def _lock_open_booking(
    assessment: Assessment, *, cancelled: ServiceError, also: tuple[int, ...] = ()
) -> None:
    """Lock the booking (and `also`'s assessors), then refuse a change to one cancelled
    (`cancelled`) or of an EPA since restarted, which stays on record as it is."""
    lock_assessment(assessment, also)
    if assessment.status == CANCELLED:
        raise cancelled
    if not assessment.is_counted:
        raise ServiceError(
            "earlier_epa",
            "This assessment belongs to an earlier EPA, which was restarted: it stays on record "
            "as it is. Book the method in the current EPA instead.",
            status=409,
        )


def reschedule_assessment(assessment: Assessment, change: BookingChange, actor: User) -> Assessment:
    """Move an assessment in time or to another assessor, or change its location; a change
    raises the sequence and queues the invitations (and the previous assessor's cancellation)."""
    asked = change.given()
    _lock_open_booking(
        assessment,
        cancelled=ServiceError(
            "assessment_cancelled", "This assessment has been cancelled; book a new one."
        ),
        # A new assessor is locked with the rest, not later: taken afterwards, a lower id than
        # the old assessor's would be taken out of order, and could wait on a plan being booked.
        also=(asked["assessor_id"],) if "assessor_id" in asked else (),
    )
    starts_at = asked.get("starts_at", assessment.starts_at)
    assessor_id = asked.get("assessor_id", assessment.assessor_id)
    # An administrator may record exceptional circumstances on a move, as on a booking: the
    # move may then pass the time limit (and the retry cap no longer applies to it).
    exceptional = assessment.exceptional_circumstances or change.exceptional_circumstances
    if exceptional and not assessment.exceptional_circumstances:
        _admin_only(actor, "exceptional circumstances")
    before = AssessmentShape.of(assessment)
    previous = assessment.assessor
    if starts_at != assessment.starts_at or assessor_id != assessment.assessor_id:
        _move(assessment, starts_at, active_assessor(assessor_id), exceptional=exceptional)
    assessment.location = asked.get("location", assessment.location)
    assessment.exceptional_circumstances = exceptional
    if changes(before, AssessmentShape.of(assessment))[1]:
        assessment.sequence += 1
        db.session.flush()
        old, new = changes(before, AssessmentShape.of(assessment))
        record("assessment", assessment.id, "update", before=old, after=new)
        queue_invitations(assessment, previous_assessor=previous)
    return assessment


def _move(assessment: Assessment, starts_at, assessor: User, *, exceptional: bool) -> None:
    """Give the booking its new time or assessor, if every rule allows it."""
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
    assessment.assessor_id = assessor.id  # the snapshot reads the column before any flush


def cancel_assessment(assessment: Assessment, cancellation: BookingCancellation) -> Assessment:
    """Cancel with a reason; the calendar event is withdrawn from the assessor's diary."""
    _lock_open_booking(
        assessment,
        cancelled=ServiceError(
            "already_cancelled", "This assessment is already cancelled.", status=409
        ),
    )
    _cancel(assessment, cancellation.reason)
    return assessment


def _cancel(assessment: Assessment, reason: str) -> None:
    """Cancel, record why, and queue the cancellations to the assessor and the apprentice."""
    assessment.status = CANCELLED
    assessment.cancel_reason = reason
    assessment.cancelled_at = clock.now()
    assessment.sequence += 1
    db.session.flush()
    record(
        "assessment",
        assessment.id,
        "cancel",
        before={"status": BOOKED},
        after={"status": CANCELLED, "sequence": assessment.sequence},
        reason=reason,
    )
    queue_invitations(assessment)


def future_bookings(apprentice: Apprentice):
    """A query of the apprentice's bookings that have not started."""
    return select(Assessment).where(
        Assessment.apprentice_id == apprentice.id,
        Assessment.status == BOOKED,
        Assessment.starts_at > clock.now(),
    )


def cancel_future_bookings(apprentice: Apprentice, reason: str) -> list[Assessment]:
    """Cancel the apprentice's bookings that have not started (on withdrawal, on a restart)."""
    future = db.session.scalars(future_bookings(apprentice)).all()
    for assessment in future:
        _cancel(assessment, reason)
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


def search_assessments(user: User, filters: AssessmentFilter):
    """A query of the assessments the user may see that pass the filters, soonest first."""
    query = visible_assessments(user)
    if filters.assessor_id is not None:
        query = query.where(Assessment.assessor_id == filters.assessor_id)
    if filters.apprentice_id is not None:
        query = query.where(Assessment.apprentice_id == filters.apprentice_id)
    if filters.from_ is not None:
        query = query.where(Assessment.starts_at >= midnight(filters.from_))
    if filters.to is not None:
        query = query.where(Assessment.starts_at < midnight(filters.to + timedelta(days=1)))
    if filters.status is not None:
        query = query.where(Assessment.status == filters.status)
    # The shape says whether each counts, which needs its apprentice's round: one query a page.
    query = query.options(selectinload(Assessment.apprentice))
    return query.order_by(Assessment.starts_at, Assessment.id)
