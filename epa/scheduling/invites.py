"""Turning a booking into calendar files and invitation emails (queued, sent after commit)."""

from dataclasses import replace
from datetime import datetime
from typing import NamedTuple

from flask import Response, current_app

from epa.extensions import db
from epa.mail.outbox import queue_message
from epa.rules.local_time import LONDON
from epa.scheduling.calendar_files import CalendarEvent, feed_ics, invite_ics
from epa.scheduling.models import Assessment, AssessmentStatus


class _Recipient(NamedTuple):
    email: str
    name: str


class EventFacts(NamedTuple):
    """What a booking's calendar event says, as plain values: the feed reads them as columns
    (hundreds of bookings at once), an invitation from the booking's rows."""

    calendar_uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    location: str | None
    status: str
    cancel_reason: str | None
    attempt: int
    changed_at: datetime
    method_name: str
    duration_minutes: int
    apprentice_name: str
    standard_reference: str
    standard_title: str
    version: str
    employer_name: str


def _facts(assessment: Assessment) -> EventFacts:
    apprentice = assessment.apprentice
    method = assessment.method
    return EventFacts(
        calendar_uid=assessment.calendar_uid,
        sequence=assessment.sequence,
        starts_at=assessment.starts_at,
        ends_at=assessment.ends_at,
        location=assessment.location,
        status=assessment.status,
        cancel_reason=assessment.cancel_reason,
        attempt=assessment.attempt,
        changed_at=assessment.updated_at or assessment.created_at,
        method_name=method.name,
        duration_minutes=method.duration_minutes,
        apprentice_name=apprentice.full_name,
        standard_reference=apprentice.standard.reference,
        standard_title=apprentice.standard.title,
        version=apprentice.version.version,
        employer_name=apprentice.employer.name,
    )


def calendar_event(assessment: Assessment) -> CalendarEvent:
    """The booking as a calendar event. No date of birth or email of the apprentice goes in."""
    return event_of(_facts(assessment), assessment.assessor.name, assessment.assessor.email)


def event_of(facts: EventFacts, assessor_name: str, assessor_email: str) -> CalendarEvent:
    """A booking's calendar event, from what it says."""
    attempt = f", attempt {facts.attempt}" if facts.attempt > 1 else ""
    description = "\n".join(
        [
            f"{facts.method_name} ({facts.duration_minutes} minutes){attempt}",
            f"Apprentice: {facts.apprentice_name}",
            f"Standard: {facts.standard_reference} {facts.standard_title}, version {facts.version}",
            f"Employer: {facts.employer_name}",
        ]
        + ([f"Cancelled: {facts.cancel_reason}"] if facts.cancel_reason else [])
    )
    config = current_app.config
    return CalendarEvent(
        uid=facts.calendar_uid,
        sequence=facts.sequence,
        starts_at=facts.starts_at,
        ends_at=facts.ends_at,
        summary=f"EPA {facts.method_name.lower()}: {facts.apprentice_name} "
        f"({facts.standard_reference})",
        description=description,
        location=facts.location,
        organiser_name=config["EPAO_NAME"],
        organiser_email=config["MAIL_SENDER"],
        attendee_name=assessor_name,
        attendee_email=assessor_email,
        cancelled=facts.status == AssessmentStatus.CANCELLED,
        changed_at=facts.changed_at,
    )


def _method(assessment: Assessment) -> str:
    """The iTIP method of the booking's calendar file: an invitation, or its cancellation."""
    return "CANCEL" if assessment.status == AssessmentStatus.CANCELLED else "REQUEST"


def invite_file(assessment: Assessment) -> bytes:
    return invite_ics(calendar_event(assessment))


def invite_response(assessment: Assessment) -> Response:
    """The booking's calendar file, to download (pages and API alike)."""
    return Response(
        invite_file(assessment),
        content_type=f"text/calendar; charset=utf-8; method={_method(assessment)}",
        headers={"Content-Disposition": f'attachment; filename="assessment-{assessment.id}.ics"'},
    )


def feed_file(assessor, bookings: list[EventFacts]) -> bytes:
    return feed_ics(
        [event_of(facts, assessor.name, assessor.email) for facts in bookings],
        name=f"{current_app.config['EPAO_NAME']}: {assessor.name}'s assessments",
    )


def queue_invitations(assessment: Assessment, *, previous_assessor=None) -> list[int]:
    """Queue the invite (or cancellation) for the assessor and, when known, the apprentice.

    A booking moved to another assessor also sends the previous one a cancellation.
    They go out once the request's change has committed (`epa.mail.sending.init_app`), so a
    mail failure loses nothing. Returns the outbox ids.
    """
    if assessment.is_backdated:
        return []  # a record of a sitting already held: no invitation to send

    ics = invite_file(assessment)
    method = _method(assessment)
    apprentice = assessment.apprentice
    what = assessment.method.name.lower()
    when = assessment.starts_at.astimezone(LONDON).strftime("%A %-d %B %Y at %H:%M")
    verb = {"REQUEST": "booked" if assessment.sequence == 0 else "changed", "CANCEL": "cancelled"}[
        method
    ]
    subject = f"EPA {what} {verb}: {apprentice.full_name}, {when}"
    body = (
        f"The {what} for {apprentice.full_name} on {when} (UK time) has been {verb}.\n"
        + (f"Location: {assessment.location}\n" if assessment.location else "")
        + (f"Reason: {assessment.cancel_reason}\n" if assessment.cancel_reason else "")
        + "\nThe calendar invitation is attached."
    )
    recipients = [assessment.assessor]
    if apprentice.email:
        recipients.append(_Recipient(apprentice.email, apprentice.full_name))
    letters = [(to, subject, body, ics, method) for to in recipients]
    if previous_assessor is not None and previous_assessor.id != assessment.assessor_id:
        withdrawn = replace(
            calendar_event(assessment),
            cancelled=True,
            attendee_name=previous_assessor.name,
            attendee_email=previous_assessor.email,
        )
        letters.append(
            (
                previous_assessor,
                f"EPA {what} moved to another assessor: {apprentice.full_name}",
                f"The {what} for {apprentice.full_name} is now with another assessor.",
                invite_ics(withdrawn),
                "CANCEL",
            )
        )
    messages = [
        queue_message(
            to_address=to.email,
            to_name=to.name,
            subject=subject,
            body=body,
            ics=ics,
            ics_method=method,
            assessment_id=assessment.id,
        )
        for to, subject, body, ics, method in letters
    ]
    db.session.flush()
    return [m.id for m in messages]
