"""Assessors' working patterns through the API, and the two refusals they bring to booking."""

import pytest
from sqlalchemy import select

from epa.audit.models import AuditEvent
from epa.extensions import db
from tests.api.test_assessments import book
from tests.api.test_conventions import assert_error

PART_TIME = {"weekdays": [1, 3], "starts": "09:30", "ends": "15:00", "max_per_day": 1}


@pytest.fixture
def staff(api, booking_world):
    return api("staff")


def pattern_path(world, who="assessor"):
    return f"/api/v1/assessors/{world[who]}/pattern"


def test_the_default_pattern_until_one_is_set(staff, booking_world):
    response = staff.get(pattern_path(booking_world))
    assert response.status_code == 200
    assert response.get_json() == {
        "assessor_id": booking_world["assessor"],
        "weekdays": [0, 1, 2, 3, 4],
        "starts": "08:00",
        "ends": "18:00",
        "max_per_day": 2,
        "description": "Monday to Friday, 08:00 to 18:00, at most 2 assessments a day",
    }


def test_a_pattern_is_kept_and_audited(app, staff, booking_world):
    response = staff.put(pattern_path(booking_world), json={**PART_TIME, "weekdays": [3, 1]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["weekdays"], body["starts"], body["ends"], body["max_per_day"]) == (
        [1, 3],
        "09:30",
        "15:00",
        1,
    )
    assert staff.get(pattern_path(booking_world)).get_json() == body
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(entity="assessor_pattern"))
        assert event.before["max_per_day"] == 2 and event.after["max_per_day"] == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": [7]}, "weekdays"),
        ({"weekdays": [True]}, "weekdays"),
        ({"starts": "07:30"}, "starts"),
        ({"starts": "9:30"}, "starts"),
        ({"ends": "18:30"}, "ends"),
        ({"starts": "12:00", "ends": "11:00"}, "ends"),
        ({"max_per_day": 0}, "max_per_day"),
        ({"max_per_day": 11}, "max_per_day"),
        ({"max_per_day": "two"}, "max_per_day"),
    ],
)
def test_a_pattern_that_cannot_be_kept_is_refused_and_changes_nothing(
    staff, booking_world, change, field
):
    error = assert_error(
        staff.put(pattern_path(booking_world), json={**PART_TIME, **change}),
        422,
        "validation_failed",
    )
    assert field in error["fields"]
    assert staff.get(pattern_path(booking_world)).get_json()["max_per_day"] == 2


def test_only_the_office_sets_a_pattern_and_only_for_an_assessor(
    api, staff, booking_world, make_user
):
    assert_error(api("assessor").put(pattern_path(booking_world), json=PART_TIME), 403, "forbidden")
    not_assessor = make_user("staff")
    assert_error(
        staff.put(f"/api/v1/assessors/{not_assessor}/pattern", json=PART_TIME),
        422,
        "not_an_assessor",
    )
    assert_error(staff.put("/api/v1/assessors/999999/pattern", json=PART_TIME), 404, "not_found")


def test_booking_outside_the_pattern_is_refused(staff, booking_world):
    staff.put(pattern_path(booking_world), json=PART_TIME)
    # 10 December 2026 is a Thursday, which they work, from 09:30.
    error = assert_error(
        book(staff, booking_world, starts_at="2026-12-10T09:00"), 409, ("assessor_not_working")
    )
    assert "Tuesday and Thursday, 09:30 to 15:00" in error["message"]
    assert_error(
        book(staff, booking_world, starts_at="2026-12-16T10:00"), 409, "assessor_not_working"
    )
    assert_error(
        book(staff, booking_world, starts_at="2026-12-10T14:30"), 409, "assessor_not_working"
    )
    assert book(staff, booking_world, starts_at="2026-12-10T14:00").status_code == 201


def test_the_service_wide_refusals_come_first(staff, booking_world):
    staff.put(pattern_path(booking_world), json=PART_TIME)
    assert_error(book(staff, booking_world, starts_at="2026-12-12T10:00"), 422, "non_working_day")
    assert_error(
        book(staff, booking_world, starts_at="2026-12-10T07:30"), 422, "outside_working_hours"
    )


def test_a_full_day_is_refused(api, staff, booking_world, make_gateway_passed):
    staff.put(pattern_path(booking_world), json={**PART_TIME, "max_per_day": 1})
    assert book(staff, booking_world, starts_at="2026-12-10T10:00").status_code == 201
    other = make_gateway_passed(start_date="2025-06-02", uln="2000000001")
    second = {**booking_world, "apprentice": other}
    error = assert_error(
        book(staff, second, starts_at="2026-12-10T13:00"), 409, ("assessor_day_full")
    )
    assert error["fields"] == {"assessor_id": error["fields"]["assessor_id"]}
    # Another assessor that day is fine; so is the same assessor on their next day.
    moved = book(
        staff, second, starts_at="2026-12-10T13:00", assessor_id=booking_world["other_assessor"]
    )
    assert moved.status_code == 201
    assert (
        book(staff, booking_world, method="project", starts_at="2027-02-09T09:30").status_code
        == 201
    )


def test_moving_within_the_same_day_is_not_counted_against_itself(staff, booking_world):
    staff.put(pattern_path(booking_world), json={**PART_TIME, "max_per_day": 1})
    booked = book(staff, booking_world, starts_at="2026-12-10T10:00").get_json()
    moved = staff.patch(
        f"/api/v1/assessments/{booked['id']}", json={"starts_at": "2026-12-10T12:00"}
    )
    assert moved.status_code == 200, moved.get_json()


def test_a_move_locks_the_new_assessor_with_the_rest_in_order(app, staff, booking_world):
    """A move to an assessor of lower id takes every lock at once, assessors by id, as a plan
    booking does: taken later, out of order, the two could each wait for the other."""
    from sqlalchemy import event

    from epa.extensions import db

    if "postgresql" not in app.config["SQLALCHEMY_DATABASE_URI"]:
        pytest.skip("row locks are PostgreSQL's; SQLite has a single writer")
    first, second = sorted((booking_world["assessor"], booking_world["other_assessor"]))
    booked = book(staff, booking_world, assessor_id=second).get_json()
    locked = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if "FROM users WHERE id" in statement and "FOR UPDATE" in statement:
            locked.append(parameters["id"])

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", note)
        try:
            moved = staff.patch(f"/api/v1/assessments/{booked['id']}", json={"assessor_id": first})
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
    assert moved.status_code == 200, moved.get_json()
    assert locked[:2] == [first, second], locked
