"""Conflicts of interest, unavailability, the calendar feed, and invitations by email."""

import pytest
from icalendar import Calendar

from tests.api.test_assessments import ApiAs, book
from tests.api.test_conventions import assert_error
from tests.mail.test_outbox import configure_mail, smtp_server  # noqa: F401  (fixtures)


@pytest.fixture
def staff(api, booking_world):
    return api("staff")


def test_conflicts_are_added_listed_refused_twice_and_removed(staff, booking_world):
    path = f"/api/v1/users/{booking_world['assessor']}/conflicts"
    created = staff.post(path, json={"employer_id": booking_world["employer"]})
    assert created.status_code == 201
    body = created.get_json()
    assert body["employer_id"] == booking_world["employer"] and body["provider_id"] is None
    assert_error(
        staff.post(path, json={"employer_id": booking_world["employer"]}), 409, "duplicate_conflict"
    )
    for bad in (
        {},
        {"employer_id": booking_world["employer"], "provider_id": booking_world["provider"]},
        {"employer_id": 999999},
    ):
        assert_error(staff.post(path, json=bad), 422, "validation_failed")
    assert staff.get(path).get_json()["total"] == 1
    assert staff.delete(f"{path}/{body['id']}").status_code == 204
    assert staff.get(path).get_json()["total"] == 0


def test_conflicts_only_for_assessors_and_only_by_the_office(api, staff, booking_world, make_user):
    not_assessor = make_user("staff")
    assert_error(
        staff.post(
            f"/api/v1/users/{not_assessor}/conflicts",
            json={"employer_id": booking_world["employer"]},
        ),
        422,
        "not_an_assessor",
    )
    assert_error(
        api("assessor").post(
            f"/api/v1/users/{booking_world['assessor']}/conflicts",
            json={"employer_id": booking_world["employer"]},
        ),
        403,
        "forbidden",
    )


def test_assessors_record_their_own_unavailability_only(app, make_token, booking_world):
    grace = ApiAs(app, make_token(user_id=booking_world["assessor"]))
    period = {
        "starts_at": "2026-12-14T00:00",
        "ends_at": "2026-12-19T00:00",
        "reason": "Annual leave",
    }
    own = grace.post(f"/api/v1/users/{booking_world['assessor']}/unavailability", json=period)
    assert own.status_code == 201
    assert own.get_json()["starts_at"] == "2026-12-14T00:00:00+00:00"
    other = grace.post(
        f"/api/v1/users/{booking_world['other_assessor']}/unavailability", json=period
    )
    assert_error(other, 403, "forbidden")


@pytest.mark.parametrize(
    "period, code, field",
    [
        (
            {"starts_at": "2026-12-14T10:00", "ends_at": "2026-12-14T09:00", "reason": "x"},
            "validation_failed",
            "ends_at",
        ),
        (
            {"starts_at": "2027-03-28T01:30", "ends_at": "2027-03-28T05:00", "reason": "x"},
            "invalid_local_time",
            "starts_at",
        ),
        (
            {"starts_at": "2026-12-14T10:00", "ends_at": "2026-12-14T11:00"},
            "validation_failed",
            "reason",
        ),
    ],
)
def test_bad_unavailability_is_refused(staff, booking_world, period, code, field):
    path = f"/api/v1/users/{booking_world['assessor']}/unavailability"
    error = assert_error(staff.post(path, json=period), 422, code)
    assert field in error["fields"]


def test_the_calendar_feed_carries_the_bookings_but_no_personal_details(
    app, client, staff, booking_world, make_token
):
    created = book(staff, booking_world).get_json()
    grace = ApiAs(app, make_token(user_id=booking_world["assessor"]))
    response = grace.post(f"/api/v1/users/{booking_world['assessor']}/calendar-token")
    assert response.status_code == 201
    feed_url = response.get_json()["feed_url"]
    path = feed_url.split("localhost", 1)[1]
    feed = client.get(path)  # no sign-in, no token header: the address is the key
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    calendar = Calendar.from_ical(feed.data)
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]).startswith("assessment-")
    text = feed.data.decode()
    # no email, no date of birth (booking_world's apprentice was born on 10 January 2000)
    assert "sam.taylor@example.com" not in text
    for born in ("2000-01-10", "20000110", "10/01/2000", "10 January 2000"):
        assert born not in text
    assert "1234567899" not in text  # nor the ULN: the name is enough for a diary
    assert "Sam Taylor" in text
    staff.post(f"/api/v1/assessments/{created['id']}/cancel", json={"reason": "Ill"})
    [cancelled] = Calendar.from_ical(client.get(path).data).walk("VEVENT")
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 1
    # a new address revokes the old one
    again = grace.post(f"/api/v1/users/{booking_world['assessor']}/calendar-token")
    assert client.get(path).status_code == 404
    assert client.get(again.get_json()["feed_url"].split("localhost", 1)[1]).status_code == 200


def test_only_an_administrator_or_the_assessor_issues_a_feed_address(api, booking_world):
    path = f"/api/v1/users/{booking_world['assessor']}/calendar-token"
    assert_error(api("staff").post(path), 403, "forbidden")
    assert_error(api("assessor").post(path), 403, "forbidden")
    assert api("admin").post(path).status_code == 201


def test_an_unknown_feed_is_404(client):
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404


def test_booking_emails_the_assessor_and_the_apprentice_with_the_invite(
    staff,
    booking_world,
    smtp_server,  # noqa: F811
    configure_mail,  # noqa: F811
):
    configure_mail(smtp_server.port)
    created = book(staff, booking_world).get_json()
    messages = smtp_server.inbox.messages()
    assert sorted(m["To"].addresses[0].addr_spec for m in messages) == [
        "grace@epao.example",
        "sam.taylor@example.com",
    ]
    for message in messages:
        calendars = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert calendars and calendars[0].get_param("method") == "REQUEST"
    staff.post(f"/api/v1/assessments/{created['id']}/cancel", json={"reason": "Ill"})
    cancels = smtp_server.inbox.messages()[2:]
    assert len(cancels) == 2
    assert all(
        p.get_param("method") == "CANCEL"
        for m in cancels
        for p in m.walk()
        if p.get_content_type() == "text/calendar"
    )


def test_a_mail_failure_never_loses_the_booking(app, staff, booking_world, configure_mail):  # noqa: F811
    from sqlalchemy import select

    from epa.extensions import db
    from epa.mail.models import OutboxMessage

    configure_mail(1)  # nothing listens on port 1
    response = book(staff, booking_world)
    assert response.status_code == 201
    with app.app_context():
        waiting = db.session.scalars(select(OutboxMessage)).all()
        assert len(waiting) == 2 and all(m.sent_at is None for m in waiting)
        # the first fails; the rest wait untried once the server is known to be down
        assert sorted(m.attempts for m in waiting) == [0, 1]
        assert any(m.last_error for m in waiting)


def test_withdrawing_an_apprentice_emails_the_cancellations(
    staff,
    booking_world,
    smtp_server,
    configure_mail,  # noqa: F811
):
    configure_mail(smtp_server.port)
    book(staff, booking_world)
    staff.post(
        f"/api/v1/apprentices/{booking_world['apprentice']}/withdraw",
        json={"reason": "Left the employer"},
    )
    cancels = smtp_server.inbox.messages()[2:]
    assert len(cancels) == 2
    assert all(
        p.get_param("method") == "CANCEL"
        for m in cancels
        for p in m.walk()
        if p.get_content_type() == "text/calendar"
    )


def test_a_backdated_booking_sends_no_invitation(
    api,
    booking_world,
    smtp_server,
    configure_mail,  # noqa: F811
):
    from tests.api.test_assessments import booking

    configure_mail(smtp_server.port)
    body = booking(booking_world, starts_at="2026-11-20T10:00", backdated=True)
    assert api("admin").post("/api/v1/assessments", json=body).status_code == 201
    assert smtp_server.inbox.messages() == []
