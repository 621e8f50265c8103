"""Booking, rescheduling and cancelling assessments through the API, refusal by refusal."""

from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from epa.apprentices.models import Apprentice
from epa.audit.models import AuditEvent
from epa.extensions import db
from epa.scheduling.models import Assessment
from tests.api.test_conventions import assert_error


@pytest.fixture
def staff(api, booking_world):
    return api("staff")


def booking(world, **changes):
    body = {
        "apprentice_id": world["apprentice"],
        "method": "discussion",
        "assessor_id": world["assessor"],
        "starts_at": "2026-12-10T10:00",  # a Thursday, exactly 14 days ahead
        "location": "Online (Teams)",
    }
    body.update(changes)
    return body


def book(client, world, **changes):
    return client.post("/api/v1/assessments", json=booking(world, **changes))


def test_a_booking_with_every_rule_met(app, staff, booking_world):
    response = book(staff, booking_world)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["starts_at"] == "2026-12-10T10:00:00+00:00"
    assert body["ends_at"] == "2026-12-10T11:00:00+00:00"  # the discussion lasts 60 minutes
    assert (body["status"], body["attempt"], body["retry"], body["sequence"]) == (
        "booked",
        1,
        None,
        0,
    )
    assert body["method"] == "discussion" and body["location"] == "Online (Teams)"
    with app.app_context():
        assert db.session.get(Apprentice, booking_world["apprentice"]).status == "in_epa"
        event = db.session.scalar(select(AuditEvent).filter_by(entity="assessment"))
        assert event.action == "create" and event.after["starts_at"] == body["starts_at"]
        entered = db.session.scalar(select(AuditEvent).filter_by(action="enter_epa"))
        assert (entered.entity, entered.entity_id) == (
            "apprentice",
            str(booking_world["apprentice"]),
        )
        assert entered.before == {"status": "gateway_passed"}
        assert entered.after == {"status": "in_epa", "assessment_id": body["id"]}
    # The second booking changes no status, so it writes no such event.
    second = book(staff, booking_world, method="project", starts_at="2027-02-01T10:00")
    assert second.status_code == 201, second.get_json()
    with app.app_context():
        assert len(db.session.scalars(select(AuditEvent).filter_by(action="enter_epa")).all()) == 1


def test_summer_times_come_back_with_the_london_offset(staff, booking_world):
    body = book(staff, booking_world, method="discussion", starts_at="2027-02-22T09:00").get_json()
    assert body["starts_at"] == "2027-02-22T09:00:00+00:00"


def test_an_instant_with_an_offset_is_taken_as_given(staff, booking_world):
    body = book(staff, booking_world, starts_at="2026-12-10T10:00:00Z").get_json()
    assert body["starts_at"] == "2026-12-10T10:00:00+00:00"


@pytest.mark.parametrize(
    "changes, status, code",
    [
        ({"method": "portfolio"}, 422, "unknown_method"),
        ({"starts_at": "2026-11-25T10:00"}, 422, "in_the_past"),
        ({"starts_at": "2026-12-09T10:00"}, 422, "insufficient_notice"),  # 13 days ahead
        ({"starts_at": "2027-03-03T10:00"}, 422, "outside_epa_period"),  # after the deadline
        ({"method": "project", "starts_at": "2027-01-29T10:00"}, 422, "outside_epa_period"),
        ({"starts_at": "2026-12-12T10:00"}, 422, "non_working_day"),  # Saturday
        ({"starts_at": "2026-12-28T10:00"}, 422, "non_working_day"),  # Boxing Day observed
        ({"starts_at": "2026-12-10T07:30"}, 422, "outside_working_hours"),
        ({"starts_at": "2026-12-10T17:30"}, 422, "outside_working_hours"),  # ends 18:30
        ({"starts_at": "2027-03-28T01:30"}, 422, "invalid_local_time"),  # clocks go forward
        ({"starts_at": "2026-10-25T01:30"}, 422, "invalid_local_time"),  # clocks go back
        ({"starts_at": "next Tuesday"}, 422, "validation_failed"),
        ({"starts_at": "2026-12-10"}, 422, "validation_failed"),  # a date is not an instant
        ({"starts_at": "2026-12-10T25:00"}, 422, "validation_failed"),
        ({"retry": "resit"}, 422, "retry_not_allowed"),
        ({"retry": "again"}, 422, "validation_failed"),
    ],
)
def test_time_and_field_refusals(app, staff, booking_world, changes, status, code):
    error = assert_error(book(staff, booking_world, **changes), status, code)
    assert error["fields"]
    with app.app_context():
        assert db.session.scalar(select(Assessment.id)) is None


def test_the_project_on_day_91_and_ending_at_18_00(staff, booking_world):
    response = book(staff, booking_world, method="project", starts_at="2027-02-01T15:00")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["ends_at"] == "2027-02-01T18:00:00+00:00"


def test_not_an_assessor(staff, booking_world, make_user):
    error = assert_error(
        book(staff, booking_world, assessor_id=make_user("staff")), 422, "not_an_assessor"
    )
    assert "assessor_id" in error["fields"]


def test_gateway_not_passed(staff, booking_world, make_apprentice):
    other = make_apprentice(uln="1000000000")
    assert_error(book(staff, booking_world, apprentice_id=other), 422, "gateway_not_passed")


def test_apprentice_withdrawn(app, staff, booking_world):
    with app.app_context():
        db.session.get(Apprentice, booking_world["apprentice"]).status = "withdrawn"
        db.session.commit()
    assert_error(book(staff, booking_world), 422, "apprentice_withdrawn")


@pytest.fixture
def second_apprentice(make_gateway_passed, booking_world):
    return make_gateway_passed(
        uln="1000000000", start_date="2025-06-02", date_of_birth="1999-03-03"
    )


@pytest.mark.parametrize(
    "starts_at, status",
    [
        ("2026-12-10T11:00", 201),  # starts as the other ends
        ("2026-12-10T09:00", 201),  # ends as the other starts
        ("2026-12-10T10:30", 409),
        ("2026-12-10T09:30", 409),
        ("2026-12-10T10:00", 409),
    ],
)
def test_adjacent_bookings_are_fine_overlapping_ones_are_refused(
    staff, booking_world, second_apprentice, starts_at, status
):
    assert book(staff, booking_world).status_code == 201  # 10:00-11:00
    response = book(staff, booking_world, apprentice_id=second_apprentice, starts_at=starts_at)
    assert response.status_code == status, response.get_json()
    if status == 409:
        error = assert_error(response, 409, "assessor_double_booked")
        assert "assessor_id" in error["fields"]


def test_apprentice_double_booked(staff, booking_world):
    assert (
        book(staff, booking_world, method="project", starts_at="2027-02-01T09:00").status_code
        == 201
    )  # 09:00-12:00
    response = book(
        staff,
        booking_world,
        assessor_id=booking_world["other_assessor"],
        starts_at="2027-02-01T11:00",
    )
    assert_error(response, 409, "apprentice_double_booked")


def test_method_already_booked(staff, booking_world):
    assert book(staff, booking_world).status_code == 201
    response = book(staff, booking_world, starts_at="2026-12-14T10:00")
    assert_error(response, 409, "method_already_booked")


def test_assessor_unavailable(api, staff, booking_world):
    assessor = booking_world["assessor"]
    period = {
        "starts_at": "2026-12-10T00:00",
        "ends_at": "2026-12-11T00:00",
        "reason": "Annual leave",
    }
    assert staff.post(f"/api/v1/users/{assessor}/unavailability", json=period).status_code == 201
    assert_error(book(staff, booking_world), 409, "assessor_unavailable")
    assert book(staff, booking_world, starts_at="2026-12-11T10:00").status_code == 201


@pytest.mark.parametrize("organisation", ["employer", "provider"])
def test_assessor_conflict_of_interest(staff, booking_world, organisation):
    assessor = booking_world["assessor"]
    body = {f"{organisation}_id": booking_world[organisation]}
    assert staff.post(f"/api/v1/users/{assessor}/conflicts", json=body).status_code == 201
    assert_error(book(staff, booking_world), 409, "assessor_conflict_of_interest")
    other = book(staff, booking_world, assessor_id=booking_world["other_assessor"])
    assert other.status_code == 201


def test_backdated_is_for_administrators_and_is_marked(app, api, booking_world):
    past = booking(booking_world, starts_at="2026-11-20T10:00", backdated=True)
    assert_error(api("staff").post("/api/v1/assessments", json=past), 403, "forbidden")
    response = api("admin").post("/api/v1/assessments", json=past)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["backdated"] is True
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(entity="assessment"))
        assert "Backdated" in event.reason
    weekend = booking(booking_world, starts_at="2026-11-21T10:00", backdated=True)
    assert_error(api("admin").post("/api/v1/assessments", json=weekend), 422, "non_working_day")


def test_exceptional_circumstances_are_for_administrators(api, booking_world):
    body = booking(booking_world, exceptional_circumstances=True)
    assert_error(api("staff").post("/api/v1/assessments", json=body), 403, "forbidden")


def test_reschedule_raises_the_sequence_and_applies_the_rules(app, staff, booking_world):
    created = book(staff, booking_world).get_json()
    path = f"/api/v1/assessments/{created['id']}"
    moved = staff.patch(path, json={"starts_at": "2026-12-11T14:00"}).get_json()
    assert moved["starts_at"] == "2026-12-11T14:00:00+00:00" and moved["sequence"] == 1
    relocated = staff.patch(path, json={"location": "Room 2"}).get_json()
    assert relocated["sequence"] == 2
    unchanged = staff.patch(path, json={"location": "Room 2"}).get_json()
    assert unchanged["sequence"] == 2  # no change, no new sequence
    assert_error(staff.patch(path, json={"starts_at": "2026-12-12T10:00"}), 422, "non_working_day")
    other = staff.patch(path, json={"assessor_id": booking_world["other_assessor"]}).get_json()
    assert other["assessor_id"] == booking_world["other_assessor"] and other["sequence"] == 3


def test_reschedule_onto_its_own_slot_is_not_a_clash(staff, booking_world):
    created = book(staff, booking_world).get_json()
    response = staff.patch(
        f"/api/v1/assessments/{created['id']}", json={"starts_at": "2026-12-10T10:30"}
    )
    assert response.status_code == 200


def test_cancel_keeps_the_reason_and_raises_the_sequence(staff, booking_world):
    created = book(staff, booking_world).get_json()
    path = f"/api/v1/assessments/{created['id']}/cancel"
    assert_error(staff.post(path, json={"reason": " "}), 422, "validation_failed")
    body = staff.post(path, json={"reason": "Assessor ill"}).get_json()
    assert (body["status"], body["sequence"], body["cancel_reason"]) == (
        "cancelled",
        1,
        "Assessor ill",
    )
    assert_error(staff.post(path, json={"reason": "again"}), 409, "already_cancelled")
    assert_error(
        staff.patch(f"/api/v1/assessments/{created['id']}", json={"location": "x"}),
        422,
        "assessment_cancelled",
    )
    # the slot is free again
    assert book(staff, booking_world).status_code == 201


def _ics(client, assessment_id):
    response = client.get(f"/api/v1/assessments/{assessment_id}/invite.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    [event] = calendar.walk("VEVENT")
    return calendar, event, response


def test_invite_files_keep_their_uid_and_follow_the_booking(staff, booking_world):
    created = book(staff, booking_world).get_json()
    calendar, event, response = _ics(staff, created["id"])
    uid = str(event["UID"])
    assert str(calendar["METHOD"]) == "REQUEST" and "method=REQUEST" in response.content_type
    assert event.decoded("DTSTART") == datetime(2026, 12, 10, 10, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 12, 10, 11, 0, tzinfo=UTC)
    assert int(event["SEQUENCE"]) == 0
    staff.patch(f"/api/v1/assessments/{created['id']}", json={"starts_at": "2026-12-14T09:30"})
    _, moved, _ = _ics(staff, created["id"])
    assert str(moved["UID"]) == uid and int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART") == datetime(2026, 12, 14, 9, 30, tzinfo=UTC)
    staff.post(f"/api/v1/assessments/{created['id']}/cancel", json={"reason": "Ill"})
    calendar, cancelled, response = _ics(staff, created["id"])
    assert str(calendar["METHOD"]) == "CANCEL" and "method=CANCEL" in response.content_type
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["UID"]) == uid and int(cancelled["SEQUENCE"]) == 2


def test_assessors_see_only_their_own_assessments(app, api, staff, booking_world, make_token):
    mine = book(staff, booking_world).get_json()
    theirs = book(
        staff,
        booking_world,
        method="project",
        starts_at="2027-02-01T09:00",
        assessor_id=booking_world["other_assessor"],
    ).get_json()
    assessor = api("assessor")  # a third assessor: sees nothing
    assert assessor.get("/api/v1/assessments").get_json()["total"] == 0
    grace = ApiAs(app, make_token(user_id=booking_world["assessor"]))
    listed = grace.get("/api/v1/assessments").get_json()
    assert [a["id"] for a in listed["items"]] == [mine["id"]]
    assert_error(grace.get(f"/api/v1/assessments/{theirs['id']}"), 403, "forbidden")
    assert grace.get(f"/api/v1/assessments/{mine['id']}/invite.ics").status_code == 200
    # and the apprentice of their own booking, but only that one
    assert grace.get(f"/api/v1/apprentices/{booking_world['apprentice']}").status_code == 200
    assert_error(grace.post("/api/v1/assessments", json=booking(booking_world)), 403, "forbidden")


class ApiAs:
    def __init__(self, app, token):
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path, **kw):
        return self.client.get(path, headers=self.headers, **kw)

    def post(self, path, json=None):
        return self.client.post(path, json=json, headers=self.headers)


def test_list_filters(staff, booking_world):
    book(staff, booking_world)
    book(
        staff,
        booking_world,
        method="project",
        starts_at="2027-02-01T09:00",
        assessor_id=booking_world["other_assessor"],
    )

    def ids(query):
        return [a["method"] for a in staff.get(f"/api/v1/assessments?{query}").get_json()["items"]]

    assert ids("") == ["discussion", "project"]
    assert ids(f"assessor_id={booking_world['other_assessor']}") == ["project"]
    assert ids("from=2026-12-10&to=2026-12-10") == ["discussion"]
    assert ids("from=2026-12-11") == ["project"]
    assert ids("status=cancelled") == []
    assert_error(staff.get("/api/v1/assessments?from=soon"), 422, "invalid_date")


def test_withdrawing_an_apprentice_cancels_future_bookings(app, staff, booking_world):
    created = book(staff, booking_world).get_json()
    staff.post(
        f"/api/v1/apprentices/{booking_world['apprentice']}/withdraw",
        json={"reason": "Left the employer"},
    )
    body = staff.get(f"/api/v1/assessments/{created['id']}").get_json()
    assert body["status"] == "cancelled" and "Left the employer" in body["cancel_reason"]
    assert body["sequence"] == 1


def test_a_new_assessor_at_the_same_time_needs_no_fresh_notice(staff, booking_world, move_clock):
    created = book(staff, booking_world).get_json()  # 10 December
    move_clock(datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    path = f"/api/v1/assessments/{created['id']}"
    swapped = staff.patch(path, json={"assessor_id": booking_world["other_assessor"]})
    assert swapped.status_code == 200, swapped.get_json()
    assert_error(
        staff.patch(path, json={"starts_at": "2026-12-11T10:00"}), 422, "insufficient_notice"
    )


def test_backdated_must_already_have_been_held(api, booking_world):
    body = booking(booking_world, starts_at="2026-11-27T10:00", backdated=True)
    assert_error(api("admin").post("/api/v1/assessments", json=body), 422, "backdated_not_held")


def test_a_held_assessment_cannot_move_to_another_assessor(staff, booking_world, move_clock):
    created = book(staff, booking_world).get_json()
    move_clock(datetime(2026, 12, 10, 12, 0, tzinfo=UTC))
    response = staff.patch(
        f"/api/v1/assessments/{created['id']}",
        json={"assessor_id": booking_world["other_assessor"]},
    )
    assert_error(response, 422, "in_the_past")
