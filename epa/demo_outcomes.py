"""Demonstration apprentices who have been assessed: one signed off, one awaiting sign-off."""

from datetime import timedelta

from epa.demo_apprentices import READY
from epa.gateway.services import record_gateway
from epa.grading.services import confirm_outcome, save_draft, submit_result
from epa.rules.scheduling import is_working_day
from epa.scheduling.services import book_assessment


def _working_day_from(day):
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def assess(
    apprentice, today, assessors, admin, *, distinction: set[str], confirm: bool, hour: int
) -> None:
    """Gateway five months ago, both methods held and graded since, signed off if asked."""
    gateway = today - timedelta(days=150)
    record_gateway(apprentice, {**READY, "gateway_date": gateway})
    for method, days_after, assessor in (
        ("discussion", 10, assessors[0]),
        ("project", 91, assessors[1]),
    ):
        day = _working_day_from(gateway + timedelta(days=days_after))
        assessment = book_assessment(
            {
                "apprentice_id": apprentice.id,
                "method": method,
                "assessor_id": assessor.id,
                "starts_at": f"{day.isoformat()}T{hour:02d}:00",
                "location": "Employer site",
                "backdated": True,
            },
            admin,
        )
        criteria = {
            c.code: c.grade == "pass" or method in distinction for c in assessment.method.criteria
        }
        save_draft(
            assessment, {"criteria": criteria, "comments": "Demonstration result."}, assessor
        )
        submit_result(assessment, assessor)
    if confirm:
        confirm_outcome(apprentice, admin)
