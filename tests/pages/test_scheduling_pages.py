"""Booking, moving and cancelling assessments through pages that call the scheduling services,
and the diaries: the staff's week, an assessor's own list, calendar feed and unavailability."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, func, select

from epa.apprentices.models import Apprentice
from epa.auth.models import User
from epa.extensions import db
from epa.mail.models import OutboxMessage
from epa.scheduling import services
from epa.scheduling.models import Assessment, AssessorConflict, Unavailability
from epa.scheduling.schemas import Booking
from tests.conftest import PASSWORD, csrf_token
from tests.pages.test_apprentice_pages import error_beside

GRACE = "grace@epao.example"
DISCUSSION = "Professional discussion"
PROJECT = "Project and Practical Assessment"


@pytest.fixture
def office(booking_world, signed_in):
    """Signed in as staff in the booking world (26 November 2026)."""
    signed_in("staff")
    return booking_world


@pytest.fixture
def as_grace(booking_world, auth):
    """Signed in as Grace Okafor, one of the booking world's assessors."""
    assert auth.sign_in(GRACE).status_code == 302
    return booking_world


def new_page(world) -> str:
    return f"/apprentices/{world['apprentice']}/assessments/new"


def book_form(client, world, apprentice_id=None, **changes) -> dict:
    page = client.get(f"/apprentices/{apprentice_id or world['apprentice']}/assessments/new")
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_token(page.data),
        "method": "discussion",
        "starts_on": ["10", "12", "2026"],  # a Thursday, exactly 14 days ahead
        "start_time": "10:00",
        "assessor_id": str(world["assessor"]),
        "location": "Online (Microsoft Teams)",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def book(client, world, apprentice_id=None, **changes):
    path = f"/apprentices/{apprentice_id or world['apprentice']}/assessments/new"
    return client.post(path, data=book_form(client, world, apprentice_id, **changes))


def booked(app) -> list[Assessment]:
    with app.app_context():
        rows = db.session.scalars(select(Assessment).order_by(Assessment.id)).all()
        db.session.expunge_all()
        return rows


def book_directly(app, world, apprentice_id=None, backdated=False, **changes) -> int:
    """A booking made through the service, as an administrator (who may record past ones)."""
    body = {
        "apprentice_id": apprentice_id or world["apprentice"],
        "method": "discussion",
        "assessor_id": world["assessor"],
        "starts_at": "2026-12-10T10:00",
        "location": "Room 1",
        "backdated": backdated,
    }
    body.update(changes)
    body = Booking.read(body)
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        if admin is None:
            from epa.auth.schemas import UserNew
            from epa.auth.services import create_user

            new = {"email": "boss@epao.example", "name": "Ada Admin", "role": "admin"}
            admin = create_user(UserNew.read({**new, "password": PASSWORD}))
        assessment = services.book_assessment(body, admin)
        db.session.commit()
        return assessment.id


@pytest.fixture
def second_apprentice(make_gateway_passed, booking_world):
    """Another apprentice of the same employer, through gateway on 2 November 2026."""
    return make_gateway_passed(
        uln="1000000000", given_names="Priya", family_name="Shah", start_date="2025-06-02"
    )


def radio(html: str, name: str, value: str) -> str:
    """The radio input for one choice, and its label and hint."""
    match = re.search(
        rf'<input class="govuk-radios__input" id="[^"]*" name="{name}" type="radio" '
        rf'value="{value}".*?</div>',
        html,
        re.S,
    )
    assert match, f"no {name} radio for {value}"
    return match.group(0)


# Booking


def test_booking_page_offers_the_plan_s_methods_and_the_assessors(client, office):
    html = client.get(new_page(office)).get_data(as_text=True)
    assert html.count("<h1") == 1 and "<title>Book an assessment" in html
    discussion = radio(html, "method", "discussion")
    assert DISCUSSION in discussion
    assert "1 hour. Between 2 November 2026 and 2 March 2027, with at least 14 days’ notice" in (
        discussion
    )
    assert "3 hours. Between 1 February 2027 and 2 March 2027" in radio(html, "method", "project")
    for box in ["starts_on-day", "starts_on-month", "starts_on-year", "start_time"]:
        assert f'id="{box}"' in html
    assert "For example, 09:30" in html
    assert "Grace Okafor" in radio(html, "assessor_id", str(office["assessor"]))
    assert "disabled" not in radio(html, "assessor_id", str(office["other_assessor"]))
    assert "Only conflicts of interest and disabled accounts are checked" in html


def test_a_valid_booking_is_made_announced_and_shown_on_the_apprentice_page(app, client, office):
    response = book(client, office)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/apprentices/{office['apprentice']}"
    [assessment] = booked(app)
    assert assessment.starts_at == datetime(2026, 12, 10, 10, 0, tzinfo=UTC)
    assert (assessment.status, assessment.sequence, assessment.location) == (
        "booked",
        0,
        "Online (Microsoft Teams)",
    )
    with app.app_context():
        invited = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert "grace@epao.example" in invited  # queued in the booking's transaction
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        f"{DISCUSSION} booked with Grace Okafor: Thursday 10 December 2026, 10:00 to 11:00." in page
    )
    assert "No assessments are booked yet." not in page
    for words in ["Thursday 10 December 2026, 10:00 to 11:00", "Online (Microsoft Teams)"]:
        assert words in page
    assert re.search(r'govuk-tag--blue">\s*Booked', page)
    for link in ["reschedule", "cancel", "invite.ics"]:
        assert f'href="/assessments/{assessment.id}/{link}"' in page
    assert f'href="{new_page(office)}"' in page  # another method can still be booked


def test_summer_time_is_entered_and_shown_as_uk_time(app, client, office):
    with app.app_context():
        db.session.get(Apprentice, office["apprentice"]).epa_deadline = date(2027, 6, 1)
        db.session.commit()
    response = book(client, office, starts_on=["1", "4", "2027"], start_time="9:30")
    assert response.status_code == 302, response.data
    [assessment] = booked(app)
    assert assessment.starts_at == datetime(2027, 4, 1, 8, 30, tzinfo=UTC)  # 09:30 BST
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thursday 1 April 2027, 09:30 to 10:30" in page


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"starts_on": ["9", "12", "2026"]}, "starts_on", "Book at least 14 days ahead"),
        ({"starts_on": ["25", "11", "2026"]}, "starts_on", "The start time is in the past"),
        (
            {"starts_on": ["12", "12", "2026"]},
            "starts_on",
            "12 December 2026 is a Saturday; choose a working day",
        ),
        (
            {"starts_on": ["28", "12", "2026"]},
            "starts_on",
            "28 December 2026 is a bank holiday (Boxing Day (observed))",
        ),
        ({"start_time": "17:30"}, "starts_on", "end by 18:00 (UK time)"),
        ({"start_time": "07:30"}, "starts_on", "start at 08:00 or later"),
        (
            {"starts_on": ["3", "3", "2027"]},
            "starts_on",
            "between 2 November 2026 and 2 March 2027 (the EPA period)",
        ),
        (
            {"method": "project"},
            "starts_on",
            "must be held between 1 February 2027 and 2 March 2027",
        ),
        # Parsing comes first, so a time the clocks skip is refused before the Sunday is.
        (
            {"starts_on": ["28", "3", "2027"], "start_time": "01:30"},
            "starts_on",
            "01:30 on 28 March 2027 does not exist in the UK",
        ),
        (
            {"starts_on": ["25", "10", "2026"], "start_time": "01:30"},
            "starts_on",
            "happens twice in the UK",
        ),
        ({"start_time": "2pm"}, "start_time", "on the 24-hour clock, for example 09:30"),
        ({"start_time": "24:00"}, "start_time", "on the 24-hour clock"),
        ({"start_time": "10:0"}, "start_time", "on the 24-hour clock"),
        ({"start_time": ""}, "start_time", "Enter the start time"),
        ({"starts_on": ["", "", ""]}, "starts_on", "Enter the date"),
        ({"starts_on": ["31", "2", "2027"]}, "starts_on", "Enter the date as a real date"),
        ({"starts_on": ["10", "12", ""]}, "starts_on", "must include a year"),
        ({"method": None}, "method", "Enter the assessment method"),
        ({"method": "portfolio"}, "method", "Choose one of: project, discussion"),
        ({"assessor_id": None}, "assessor_id", "Select the assessor"),
        ({"location": "x" * 501}, "location", "500 characters or fewer"),
    ],
)
def test_each_refusal_is_shown_beside_its_field_and_nothing_is_booked(
    app, client, office, changes, field, message
):
    response = book(client, office, **changes)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<title>Error: Book an assessment" in html and "There is a problem" in html
    anchor = "starts_on-day" if field == "starts_on" else field
    assert f'href="#{anchor}"' in html
    assert message in error_beside(html, field)
    assert booked(app) == []


def test_a_missing_time_is_said_once_beside_the_time(client, office):
    html = book(client, office, start_time="").get_data(as_text=True)
    assert "Enter the start time" in error_beside(html, "start_time")
    assert 'id="starts_on-error"' not in html


def test_a_page_refusal_is_the_one_the_api_gives(client, office, api):
    body = {
        "apprentice_id": office["apprentice"],
        "method": "discussion",
        "assessor_id": office["assessor"],
        "starts_at": "2026-12-12T10:00",
    }
    answer = api("staff").post("/api/v1/assessments", json=body).get_json()["error"]
    html = book(client, office, starts_on=["12", "12", "2026"]).get_data(as_text=True)
    assert error_beside(html, "starts_on") == answer["fields"]["starts_at"]


def test_booking_a_withdrawn_apprentice_is_refused_above_the_form(app, client, office):
    data = book_form(client, office)
    with app.app_context():
        db.session.get(Apprentice, office["apprentice"]).status = "withdrawn"
        db.session.commit()
    response = client.post(new_page(office), data=data)
    assert response.status_code == 422
    assert "The apprentice has been withdrawn." in response.get_data(as_text=True)
    assert booked(app) == []
    assert client.get(new_page(office)).status_code == 302  # the page itself sends them back


def test_booking_without_csrf_changes_nothing(app, client, office):
    data = book_form(client, office)
    del data["csrf_token"]
    assert client.post(new_page(office), data=data).status_code == 400
    assert booked(app) == []


def test_checking_who_is_free_books_nothing(app, client, office):
    response = client.post(new_page(office), data=book_form(client, office, check="y"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Showing who is free for the professional discussion" in html
    assert "on Thursday 10 December 2026 from 10:00" in html
    assert booked(app) == []


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"starts_on": ["28", "12", "2026"]}, "bank holiday (Boxing Day (observed))"),
        ({"starts_on": ["28", "3", "2027"], "start_time": "01:30"}, "does not exist in the UK"),
        ({"method": "project"}, "between 1 February 2027 and 2 March 2027"),
    ],
)
def test_checking_says_what_is_wrong_with_the_time(app, client, office, changes, message):
    data = book_form(client, office, check="y", **changes)
    response = client.post(new_page(office), data=data)
    assert response.status_code == 422
    assert message in error_beside(response.get_data(as_text=True), "starts_on")
    assert booked(app) == []


def test_an_assessor_booked_elsewhere_is_greyed_out_and_refused(
    app, client, office, second_apprentice
):
    book_directly(app, office)  # Grace: 10:00 to 11:00 with the first apprentice
    data = book_form(client, office, second_apprentice, start_time="10:30", check="y")
    html = client.post(f"/apprentices/{second_apprentice}/assessments/new", data=data).get_data(
        as_text=True
    )
    grace = radio(html, "assessor_id", str(office["assessor"]))
    assert " disabled" in grace and "Has another assessment at that time" in grace
    assert " disabled" not in radio(html, "assessor_id", str(office["other_assessor"]))
    response = book(client, office, second_apprentice, start_time="10:30")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "The assessor has another assessment at that time" in error_beside(html, "assessor_id")
    assert len(booked(app)) == 1
    fine = book(
        client, office, second_apprentice, start_time="10:30", assessor_id=office["other_assessor"]
    )
    assert fine.status_code == 302


def test_an_apprentice_booked_already_is_refused_beside_the_time(app, client, office):
    book_directly(app, office, method="project", starts_at="2027-02-01T09:00")
    response = book(
        client, office, starts_on=["1", "2", "2027"], start_time="11:00", assessor_id=None
    )
    html = response.get_data(as_text=True)
    assert "Select the assessor" in error_beside(html, "assessor_id")
    response = book(
        client,
        office,
        starts_on=["1", "2", "2027"],
        start_time="11:00",
        assessor_id=office["other_assessor"],
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "The apprentice has another assessment at that time" in error_beside(html, "starts_on")


def test_a_method_booked_already_is_refused_beside_the_method(app, client, office):
    book_directly(app, office)
    response = book(client, office, starts_on=["14", "12", "2026"])
    assert response.status_code == 409
    assert "already booked for the apprentice" in error_beside(
        response.get_data(as_text=True), "method"
    )


def add_conflict(app, assessor_id, **organisation):
    with app.app_context():
        db.session.add(AssessorConflict(assessor_id=assessor_id, **organisation))
        db.session.commit()


def test_a_conflict_of_interest_greys_out_the_assessor_with_its_reason(app, client, office):
    add_conflict(app, office["assessor"], employer_id=office["employer"])
    html = client.get(new_page(office)).get_data(as_text=True)
    grace = radio(html, "assessor_id", str(office["assessor"]))
    assert " disabled" in grace
    assert "Conflict of interest with Northwind Digital Ltd" in grace
    assert " disabled" not in radio(html, "assessor_id", str(office["other_assessor"]))
    response = book(client, office)  # chosen anyway, as from a page left open
    assert response.status_code == 409
    assert "declared conflict of interest" in error_beside(
        response.get_data(as_text=True), "assessor_id"
    )
    assert booked(app) == []


def test_unavailability_and_disabled_accounts_are_reasons_too(app, client, office, make_user):
    with app.app_context():
        db.session.add(
            Unavailability(
                assessor_id=office["assessor"],
                starts_at=datetime(2026, 12, 10, 0, 0, tzinfo=UTC),
                ends_at=datetime(2026, 12, 11, 0, 0, tzinfo=UTC),
                reason="Annual leave",
            )
        )
        gone = db.session.get(User, make_user("assessor", name="Ivy Former"))
        gone.is_enabled = False
        db.session.commit()
        gone_id = gone.id
    html = client.post(new_page(office), data=book_form(client, office, check="y")).get_data(
        as_text=True
    )
    assert "Unavailable: Annual leave" in radio(html, "assessor_id", str(office["assessor"]))
    assert "Account disabled" in radio(html, "assessor_id", str(gone_id))
    response = book(client, office)
    assert response.status_code == 409
    assert "unavailable at that time" in error_beside(
        response.get_data(as_text=True), "assessor_id"
    )


# The apprentice page


def test_book_button_only_once_gateway_is_passed_and_not_withdrawn(
    app, client, office, make_apprentice
):
    page = client.get(f"/apprentices/{office['apprentice']}").get_data(as_text=True)
    assert f'href="{new_page(office)}"' in page and "Book an assessment" in page
    registered = make_apprentice(uln="1000000000")
    page = client.get(f"/apprentices/{registered}").get_data(as_text=True)
    assert "Book an assessment" not in page and "No assessments are booked yet." in page
    with app.app_context():
        db.session.get(Apprentice, office["apprentice"]).status = "withdrawn"
        db.session.commit()
    page = client.get(f"/apprentices/{office['apprentice']}").get_data(as_text=True)
    assert "Book an assessment" not in page


def test_an_assessor_sees_only_their_own_bookings_of_an_apprentice(app, client, as_grace):
    book_directly(app, as_grace)
    book_directly(
        app,
        as_grace,
        method="project",
        starts_at="2027-02-01T10:00",
        assessor_id=as_grace["other_assessor"],
    )
    page = client.get(f"/apprentices/{as_grace['apprentice']}").get_data(as_text=True)
    assert DISCUSSION in page and PROJECT not in page
    assert "Book an assessment" not in page and "/reschedule" not in page
    assert "invite.ics" in page


# Reschedule and cancel


def reschedule_form(client, assessment_id, **changes) -> dict:
    page = client.get(f"/assessments/{assessment_id}/reschedule")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page.data),
        "starts_on": [
            re.search(rf'id="starts_on-{box}"[^>]*value="([^"]*)"', html)[1]
            for box in ["day", "month", "year"]
        ],
        "start_time": re.search(r'id="start_time"[^>]*value="([^"]*)"', html)[1],
        "assessor_id": re.search(r'name="assessor_id" type="radio" value="(\d+)" checked', html)[1],
        "location": re.search(r'id="location"[^>]*value="([^"]*)"', html)[1],
    }
    data.update(changes)
    return data


def reschedule(client, assessment_id, **changes):
    return client.post(
        f"/assessments/{assessment_id}/reschedule",
        data=reschedule_form(client, assessment_id, **changes),
    )


def test_reschedule_shows_the_booking_and_raises_the_sequence(app, client, office):
    assessment_id = book_directly(app, office)
    data = reschedule_form(client, assessment_id)
    assert data["starts_on"] == ["10", "12", "2026"] and data["start_time"] == "10:00"
    assert data["assessor_id"] == str(office["assessor"]) and data["location"] == "Room 1"
    response = reschedule(client, assessment_id, starts_on=["11", "12", "2026"], start_time="14:00")
    assert response.status_code == 302
    [moved] = booked(app)
    assert moved.starts_at == datetime(2026, 12, 11, 14, 0, tzinfo=UTC) and moved.sequence == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "changed: Friday 11 December 2026, 14:00 to 15:00 with Grace Okafor." in page
    response = reschedule(client, assessment_id, assessor_id=str(office["other_assessor"]))
    assert response.status_code == 302
    [moved] = booked(app)
    assert moved.assessor_id == office["other_assessor"] and moved.sequence == 2
    with app.app_context():
        cancellations = db.session.scalars(
            select(OutboxMessage.to_address).where(OutboxMessage.ics_method == "CANCEL")
        ).all()
    assert cancellations == [GRACE]  # the previous assessor's calendar drops it


def test_reschedule_without_a_change_keeps_the_sequence(app, client, office):
    assessment_id = book_directly(app, office)
    response = reschedule(client, assessment_id)
    assert response.status_code == 302
    assert booked(app)[0].sequence == 0
    assert "Nothing was changed." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_reschedule_onto_its_own_slot_offers_its_own_assessor(app, client, office):
    assessment_id = book_directly(app, office)
    html = client.get(f"/assessments/{assessment_id}/reschedule").get_data(as_text=True)
    assert " disabled" not in radio(html, "assessor_id", str(office["assessor"]))
    assert reschedule(client, assessment_id, start_time="10:30").status_code == 302


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"starts_on": ["12", "12", "2026"]}, "starts_on", "is a Saturday"),
        (
            {"starts_on": ["28", "3", "2027"], "start_time": "01:30"},
            "starts_on",
            "does not exist in the UK",
        ),
        ({"start_time": "9.30"}, "start_time", "24-hour clock"),
        ({"start_time": "17:30"}, "starts_on", "end by 18:00"),
    ],
)
def test_reschedule_refusals_are_beside_their_fields(app, client, office, changes, field, message):
    assessment_id = book_directly(app, office)
    response = reschedule(client, assessment_id, **changes)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in error_beside(html, field)
    assert "<title>Error: Change the professional discussion" in html
    [unchanged] = booked(app)
    assert unchanged.sequence == 0 and unchanged.starts_at.hour == 10


def test_reschedule_to_a_busy_assessor_is_a_conflict(app, client, office, second_apprentice):
    book_directly(
        app, office, apprentice_id=second_apprentice, assessor_id=office["other_assessor"]
    )
    assessment_id = book_directly(app, office)
    response = reschedule(client, assessment_id, assessor_id=str(office["other_assessor"]))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "another assessment at that time" in error_beside(html, "assessor_id")
    dan = radio(html, "assessor_id", str(office["other_assessor"]))
    assert "Has another assessment at that time" in dan


def cancel(client, assessment_id, **data):
    page = client.get(f"/assessments/{assessment_id}/cancel")
    assert page.status_code == 200
    return client.post(
        f"/assessments/{assessment_id}/cancel", data={"csrf_token": csrf_token(page.data), **data}
    )


def test_cancel_needs_a_reason_then_keeps_it(app, client, office):
    assessment_id = book_directly(app, office)
    page = client.get(f"/assessments/{assessment_id}/cancel").get_data(as_text=True)
    assert "govuk-warning-text" in page and "cannot be undone" in page
    response = cancel(client, assessment_id, reason="  ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter the reason for cancelling" in error_beside(html, "reason")
    assert 'href="#reason"' in html
    assert booked(app)[0].status == "booked"
    response = cancel(client, assessment_id, reason="The apprentice is ill.")
    assert response.status_code == 302
    [cancelled] = booked(app)
    assert (cancelled.status, cancelled.sequence, cancelled.cancel_reason) == (
        "cancelled",
        1,
        "The apprentice is ill.",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is cancelled." in page and "The apprentice is ill." in page
    assert re.search(r'govuk-tag--grey">\s*Cancelled', page)
    assert f"/assessments/{assessment_id}/reschedule" not in page
    assert client.get(f"/assessments/{assessment_id}/cancel").status_code == 302
    assert client.get(f"/assessments/{assessment_id}/reschedule").status_code == 302


def test_cancel_without_csrf_changes_nothing(app, client, office):
    assessment_id = book_directly(app, office)
    response = client.post(f"/assessments/{assessment_id}/cancel", data={"reason": "Ill."})
    assert response.status_code == 400
    assert booked(app)[0].status == "booked"


# Invites


def test_invite_download_is_a_calendar_file_for_those_allowed(app, client, office, auth):
    assessment_id = book_directly(app, office)
    response = client.get(f"/assessments/{assessment_id}/invite.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert b"BEGIN:VEVENT" in response.data and b"METHOD:REQUEST" in response.data
    assert "attachment" in response.headers["Content-Disposition"]
    client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/").data)})
    assert auth.sign_in("dan@epao.example").status_code == 302
    assert client.get(f"/assessments/{assessment_id}/invite.ics").status_code == 403
    client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/").data)})
    assert auth.sign_in(GRACE).status_code == 302
    assert client.get(f"/assessments/{assessment_id}/invite.ics").status_code == 200


# Diaries


def test_the_diary_shows_a_week_of_bookings_by_day(app, client, office, second_apprentice):
    book_directly(app, office)
    book_directly(
        app,
        office,
        apprentice_id=second_apprentice,
        starts_at="2026-12-11T14:00",
        assessor_id=office["other_assessor"],
        location="Leeds office",
    )
    book_directly(app, office, method="project", starts_at="2027-02-01T09:00")  # another week
    html = client.get("/diary?week=2026-12-09").get_data(as_text=True)  # any day of the week
    assert html.count("<h1") == 1 and "Week of 7 December 2026" in html
    days = ["Monday 7", "Tuesday 8", "Wednesday 9", "Thursday 10", "Friday 11"]
    positions = [html.index(f">{day} December 2026<") for day in days]
    assert positions == sorted(positions)
    assert "Saturday 12 December" not in html  # weekends only when something is booked
    assert html.index("Room 1") < html.index("Leeds office")
    for words in ["10:00 to 11:00", "14:00 to 15:00", "Sam Taylor", "ULN 1234567899", "Dan Morgan"]:
        assert words in html
    booked = html.split('class="epa-filter"')[1].split("</form>")[1]  # the filter names all
    assert PROJECT not in booked and "&lt;a" not in html
    assert f'href="/apprentices/{second_apprentice}"' in html
    assert f'href="/assessors/{office["assessor"]}"' in html
    assert 'href="/diary?week=2026-11-30"' in html and 'href="/diary?week=2026-12-14"' in html
    one = client.get(f"/diary?week=2026-12-07&assessor_id={office['other_assessor']}")
    html = one.get_data(as_text=True)
    assert "Leeds office" in html and "Room 1" not in html
    assert f'href="/diary?week=2026-12-14&amp;assessor_id={office["other_assessor"]}"' in html


def test_the_diary_marks_bank_holidays(client, office):
    html = client.get("/diary?week=2026-12-28").get_data(as_text=True)
    assert "Bank holiday: Boxing Day (observed)" in html
    assert "Bank holiday: New Year&#39;s Day" in html or "Bank holiday: New Year's Day" in html
    assert client.get("/diary?week=nonsense").status_code == 200  # this week instead


def test_the_diary_loads_a_week_in_a_fixed_number_of_queries(
    app, client, office, second_apprentice
):
    def queries_for_week() -> int:
        statements = []

        def count(*args):
            statements.append(args[2])

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/diary?week=2026-12-07").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    book_directly(app, office)
    one = queries_for_week()
    book_directly(
        app,
        office,
        apprentice_id=second_apprentice,
        starts_at="2026-12-11T14:00",
        assessor_id=office["other_assessor"],
    )
    assert queries_for_week() == one


def test_an_assessor_lists_only_their_own_assessments_upcoming_first(
    app, client, booking_world, second_apprentice, auth
):
    past = book_directly(
        app, booking_world, backdated=True, starts_at="2026-11-20T10:00", location="Past room"
    )
    soon = book_directly(app, booking_world, apprentice_id=second_apprentice, location="Soon room")
    book_directly(
        app,
        booking_world,
        method="project",
        starts_at="2027-02-01T10:00",
        assessor_id=booking_world["other_assessor"],
        location="Dan's room",
    )
    assert auth.sign_in(GRACE).status_code == 302
    html = client.get("/my-assessments").get_data(as_text=True)
    assert html.count("<h1") == 1
    assert html.index("Soon room") < html.index("Past room")
    assert html.index("Today and later") < html.index("Soon room") < html.index("Earlier")
    assert "Priya Shah" in html and "ULN 1000000000" in html and "Dan&#39;s room" not in html
    for assessment_id in (past, soon):
        assert f'href="/assessments/{assessment_id}/invite.ics"' in html
    assert "Friday 20 November 2026, 10:00 to 11:00" in html
    assert f'href="/apprentices/{second_apprentice}"' in html and "&lt;a" not in html


# Calendar subscription


def feed_url(html: str) -> str:
    return re.search(r'id="feed_url"[^>]*value="([^"]+)"', html)[1]


def test_subscribing_issues_a_feed_address_and_a_new_one_revokes_it(client, as_grace):
    page = client.get("/calendar")
    html = page.get_data(as_text=True)
    assert html.count("<h1") == 1 and "Subscribe to your calendar" in html
    assert "Subscribe from web" in html and "From URL" in html and "every few hours" in html
    assert 'id="feed_url"' not in html
    response = client.post("/calendar", data={"csrf_token": csrf_token(page.data)})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    first = feed_url(response.get_data(as_text=True))
    assert re.fullmatch(r"http://localhost/calendar/[\w-]+\.ics", first)
    feed = client.get(first)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    again = client.get("/calendar")
    assert "stops the old one working" in again.get_data(as_text=True)
    second = feed_url(
        client.post("/calendar", data={"csrf_token": csrf_token(again.data)}).get_data(as_text=True)
    )
    assert second != first
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_subscribing_without_csrf_issues_nothing(app, client, as_grace):
    assert client.post("/calendar").status_code == 400
    with app.app_context():
        assert db.session.get(User, as_grace["assessor"]).calendar_token_hash is None


def test_an_administrator_issues_a_feed_address_for_an_assessor(client, booking_world, signed_in):
    signed_in("admin")
    grace = booking_world["assessor"]
    page = client.get(f"/assessors/{grace}")
    assert "Issue a new calendar address" in page.get_data(as_text=True)
    response = client.post(
        f"/assessors/{grace}/calendar", data={"csrf_token": csrf_token(page.data)}
    )
    html = response.get_data(as_text=True)
    assert "Calendar address for Grace Okafor" in html
    assert client.get(feed_url(html)).status_code == 200


def test_staff_may_not_issue_feed_addresses(client, office):
    page = client.get(f"/assessors/{office['assessor']}")
    assert "Issue a new calendar address" not in page.get_data(as_text=True)
    response = client.post(
        f"/assessors/{office['assessor']}/calendar", data={"csrf_token": csrf_token(page.data)}
    )
    assert response.status_code == 403


# Conflicts of interest and unavailability


def post_to(client, path, **data):
    page = client.get("/")
    return client.post(path, data={"csrf_token": csrf_token(page.data), **data})


def test_assessors_list_links_to_each(client, office):
    html = client.get("/assessors").get_data(as_text=True)
    assert "2 assessors" in html
    assert f'href="/assessors/{office["assessor"]}"' in html and "Dan Morgan" in html


def test_conflicts_of_interest_are_added_and_removed(app, client, office):
    grace = office["assessor"]
    response = post_to(client, f"/assessors/{grace}/conflicts", employer_id=str(office["employer"]))
    assert response.status_code == 302 and response.headers["Location"] == f"/assessors/{grace}"
    page = client.get(f"/assessors/{grace}").get_data(as_text=True)
    assert "Conflict of interest with Northwind Digital Ltd added." in page
    with app.app_context():
        conflict_id = db.session.scalar(select(AssessorConflict.id))
    assert f'action="/assessors/{grace}/conflicts/{conflict_id}/remove"' in page
    assert "&lt;" not in page
    again = post_to(client, f"/assessors/{grace}/conflicts", employer_id=str(office["employer"]))
    assert again.status_code == 409
    assert "Already recorded" in error_beside(again.get_data(as_text=True), "employer_id")
    response = post_to(client, f"/assessors/{grace}/conflicts", provider_id=str(office["provider"]))
    assert response.status_code == 302
    assert post_to(client, f"/assessors/{grace}/conflicts/{conflict_id}/remove").status_code == 302
    with app.app_context():
        remaining = db.session.scalars(select(AssessorConflict)).all()
        assert [c.provider_id for c in remaining] == [office["provider"]]


def test_a_conflict_needs_one_organisation(app, client, office):
    grace = office["assessor"]
    response = post_to(client, f"/assessors/{grace}/conflicts", employer_id="", provider_id="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<title>Error: Grace Okafor" in html
    assert "either an employer or a training provider" in error_beside(html, "employer_id")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AssessorConflict)) == 0


def test_unavailability_of_whole_days_is_added_shown_and_removed(app, client, office):
    grace = office["assessor"]
    response = post_to(
        client,
        f"/assessors/{grace}/unavailability",
        starts_on=["21", "12", "2026"],
        start_time="",
        ends_on=["1", "1", "2027"],
        end_time="",
        reason="Annual leave",
    )
    assert response.status_code == 302, response.data
    with app.app_context():
        period = db.session.scalar(select(Unavailability))
        assert period.starts_at == datetime(2026, 12, 21, 0, 0, tzinfo=UTC)
        assert period.ends_at == datetime(2027, 1, 2, 0, 0, tzinfo=UTC)
        period_id = period.id
    page = client.get(f"/assessors/{grace}").get_data(as_text=True)
    assert "Unavailability added: Annual leave." in page
    assert "21 December 2026 to 1 January 2027" in page
    remove = f"/assessors/{grace}/unavailability/{period_id}/remove"
    assert post_to(client, remove).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Unavailability)) == 0


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"ends_on": ["9", "12", "2026"], "end_time": "09:00"}, "ends_on", "after the start"),
        ({"reason": " "}, "reason", "Enter the reason"),
        ({"starts_on": ["", "", ""]}, "starts_on", "Enter the first day"),
        ({"ends_on": ["", "", ""], "end_time": ""}, "ends_on", "Enter the last day"),
        ({"start_time": "noon"}, "start_time", "24-hour clock"),
        ({"ends_on": ["31", "11", "2026x"]}, "ends_on", "as a real date"),
    ],
)
def test_unavailability_refusals_are_beside_their_fields(
    app, client, office, changes, field, message
):
    data = {
        "starts_on": ["10", "12", "2026"],
        "start_time": "09:00",
        "ends_on": ["10", "12", "2026"],
        "end_time": "13:00",
        "reason": "Dentist",
    }
    data.update(changes)
    response = post_to(client, f"/assessors/{office['assessor']}/unavailability", **data)
    assert response.status_code == 422
    assert message in error_beside(response.get_data(as_text=True), field)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Unavailability)) == 0


def test_an_assessor_keeps_their_own_unavailability_only(app, client, as_grace):
    grace, dan = as_grace["assessor"], as_grace["other_assessor"]
    page = client.get("/my-unavailability").get_data(as_text=True)
    assert "My unavailability" in page and "Add unavailability" in page
    assert "Add a conflict of interest" not in page
    period = {
        "starts_on": ["10", "12", "2026"],
        "start_time": "09:00",
        "ends_on": ["10", "12", "2026"],
        "end_time": "13:00",
        "reason": "Dentist",
    }
    response = post_to(client, f"/assessors/{grace}/unavailability", **period)
    assert response.status_code == 302 and response.headers["Location"] == "/my-unavailability"
    page = client.get("/my-unavailability").get_data(as_text=True)
    assert "Thursday 10 December 2026, 09:00 to 13:00" in page and "Dentist" in page
    assert post_to(client, f"/assessors/{dan}/unavailability", **period).status_code == 403
    with app.app_context():
        assert db.session.scalars(select(Unavailability.assessor_id)).all() == [grace]


@pytest.mark.parametrize(
    "path, data",
    [
        ("/assessors/{assessor}/conflicts", {"employer_id": "{employer}"}),
        ("/assessors/{assessor}/conflicts/{conflict}/remove", {}),
        ("/assessors/{assessor}/unavailability/{period}/remove", {}),
        (
            "/assessors/{assessor}/unavailability",
            {"starts_on": ["10", "12", "2026"], "ends_on": ["10", "12", "2026"], "reason": "x"},
        ),
    ],
)
def test_diary_changes_without_csrf_change_nothing(app, client, office, path, data):
    add_conflict(app, office["assessor"], provider_id=office["provider"])
    with app.app_context():
        period = Unavailability(
            assessor_id=office["assessor"],
            starts_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
            ends_at=datetime(2026, 12, 1, 10, tzinfo=UTC),
            reason="Training",
        )
        db.session.add(period)
        db.session.commit()
        ids = {"conflict": db.session.scalar(select(AssessorConflict.id)), "period": period.id}
    data = {k: v.format(**office) if isinstance(v, str) else v for k, v in data.items()}
    assert client.post(path.format(**office, **ids), data=data).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AssessorConflict)) == 1
        assert db.session.scalar(select(func.count()).select_from(Unavailability)) == 1


# Who may see what


@pytest.mark.parametrize(
    "path",
    [
        "/diary",
        "/assessors",
        "/assessors/{assessor}",
        "/assessors/{other_assessor}",
        "/apprentices/{apprentice}/assessments/new",
        "/assessments/{assessment}/reschedule",
        "/assessments/{assessment}/cancel",
    ],
)
def test_assessors_may_not_open_staff_pages(app, client, as_grace, path):
    assessment = book_directly(app, as_grace)
    response = client.get(path.format(assessment=assessment, **as_grace))
    assert response.status_code == 403


def test_an_assessor_may_not_change_another_s_diary(app, client, as_grace):
    dan = as_grace["other_assessor"]
    with app.app_context():
        period = Unavailability(
            assessor_id=dan,
            starts_at=datetime(2026, 12, 10, 9, tzinfo=UTC),
            ends_at=datetime(2026, 12, 10, 10, tzinfo=UTC),
            reason="Training",
        )
        db.session.add(period)
        db.session.commit()
        period_id = period.id
    assert post_to(client, f"/assessors/{dan}/unavailability/{period_id}/remove").status_code == 403
    conflict = post_to(client, f"/assessors/{dan}/conflicts", employer_id=str(as_grace["employer"]))
    assert conflict.status_code == 403


@pytest.mark.parametrize("path", ["/my-assessments", "/calendar", "/my-unavailability"])
def test_assessor_pages_are_for_assessors(client, office, path):
    assert client.get(path).status_code == 403


def test_navigation_by_role(client, booking_world, signed_in, auth):
    signed_in("staff")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/diary"' in html and 'href="/my-assessments"' not in html
    client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/").data)})
    assert auth.sign_in(GRACE).status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert 'href="/my-assessments"' in html and 'href="/calendar"' in html
    assert 'href="/diary"' not in html


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "2100-12-28", "not-a-date"])
def test_an_impossible_diary_week_shows_this_week(client, signed_in, week):
    signed_in("staff")
    assert client.get(f"/diary?week={week}").status_code == 200
