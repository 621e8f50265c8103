"""Assessments: booking, rescheduling, cancelling, listing, and each booking's invite file."""

from flask import Response, g, jsonify, request

from epa.api import bp
from epa.api.auth import roles
from epa.api.requests import json_body, paginate
from epa.extensions import db
from epa.scheduling import services
from epa.scheduling.invites import invite_file, queue_invitations

OFFICE = ("admin", "staff")
ALL = ("admin", "staff", "assessor")


def _commit_and_send(assessment, **kwargs) -> None:
    """Queue the invitations with the change and commit; they are sent after the request
    (epa.mail.sending.init_app), so a mail failure loses nothing."""
    queue_invitations(assessment, **kwargs)
    db.session.commit()


@bp.post("/assessments")
@roles(*OFFICE)
def create_assessment():
    """Book an assessment method for an apprentice with an assessor."""
    assessment = services.book_assessment(json_body(), g.actor)
    _commit_and_send(assessment)
    return jsonify(services.public(assessment)), 201


@bp.get("/assessments")
@roles(*ALL)
def list_assessments():
    """Assessments by time; assessors see only their own."""
    query = services.search_assessments(g.actor, request.args)
    return jsonify(paginate(query, services.public))


@bp.get("/assessments/<id:assessment_id>")
@roles(*ALL)
def get_assessment(assessment_id: int):
    """One assessment."""
    return jsonify(services.public(services.get_assessment(assessment_id, g.actor)))


@bp.patch("/assessments/<id:assessment_id>")
@roles(*OFFICE)
def reschedule_assessment(assessment_id: int):
    """Move an assessment, change its assessor or its location; the sequence rises."""
    assessment = services.get_assessment(assessment_id, g.actor)
    previous = assessment.assessor
    sequence = assessment.sequence
    services.reschedule_assessment(assessment, json_body(), g.actor)
    if assessment.sequence != sequence:
        _commit_and_send(assessment, previous_assessor=previous)
    return jsonify(services.public(assessment))


@bp.post("/assessments/<id:assessment_id>/cancel")
@roles(*OFFICE)
def cancel_assessment(assessment_id: int):
    """Cancel an assessment with a reason."""
    assessment = services.get_assessment(assessment_id, g.actor)
    services.cancel_assessment(assessment, json_body())
    _commit_and_send(assessment)
    return jsonify(services.public(assessment))


@bp.get("/assessments/<id:assessment_id>/invite.ics")
@roles(*ALL)
def assessment_invite(assessment_id: int):
    """The booking's calendar file: a request while booked, a cancellation once cancelled."""
    assessment = services.get_assessment(assessment_id, g.actor)
    method = "CANCEL" if assessment.status == "cancelled" else "REQUEST"
    return Response(
        invite_file(assessment),
        content_type=f"text/calendar; charset=utf-8; method={method}",
        headers={"Content-Disposition": f'attachment; filename="assessment-{assessment.id}.ics"'},
    )
