"""Demonstration apprentices who have been assessed: one signed off, one awaiting sign-off, one
awaiting sign-off with the EPA grade capped after a resit, and one whose EPA was restarted; and
the gateway evidence every demonstration story starts from."""

from datetime import timedelta

from epa.gateway.schemas import GatewayAttemptNew
from epa.gateway.services import record_gateway
from epa.grading.restart import restart_epa
from epa.grading.schemas import EpaRestart, ResultDraft
from epa.grading.services import confirm_outcome, save_draft, submit_result
from epa.rules.scheduling import is_working_day
from epa.scheduling.schemas import Booking
from epa.scheduling.services import book_assessment

#: Evidence that meets every gateway requirement; each story spoils it in its own way.
READY = {
    "english": "level2",
    "maths": "level2",
    "employer_confirmed": True,
    "provider_confirmed": True,
    "project_summary_submitted": True,
}


def record_attempt(apprentice, **evidence) -> None:
    """A gateway attempt with the evidence READY holds, but for what the story changes."""
    record_gateway(apprentice, GatewayAttemptNew(**{**READY, **evidence}))


def _working_day_from(day):
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _sit(apprentice, admin, gateway, sittings) -> None:
    """Record each (method, days after gateway, assessor, hour, retry, grade) as held on that
    working day (backdated), and its result as judged to give that grade."""
    for method, days, assessor, hour, retry, grade in sittings:
        day = _working_day_from(gateway + timedelta(days=days))
        booking = {
            "apprentice_id": apprentice.id,
            "method": method,
            "assessor_id": assessor.id,
            "starts_at": f"{day.isoformat()}T{hour:02d}:00",
            "location": "Employer site",
            "backdated": True,
            "retry": retry,
        }
        assessment = book_assessment(Booking.read(booking), admin)
        criteria = assessment.method.criteria
        failed = next(c.code for c in criteria if c.grade == "pass") if grade == "fail" else None
        judgements = {
            c.code: c.code != failed and (c.grade == "pass" or grade == "distinction")
            for c in criteria
        }
        draft = ResultDraft(criteria=judgements, comments="Demonstration result.")
        save_draft(assessment, draft, assessor)
        submit_result(assessment, assessor)


def assess(
    apprentice, today, assessors, admin, *, distinction: set[str], confirm: bool, hour: int
) -> None:
    """Gateway five months ago, both methods held and graded since, signed off if asked."""
    gateway = today - timedelta(days=150)
    record_attempt(apprentice, gateway_date=gateway)
    grade = {m: "distinction" if m in distinction else "pass" for m in ("discussion", "project")}
    _sit(
        apprentice,
        admin,
        gateway,
        [
            ("discussion", 10, assessors[0], hour, None, grade["discussion"]),
            ("project", 91, assessors[1], hour, None, grade["project"]),
        ],
    )
    if confirm:
        confirm_outcome(apprentice, admin)


def resit_capped(apprentice, today, assessors, admin) -> None:
    """Discussion passed, project failed and resat three weeks later, judged distinction: the
    outcome awaits sign-off as a Pass, capped (Merit without the cap). Grace assesses all three
    at 11:00, clear of the other stories' sittings on nearby days."""
    gateway = today - timedelta(days=150)
    record_attempt(apprentice, gateway_date=gateway)
    grace = assessors[0]
    _sit(
        apprentice,
        admin,
        gateway,
        [
            ("discussion", 12, grace, 11, None, "pass"),
            ("project", 93, grace, 11, None, "fail"),
            ("project", 114, grace, 11, "resit", "distinction"),
        ],
    )


def restarted(apprentice, today, assessors, admin) -> None:
    """Gateway eight months ago; the discussion passed, the project failed, and the retake could
    not be held in time: an administrator restarted the EPA today, and nothing is booked yet."""
    gateway = today - timedelta(days=240)
    record_attempt(apprentice, gateway_date=gateway)
    _sit(
        apprentice,
        admin,
        gateway,
        [
            ("discussion", 14, assessors[0], 15, None, "distinction"),
            ("project", 95, assessors[1], 13, None, "fail"),
        ],
    )
    reason = (
        "The project retake could not be held within six months of the first assessment, so "
        "the whole EPA is taken again."
    )
    restart_epa(apprentice, EpaRestart(reason=reason), admin)


#: stories told here, by the name demo_apprentices gives them
STORIES = {"resit_capped": resit_capped, "restarted": restarted}
