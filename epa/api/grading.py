"""Results, outcomes and their sign-off."""

from flask import g

from epa.api.contract import ADMIN, ALL, OFFICE, operation
from epa.api.requests import json_body
from epa.apprentices.services import get_apprentice
from epa.extensions import db
from epa.grading import outcomes, restart, services
from epa.grading.schemas import EpaRestart, Outcome, Result, ResultDraft, ResultReopen
from epa.scheduling.services import get_assessment

TAG = "Grading"
#: what every change to a result can meet: it has not been held, or was cancelled
NOT_NOW = ["assessment_not_held", "assessment_cancelled"]
LOCKED = {409: ["result_locked"]}
RESTART = (
    "Restart the whole EPA, with a reason: earlier assessments stay on record (counted: false) "
    "but no longer count for the outcome, retries, method_already_booked, attempt numbers or "
    "the time limit; bookings not yet held are cancelled; the outcome is incomplete again; a "
    "new EPA period (epa_round + 1) starts on today's London date"
)


def _result(assessment_id: int, change, command=None) -> Result:
    """Make one change to the assessment's result, commit it, and give the result as it is.

    The body is read once the caller may see the assessment, so an assessor who is not the
    booked one is told that (403) rather than what is wrong with what they sent."""
    assessment = get_assessment(assessment_id, g.actor)
    args = () if command is None else (command.read(json_body()),)
    change(assessment, *args, g.actor)
    db.session.commit()
    return services.result_of(assessment)


@operation("get", "/assessments/<id:assessment_id>/result", roles=ALL, tag=TAG, response=Result)
def get_result(assessment_id: int):
    """The result so far"""
    return services.result_of(get_assessment(assessment_id, g.actor))


@operation(
    "put",
    "/assessments/<id:assessment_id>/result",
    roles=("assessor",),
    tag=TAG,
    body=ResultDraft,
    read_body=False,
    response=Result,
    errors={**LOCKED, 422: ["unknown_criterion", *NOT_NOW]},
)
def save_result(assessment_id: int):
    """Save a draft result: judgements merged, null clears one (the booked assessor)"""
    return _result(assessment_id, services.save_draft, ResultDraft)


@operation(
    "post",
    "/assessments/<id:assessment_id>/result/submit",
    roles=("assessor",),
    tag=TAG,
    response=Result,
    errors={**LOCKED, 422: ["criteria_incomplete", *NOT_NOW]},
)
def submit_result(assessment_id: int):
    """Submit the result: every criterion judged; it is then locked"""
    return _result(assessment_id, services.submit_result)


@operation(
    "post",
    "/assessments/<id:assessment_id>/result/reopen",
    roles=ADMIN,
    tag=TAG,
    body=ResultReopen,
    read_body=False,
    response=Result,
    errors={409: ["result_not_submitted", "later_attempt_exists"]},
)
def reopen_result(assessment_id: int):
    """Reopen a submitted result, with a reason; the outcome is un-confirmed"""
    return _result(assessment_id, services.reopen_result, ResultReopen)


@operation("get", "/apprentices/<id:apprentice_id>/outcome", roles=ALL, tag=TAG, response=Outcome)
def get_outcome(apprentice_id: int):
    """Each method's latest submitted grade, the overall grade and the sign-off"""
    return outcomes.summarise(get_apprentice(apprentice_id, g.actor)).outcome


@operation(
    "post",
    "/apprentices/<id:apprentice_id>/outcome/confirm",
    roles=OFFICE,
    tag=TAG,
    response=Outcome,
    errors={409: ["already_confirmed"], 422: ["outcome_incomplete", "apprentice_withdrawn"]},
)
def confirm_outcome(apprentice_id: int):
    """Quality-assurance sign-off of a provisional outcome"""
    outcome = outcomes.confirm_outcome(get_apprentice(apprentice_id, g.actor), g.actor)
    db.session.commit()
    return outcome


@operation(
    "post",
    "/apprentices/<id:apprentice_id>/epa/restart",
    roles=ADMIN,
    tag=TAG,
    summary=RESTART,
    body=EpaRestart,
    response=Outcome,
    errors={409: ["apprentice_completed"], 422: ["gateway_not_passed", "apprentice_withdrawn"]},
)
def restart_epa(apprentice_id: int, body: EpaRestart):
    """Restart the apprentice's whole EPA, with a reason"""
    outcome = restart.restart_epa(get_apprentice(apprentice_id, g.actor), body, g.actor)
    db.session.commit()
    return outcome
