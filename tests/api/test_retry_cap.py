"""The retry cap on the EPA grade through the API: the method grade as judged, the outcome's
overall grade at most the plan's cap, the uncapped grade and the reason beside it, and the
confirmed outcome and the returns export following the capped grade."""

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.api.test_assessments import book
from tests.api.test_grading import (
    AFTER_DISCUSSION,
    AFTER_PROJECT,
    PLAN,
    all_met,
    confirm,
    grade,
    only_pass,
    outcome,
    put,
    submit,
    world,  # noqa: F401  (the fixture)
)

AFTER_RESIT = datetime(2027, 2, 22, 14, 0, tzinfo=UTC)
PROJECT = PLAN["project"]["name"]
PROJECT_RESIT = (
    f"The {PROJECT.lower()} was a resit booked without exceptional circumstances, so the EPA "
    "grade is at most Pass; without the cap it would be Merit."
)


def project_failed_then_resat(world, judgements, *, client="staff", **booking):
    """The discussion judged (a pass), the project failed on 1 February 2027, then resat on
    22 February with Dan and judged as given; returns the resit's id."""
    grade(world, "discussion", only_pass("discussion"), AFTER_DISCUSSION)
    grade(world, "project", all_met("project", P1=False), AFTER_PROJECT)
    resit = book(
        world[client],
        world,
        method="project",
        assessor_id=world["other_assessor"],
        starts_at="2027-02-22T09:00",
        retry="resit",
        **booking,
    )
    assert resit.status_code == 201, resit.get_json()
    resit_id = resit.get_json()["id"]
    world["at"](AFTER_RESIT)
    assert put(world["dan"], resit_id, judgements).status_code == 200
    assert submit(world["dan"], resit_id).status_code == 200
    return resit_id


def test_a_resit_judged_distinction_is_recorded_so_and_caps_the_epa_grade(world):
    project_failed_then_resat(world, all_met("project"))
    body = outcome(world)
    assert body["methods"]["project"] == {"grade": "distinction", "attempt": 2, "retry": "resit"}
    assert body["status"] == "provisional"
    assert (body["overall_grade"], body["uncapped_grade"], body["capped"]) == (
        "pass",
        "merit",
        True,
    )
    assert body["cap_reason"] == PROJECT_RESIT


def test_the_confirmed_outcome_and_the_returns_export_keep_the_capped_grade(world):
    project_failed_then_resat(world, all_met("project"))
    confirmed = confirm(world).get_json()
    assert (confirmed["status"], confirmed["overall_grade"], confirmed["capped"]) == (
        "confirmed",
        "pass",
        True,
    )
    assert confirmed["uncapped_grade"] == "merit" and confirmed["cap_reason"] == PROJECT_RESIT
    assert confirmed["achievement_date"] == "2027-02-22"
    assert outcome(world)["overall_grade"] == "pass"
    response = world["staff"].get("/api/v1/exports/outcomes.xlsx?from=2027-02-01&to=2027-02-28")
    sheet = load_workbook(BytesIO(response.data), read_only=True)["Outcomes"]
    header, row = list(sheet.iter_rows(values_only=True))
    values = dict(zip(header, row, strict=True))
    assert values["Overall grade"] == "Pass" and values["Resit"] == "Yes"
    assert values[f"{PROJECT} grade"] == "Distinction"
    assert values["Achievement date"].date() == date(2027, 2, 22)


def test_exceptional_circumstances_leave_the_epa_grade_as_the_table_gives_it(world):
    project_failed_then_resat(
        world, all_met("project"), client="admin", exceptional_circumstances=True
    )
    body = outcome(world)
    assert (body["overall_grade"], body["uncapped_grade"], body["capped"]) == (
        "merit",
        "merit",
        False,
    )
    assert body["cap_reason"] is None


def test_a_resit_judged_pass_is_not_lowered_so_not_capped(world):
    project_failed_then_resat(world, only_pass("project"))
    body = outcome(world)
    assert (body["overall_grade"], body["uncapped_grade"], body["capped"]) == (
        "pass",
        "pass",
        False,
    )
    assert body["cap_reason"] is None


def test_a_resit_failed_again_is_a_fail_not_a_cap(world):
    project_failed_then_resat(world, all_met("project", P1=False))
    body = outcome(world)
    assert body["methods"]["project"]["grade"] == "fail"
    assert (body["overall_grade"], body["capped"], body["cap_reason"]) == ("fail", False, None)


def test_no_cap_without_a_retry_and_nothing_while_incomplete(world):
    body = outcome(world)
    assert (body["overall_grade"], body["uncapped_grade"], body["capped"]) == (None, None, False)
    grade(world, "discussion", all_met("discussion"), AFTER_DISCUSSION)
    grade(world, "project", all_met("project"), AFTER_PROJECT)
    body = outcome(world)
    assert (body["overall_grade"], body["uncapped_grade"], body["capped"]) == (
        "distinction",
        "distinction",
        False,
    )


def test_a_resit_without_exceptional_circumstances_caps_even_after_a_retake_with_them(world):
    """Any counted resit or retake booked without exceptional circumstances brings the cap,
    not only the attempt whose grade counts."""
    project_failed_then_resat(world, all_met("project", P1=False))  # failed again
    retake = book(
        world["admin"],
        world,
        method="project",
        assessor_id=world["other_assessor"],
        starts_at="2027-03-22T09:00",
        retry="retake",
        exceptional_circumstances=True,
    )
    assert retake.status_code == 201, retake.get_json()
    world["at"](datetime(2027, 3, 22, 14, 0, tzinfo=UTC))
    assert put(world["dan"], retake.get_json()["id"], all_met("project")).status_code == 200
    assert submit(world["dan"], retake.get_json()["id"]).status_code == 200
    body = outcome(world)
    assert body["methods"]["project"] == {"grade": "distinction", "attempt": 3, "retry": "retake"}
    assert (body["overall_grade"], body["uncapped_grade"], body["capped"]) == (
        "pass",
        "merit",
        True,
    )
    assert body["cap_reason"] == PROJECT_RESIT


def test_a_confirmed_outcome_keeps_the_cap_it_was_confirmed_with(app, world):
    """A sign-off is not rewritten by later reads: the grade, the uncapped grade and the
    reason stay as confirmed (outcomes confirmed under the earlier rule kept theirs too)."""
    from sqlalchemy import select

    from epa.extensions import db
    from epa.grading.models import Outcome

    project_failed_then_resat(world, all_met("project"))
    confirm(world)
    with app.app_context():
        row = db.session.scalar(select(Outcome))
        assert (row.overall_grade, row.uncapped_grade, row.cap_reason) == (
            "pass",
            "merit",
            PROJECT_RESIT,
        )
        # As an outcome confirmed before the cap moved to the EPA grade reads after upgrading.
        row.overall_grade = row.uncapped_grade = "merit"
        row.cap_reason = None
        db.session.commit()
    body = outcome(world)
    assert (body["status"], body["overall_grade"], body["uncapped_grade"]) == (
        "confirmed",
        "merit",
        "merit",
    )
    assert (body["capped"], body["cap_reason"]) == (False, None)


@pytest.mark.parametrize("signed_off", [False, True])
def test_upgrading_records_retry_grades_as_judged_unless_signed_off(app, world, signed_off):
    """The release before stored a capped method grade on a resit (pass for a judged
    distinction). Upgrading records the grade as judged, with an audit event, except where the
    outcome is confirmed: a sign-off stays as it was given."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import select, text

    from epa.audit.models import AuditEvent
    from epa.extensions import db
    from epa.grading.models import Result

    resit_id = project_failed_then_resat(world, all_met("project"))
    if signed_off:
        confirm(world)
    with app.app_context():
        db.session.remove()
        try:
            downgrade(revision="0010")
            db.session.execute(
                text("UPDATE results SET method_grade = 'pass' WHERE assessment_id = :id"),
                {"id": resit_id},
            )
            db.session.commit()
            upgrade()
            stored = db.session.scalar(select(Result).filter_by(assessment_id=resit_id))
            events = db.session.scalars(
                select(AuditEvent).filter_by(entity="result", action="regrade")
            ).all()
            if signed_off:
                assert stored.method_grade == "pass" and events == []
            else:
                assert stored.method_grade == "distinction"
                assert [(e.entity_id, e.before, e.after) for e in events] == [
                    (str(stored.id), {"method_grade": "pass"}, {"method_grade": "distinction"})
                ]
                assert "recorded as judged" in events[0].reason
        finally:
            db.session.remove()
            upgrade()  # whatever failed above, the other tests need the newest schema
