"""All methods within six months of the first assessment of the EPA, resits and retakes included,
through the API: booking, moving, exceptional circumstances, and a booking that would become the
first."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from epa.audit.models import AuditEvent
from epa.extensions import db
from epa.scheduling.models import Assessment
from tests.api.test_assessments import book, booking
from tests.api.test_conventions import assert_error
from tests.api.test_grading import all_met, grade, only_pass
from tests.api.test_grading import world as grading_world  # noqa: F401  (the fixture)

LIMIT_PASSED = (
    "Every assessment, resits and retakes included, must be held by 10 June 2027: 6 months "
    "after the first assessment on 10 December 2026. An administrator can book or move it "
    "later by recording exceptional circumstances."
)


@pytest.fixture
def world(grading_world):
    return project_failed_late(grading_world)


def project_failed_late(w):
    """The discussion held and passed on 10 December 2026 (the EPA's first assessment); the
    project moved to Monday 1 March 2027, the EPA period's last working day, and failed: a
    retake may be booked until 1 July 2027, but the EPA must end by 10 June 2027. Now is
    2 March 2027."""
    grade(w, "discussion", only_pass("discussion"), datetime(2026, 12, 10, 11, 30, tzinfo=UTC))
    w["at"](datetime(2026, 12, 11, 9, 0, tzinfo=UTC))
    moved = w["staff"].patch(
        f"/api/v1/assessments/{w['project']}", json={"starts_at": "2027-03-01T09:00"}
    )
    assert moved.status_code == 200, moved.get_json()
    grade(w, "project", all_met("project", P1=False), datetime(2027, 3, 1, 14, 0, tzinfo=UTC))
    w["at"](datetime(2027, 3, 2, 9, 0, tzinfo=UTC))
    return w


def retake(world, client="staff", **changes):
    return book(
        world[client],
        world,
        method="project",
        assessor_id=world["other_assessor"],
        retry="retake",
        **changes,
    )


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Assessment))


def test_the_last_allowed_day_is_six_months_after_the_first_assessment(world):
    response = retake(world, starts_at="2027-06-10T09:00")
    assert response.status_code == 201, response.get_json()


def test_the_day_after_is_refused_in_plain_words_and_nothing_is_booked(app, world):
    before = count(app)
    error = assert_error(retake(world, starts_at="2027-06-11T09:00"), 422, "epa_time_limit_passed")
    assert error["message"] == LIMIT_PASSED
    assert "10 June 2027" in error["fields"]["starts_at"]
    assert count(app) == before


def test_an_administrator_books_past_it_for_exceptional_circumstances(app, world):
    response = retake(
        world, client="admin", starts_at="2027-06-11T09:00", exceptional_circumstances=True
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["exceptional_circumstances"] is True
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.entity == "assessment",
                AuditEvent.entity_id == str(response.get_json()["id"]),
            )
        )
        assert event.action == "create" and event.after["exceptional_circumstances"] is True


def test_moving_a_retake_past_the_limit_is_refused_a_change_of_place_is_not(world):
    created = retake(world, starts_at="2027-06-10T09:00").get_json()
    path = f"/api/v1/assessments/{created['id']}"
    error = assert_error(
        world["staff"].patch(path, json={"starts_at": "2027-06-11T09:00"}),
        422,
        "epa_time_limit_passed",
    )
    assert error["message"] == LIMIT_PASSED
    assert world["staff"].patch(path, json={"location": "Room 4"}).status_code == 200
    moved = world["staff"].patch(path, json={"starts_at": "2027-06-09T09:00"})
    assert moved.status_code == 200, moved.get_json()


def test_exceptional_circumstances_recorded_on_a_booking_let_it_move(world):
    created = retake(
        world, client="admin", starts_at="2027-06-11T09:00", exceptional_circumstances=True
    ).get_json()
    moved = world["staff"].patch(
        f"/api/v1/assessments/{created['id']}", json={"starts_at": "2027-06-14T09:00"}
    )
    assert moved.status_code == 200, moved.get_json()


def test_an_administrator_moves_past_it_by_recording_exceptional_circumstances(app, world):
    created = retake(world, starts_at="2027-06-10T09:00").get_json()
    path = f"/api/v1/assessments/{created['id']}"
    late = {"starts_at": "2027-06-11T09:00", "exceptional_circumstances": True}
    assert_error(world["staff"].patch(path, json=late), 403, "forbidden")
    assert world["staff"].get(path).get_json()["starts_at"].startswith("2027-06-10")
    moved = world["admin"].patch(path, json=late)
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["exceptional_circumstances"] is True
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "assessment", AuditEvent.entity_id == str(created["id"]))
            .order_by(AuditEvent.id.desc())
        ).first()
        assert (event.action, event.after["exceptional_circumstances"]) == ("update", True)
    # Recorded once, it stays: sending false does not take it back.
    kept = world["admin"].patch(path, json={"exceptional_circumstances": False})
    assert kept.get_json()["exceptional_circumstances"] is True


def test_cancelled_assessments_do_not_count(world):
    """With the discussion cancelled (it was never held), the first assessment is the project
    on 1 March, so the retake may be held until 1 July."""
    world["admin"].post(
        f"/api/v1/assessments/{world['discussion']}/result/reopen", json={"reason": "Not held"}
    )
    cancelled = world["staff"].post(
        f"/api/v1/assessments/{world['discussion']}/cancel", json={"reason": "Never held"}
    )
    assert cancelled.status_code == 200, cancelled.get_json()
    response = retake(world, starts_at="2027-06-11T09:00")
    assert response.status_code == 201, response.get_json()


def test_a_booking_earlier_than_every_other_becomes_the_first(world):
    """Discussion cancelled; project 1 March, retake 30 June. A discussion recorded as held on
    29 December 2026 would be the first, and 30 June falls after 29 June 2027."""
    world["admin"].post(
        f"/api/v1/assessments/{world['discussion']}/result/reopen", json={"reason": "Not held"}
    )
    world["staff"].post(
        f"/api/v1/assessments/{world['discussion']}/cancel", json={"reason": "Never held"}
    )
    assert retake(world, starts_at="2027-06-30T09:00").status_code == 201
    held = booking(world, starts_at="2026-12-29T10:00", backdated=True)
    error = assert_error(
        world["admin"].post("/api/v1/assessments", json=held), 422, "epa_time_limit_passed"
    )
    assert error["message"] == (
        "Every assessment, resits and retakes included, must be held within 6 months of the "
        "first: on 29 December 2026 this would be the first, and the assessment on 30 June "
        "2027 is after 29 June 2027. An administrator can book it even so for exceptional "
        "circumstances."
    )
    held = booking(world, starts_at="2026-12-30T10:00", backdated=True)
    response = world["admin"].post("/api/v1/assessments", json=held)
    assert response.status_code == 201, response.get_json()
