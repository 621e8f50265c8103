"""Results, outcomes and their sign-off."""

from flask import g, jsonify

from epa.api import bp
from epa.api.auth import roles
from epa.api.requests import json_body
from epa.apprentices.services import get_apprentice
from epa.extensions import db
from epa.grading import restart, services
from epa.scheduling.services import get_assessment

ALL = ("admin", "staff", "assessor")


@bp.get("/assessments/<id:assessment_id>/result")
@roles(*ALL)
def get_result(assessment_id: int):
    """The result so far: judgements, comments, the grade that follows, whether submitted."""
    return jsonify(services.result_public(get_assessment(assessment_id, g.actor)))


@bp.put("/assessments/<id:assessment_id>/result")
@roles("assessor")
def save_result(assessment_id: int):
    """Save a draft: the judgements sent are merged (null clears one)."""
    assessment = get_assessment(assessment_id, g.actor)
    services.save_draft(assessment, json_body(), g.actor)
    db.session.commit()
    body = services.result_public(assessment)
    return jsonify({"method_grade": body["method_grade"], "submitted": False, **body})


@bp.post("/assessments/<id:assessment_id>/result/submit")
@roles("assessor")
def submit_result(assessment_id: int):
    """Submit: every criterion judged; the result is locked and the grade follows."""
    assessment = get_assessment(assessment_id, g.actor)
    services.submit_result(assessment, g.actor)
    db.session.commit()
    return jsonify(services.result_public(assessment))


@bp.post("/assessments/<id:assessment_id>/result/reopen")
@roles("admin")
def reopen_result(assessment_id: int):
    """Unlock a submitted result, with a reason; the outcome is no longer confirmed."""
    assessment = get_assessment(assessment_id, g.actor)
    services.reopen_result(assessment, json_body(), g.actor)
    db.session.commit()
    return jsonify(services.result_public(assessment))


@bp.get("/apprentices/<id:apprentice_id>/outcome")
@roles(*ALL)
def get_outcome(apprentice_id: int):
    """Each method's grade, the overall grade and whether it is signed off."""
    return jsonify(services.outcome_public(get_apprentice(apprentice_id, g.actor)))


@bp.post("/apprentices/<id:apprentice_id>/outcome/confirm")
@roles("admin", "staff")
def confirm_outcome(apprentice_id: int):
    """Quality-assurance sign-off of a provisional outcome."""
    apprentice = get_apprentice(apprentice_id, g.actor)
    body = services.confirm_outcome(apprentice, g.actor)
    db.session.commit()
    return jsonify(body)


@bp.post("/apprentices/<id:apprentice_id>/epa/restart")
@roles("admin")
def restart_epa(apprentice_id: int):
    """Restart the whole EPA, with a reason: earlier attempts stay on record but no longer
    count; bookings not yet held are cancelled (invitations withdrawn after the commit)."""
    apprentice = get_apprentice(apprentice_id, g.actor)
    body = restart.restart_epa(apprentice, json_body(), g.actor)
    db.session.commit()
    return jsonify(body)
