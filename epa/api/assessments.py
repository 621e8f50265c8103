"""Assessments: booking, rescheduling, cancelling, listing, and each booking's invite file.

The services queue the calendar invitations with each change; they go out once it commits.
"""

from flask import g, jsonify

from epa.api.contract import ALL, OFFICE, operation
from epa.extensions import db
from epa.scheduling import services
from epa.scheduling.checks import RETRY_CODES
from epa.scheduling.invites import invite_response
from epa.scheduling.refusals import CONFLICTS, TIME_REFUSALS
from epa.scheduling.schemas import (
    Assessment,
    AssessmentFilter,
    Booking,
    BookingCancellation,
    BookingChange,
)

TAG = "Assessments"
#: What refuses a booking, by the status it is refused with.
BOOKING_ERRORS = {
    404: ["not_found"],  # no such apprentice
    409: [*CONFLICTS, "earlier_epa", "version_changed"],
    422: ["unknown_method", "not_an_assessor", *TIME_REFUSALS, "invalid_local_time", *RETRY_CODES],
}
#: What refuses a move. Its method stays; its apprentice has passed gateway; a move is never
#: backdated; a retry's move is checked against the fail it follows, so needs no retry of its own.
_NEVER_ON_A_MOVE = {"unknown_method", "gateway_not_passed", "backdated_not_held", "retry_required"}
MOVE_ERRORS = {
    409: [*BOOKING_ERRORS[409], "result_submitted"],
    422: [
        *(code for code in BOOKING_ERRORS[422] if code not in _NEVER_ON_A_MOVE),
        "assessment_cancelled",
    ],
}


@operation(
    "post",
    "/assessments",
    roles=OFFICE,
    tag=TAG,
    body=Booking,
    response=Assessment,
    status=201,
    errors=BOOKING_ERRORS,
)
def create_assessment(body: Booking):
    """Book an assessment method with an assessor"""
    assessment = services.book_assessment(body, g.actor)
    # Shaped before the commit, which would otherwise have every row it names read again.
    reply = jsonify(Assessment.of(assessment))
    db.session.commit()
    reply.status_code = 201
    return reply


@operation(
    "get",
    "/assessments",
    roles=ALL,
    tag=TAG,
    query=AssessmentFilter,
    response=Assessment,
    page=True,
    errors={422: ["invalid_date"]},
)
def list_assessments(query: AssessmentFilter):
    """Assessments by start time; assessors see only their own"""
    return services.search_assessments(g.actor, query)


@operation("get", "/assessments/<id:assessment_id>", roles=ALL, tag=TAG, response=Assessment)
def get_assessment(assessment_id: int):
    """One assessment"""
    return services.get_assessment(assessment_id, g.actor)


@operation(
    "patch",
    "/assessments/<id:assessment_id>",
    roles=OFFICE,
    tag=TAG,
    body=BookingChange,
    response=Assessment,
    errors=MOVE_ERRORS,
)
def reschedule_assessment(assessment_id: int, body: BookingChange):
    """Reschedule: a new time, assessor or location; the sequence rises"""
    assessment = services.get_assessment(assessment_id, g.actor)
    services.reschedule_assessment(assessment, body, g.actor)
    db.session.commit()
    return assessment


@operation(
    "post",
    "/assessments/<id:assessment_id>/cancel",
    roles=OFFICE,
    tag=TAG,
    body=BookingCancellation,
    response=Assessment,
    errors={409: ["already_cancelled", "result_submitted", "earlier_epa"]},
)
def cancel_assessment(assessment_id: int, body: BookingCancellation):
    """Cancel an assessment with a reason; the sequence rises"""
    assessment = services.get_assessment(assessment_id, g.actor)
    services.cancel_assessment(assessment, body)
    db.session.commit()
    return assessment


@operation(
    "get",
    "/assessments/<id:assessment_id>/invite.ics",
    roles=ALL,
    tag=TAG,
    content="text/calendar",
)
def assessment_invite(assessment_id: int):
    """The booking's calendar file (METHOD:REQUEST, or METHOD:CANCEL once cancelled)"""
    return invite_response(services.get_assessment(assessment_id, g.actor))
