"""Restarting the whole EPA through the API: who may, when there is an EPA to restart, what
stays on record and what no longer counts, and the new EPA period."""

import pytest
from sqlalchemy import select

from epa.apprentices.models import Apprentice
from epa.audit.models import AuditEvent
from epa.extensions import db
from epa.grading.models import Outcome
from epa.mail.models import OutboxMessage
from epa.scheduling.models import Assessment
from tests.api.test_assessments import book
from tests.api.test_conventions import assert_error
from tests.api.test_grading import PLAN, confirm, outcome
from tests.api.test_grading import world as grading_world  # noqa: F401  (the fixture)
from tests.api.test_time_limit import project_failed_late, retake

REASON = "Not every method could be held within six months of the first assessment."


def restart(world, client="admin", **body):
    return world[client].post(
        f"/api/v1/apprentices/{world['apprentice']}/epa/restart", json=body or {"reason": REASON}
    )


def apprentice(world) -> dict:
    return world["staff"].get(f"/api/v1/apprentices/{world['apprentice']}").get_json()


def assessments(world) -> dict[int, dict]:
    path = f"/api/v1/assessments?apprentice_id={world['apprentice']}"
    return {a["id"]: a for a in world["staff"].get(path).get_json()["items"]}


@pytest.fixture
def world(grading_world):
    """The discussion passed on 10 December 2026; the project failed on 1 March 2027; a retake
    booked for 10 June; now is 2 March 2027."""
    late = project_failed_late(grading_world)
    late["retake"] = retake(late, starts_at="2027-06-10T09:00").get_json()["id"]
    return late


def test_only_administrators_restart_and_a_reason_is_needed(app, world, api):
    assert_error(restart(world, "staff"), 403, "forbidden")
    assert_error(
        api("assessor").post(
            f"/api/v1/apprentices/{world['apprentice']}/epa/restart", json={"reason": REASON}
        ),
        403,
        "forbidden",
    )
    for body in ({"reason": "   "}, {"reason": None}, {"other": 1}):
        error = assert_error(restart(world, **body), 422, "validation_failed")
        assert "reason" in error["fields"]
    assert_error(
        world["admin"].post(f"/api/v1/apprentices/{world['apprentice']}/epa/restart", data="x"),
        400,
        "malformed_request",
    )
    assert_error(
        world["admin"].post("/api/v1/apprentices/999999/epa/restart", json={"reason": REASON}),
        404,
        "not_found",
    )
    assert apprentice(world)["epa_round"] == 1
    assert assessments(world)[world["retake"]]["status"] == "booked"


def test_a_restart_keeps_the_record_and_starts_a_new_epa_today(app, world):
    response = restart(world)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body == outcome(world)
    assert (body["status"], body["overall_grade"], body["capped"], body["epa_round"]) == (
        "incomplete",
        None,
        False,
        2,
    )
    assert all(
        m == {"grade": None, "attempt": None, "retry": None} for m in body["methods"].values()
    )
    record = apprentice(world)
    assert (record["status"], record["epa_round"], record["gateway_date"]) == (
        "gateway_passed",
        2,
        "2026-11-02",
    )
    assert (record["epa_started_on"], record["epa_deadline"]) == ("2027-03-02", "2027-07-02")
    listed = assessments(world)
    discussion, project, cancelled = (
        listed[world["discussion"]],
        listed[world["project"]],
        listed[world["retake"]],
    )
    assert (discussion["counted"], discussion["epa_round"], discussion["status"]) == (
        False,
        1,
        "booked",
    )
    assert project["counted"] is False
    assert cancelled["status"] == "cancelled" and cancelled["sequence"] == 1
    assert cancelled["cancel_reason"] == f"The EPA was restarted: {REASON}"
    with app.app_context():
        withdrawn = db.session.scalars(
            select(OutboxMessage.ics_method).where(OutboxMessage.ics_method == "CANCEL")
        ).all()
        assert withdrawn  # the retake's assessor gets a calendar cancellation
        event = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.entity == "apprentice", AuditEvent.action == "restart_epa"
            )
        )
        assert event.reason == REASON
        assert event.before["epa_round"] == 1 and event.after["epa_round"] == 2
        assert event.after["epa_started_on"] == "2027-03-02"


def test_earlier_attempts_no_longer_count_for_booking(world):
    restart(world)
    assert_error(retake(world, starts_at="2027-06-14T09:00"), 422, "retry_not_allowed")
    # the project counts its EPA period from the restart: day 91 is 1 June 2027
    early = book(world["staff"], world, method="project", starts_at="2027-05-31T09:00")
    assert_error(early, 422, "outside_epa_period")
    # 14 June is past 10 June, six months after the earlier EPA's first assessment: only the
    # new EPA's assessments count for the limit
    project = book(
        world["staff"],
        world,
        method="project",
        assessor_id=world["other_assessor"],
        starts_at="2027-06-14T09:00",
    )
    assert project.status_code == 201, project.get_json()
    assert (project.get_json()["attempt"], project.get_json()["epa_round"]) == (1, 2)
    assert project.get_json()["counted"] is True and project.get_json()["retry"] is None
    # the discussion passed in the earlier EPA is booked again, as a first attempt
    discussion = book(world["staff"], world, starts_at="2027-03-22T10:00")
    assert discussion.status_code == 201, discussion.get_json()
    assert discussion.get_json()["attempt"] == 1
    assert apprentice(world)["status"] == "in_epa"
    assert_error(
        book(world["staff"], world, starts_at="2027-03-23T10:00"), 409, "method_already_booked"
    )
    assert_error(
        world["staff"].patch(
            f"/api/v1/assessments/{discussion.get_json()['id']}",
            json={"starts_at": "2027-07-05T10:00"},
        ),
        422,
        "outside_epa_period",
    )  # after 2 July, the new EPA's deadline


def test_an_earlier_epa_s_assessment_cannot_be_moved(world):
    """Held, its result reopened, then the EPA restarted: it stays as it is."""
    reopened = world["admin"].post(
        f"/api/v1/assessments/{world['discussion']}/result/reopen", json={"reason": "Typo"}
    )
    assert reopened.status_code == 200
    restart(world)
    error = assert_error(
        world["staff"].patch(
            f"/api/v1/assessments/{world['discussion']}", json={"location": "Room 2"}
        ),
        409,
        "earlier_epa",
    )
    assert "earlier EPA" in error["message"]
    cancelled = world["staff"].post(
        f"/api/v1/assessments/{world['discussion']}/cancel", json={"reason": "Tidying up"}
    )
    assert_error(cancelled, 409, "earlier_epa")
    status = world["staff"].get(f"/api/v1/assessments/{world['discussion']}").get_json()["status"]
    assert status == "booked"  # on record as it was


def test_reopening_an_earlier_epa_s_result_leaves_the_new_outcome_alone(app, world):
    restart(world)
    book(world["staff"], world, starts_at="2027-03-22T10:00")
    response = world["admin"].post(
        f"/api/v1/assessments/{world['discussion']}/result/reopen", json={"reason": "Typo"}
    )
    assert response.status_code == 200, response.get_json()  # no later attempt in its EPA
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "outcome")
        ).all()
        assert "unconfirm" not in events


def test_a_confirmed_fail_stays_on_record_and_the_new_epa_starts_incomplete(app, world):
    world["staff"].post(f"/api/v1/assessments/{world['retake']}/cancel", json={"reason": "x"})
    assert confirm(world).get_json()["overall_grade"] == "fail"
    body = restart(world).get_json()
    assert (body["status"], body["confirmed_by"], body["epa_date"]) == ("incomplete", None, None)
    assert (body["overall_grade"], body["epa_round"]) == (None, 2)
    with app.app_context():
        rows = db.session.scalars(select(Outcome).order_by(Outcome.epa_round)).all()
        # The first EPA's sign-off is kept as it was; the second has none yet.
        assert [(r.epa_round, r.overall_grade, r.confirmed_at is not None) for r in rows] == [
            (1, "fail", True)
        ]
        assert rows[0].epa_date.isoformat() == "2027-03-01"


def test_no_epa_to_restart(app, world, make_apprentice):
    registered = make_apprentice(uln="1000000000")
    response = world["admin"].post(
        f"/api/v1/apprentices/{registered}/epa/restart", json={"reason": REASON}
    )
    assert_error(response, 422, "gateway_not_passed")
    with app.app_context():
        db.session.get(Apprentice, world["apprentice"]).status = "withdrawn"
        db.session.commit()
    assert_error(restart(world), 422, "apprentice_withdrawn")
    with app.app_context():
        db.session.get(Apprentice, world["apprentice"]).status = "completed"
        db.session.commit()
    assert_error(restart(world), 409, "apprentice_completed")
    with app.app_context():
        assert db.session.get(Apprentice, world["apprentice"]).epa_round == 1
        assert (
            db.session.scalar(select(Assessment.status).where(Assessment.id == world["retake"]))
            == "booked"
        )


def test_the_start_pages_and_the_sign_off_queue_count_only_the_new_epa(app, world):
    from epa.dashboard import queries

    world["staff"].post(f"/api/v1/assessments/{world['retake']}/cancel", json={"reason": "x"})
    with app.app_context():
        assert queries.provisional_count() == 1  # a fail, waiting for sign-off
        assert world["apprentice"] not in {a.id for a in db.session.scalars(queries.not_booked())}
    restart(world)
    with app.app_context():
        assert queries.provisional_count() == 0
        assert world["apprentice"] in {a.id for a in db.session.scalars(queries.not_booked())}
        unbooked = queries.unbooked_methods([world["apprentice"]])[world["apprentice"]]
        assert unbooked == [method["name"] for method in PLAN.values()]


def test_a_booking_checked_against_an_epa_restarted_meanwhile_is_refused(app, world, monkeypatch):
    """A restart that commits between a booking's first reads and its locks: the earlier
    attempts it was checked against no longer count, so nothing is booked. (On PostgreSQL a
    booking's first read takes the apprentice's lock, so nothing commits in between:
    tests/scheduling/test_booking_lock.py.)"""
    from sqlalchemy import text

    from epa.scheduling import checks

    real_lock = checks.lock_diaries
    monkeypatch.setattr("epa.scheduling.services.locks_rows", lambda: False)

    def restarted_meanwhile(apprentice_id, assessor_ids):
        db.session.execute(
            text("UPDATE apprentices SET epa_round = epa_round + 1 WHERE id = :id"),
            {"id": apprentice_id},
        )
        real_lock(apprentice_id, assessor_ids)

    world["staff"].post(f"/api/v1/assessments/{world['retake']}/cancel", json={"reason": "x"})
    before = len(assessments(world))
    monkeypatch.setattr(checks, "lock_diaries", restarted_meanwhile)
    error = assert_error(retake(world, starts_at="2027-06-09T09:00"), 409, "earlier_epa")
    assert "restarted while this was being booked" in error["message"]
    monkeypatch.undo()
    assert len(assessments(world)) == before


@pytest.mark.parametrize("reason", [123, ["Late"], {"why": "Late"}, True, "x" * 2001])
def test_a_reason_that_is_not_text_is_refused(world, reason):
    error = assert_error(restart(world, reason=reason), 422, "validation_failed")
    assert "reason" in error["fields"]
    assert apprentice(world)["epa_round"] == 1
