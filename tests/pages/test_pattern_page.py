"""The working pattern on the assessor's page: staff and administrators change it through the
diary service (which audits it), refusals sit beside their boxes, and an assessor only sees
their own."""

import re

import pytest
from sqlalchemy import select

from epa.audit.models import AuditEvent
from epa.extensions import db
from epa.scheduling.checks import pattern_of
from tests.conftest import csrf_token
from tests.pages.test_apprentice_pages import error_beside
from tests.pages.test_scheduling_pages import as_grace, office  # noqa: F401  (fixtures)

PART_TIME = {"weekdays": ["1", "3"], "starts": "09:30", "ends": "15:00", "max_per_day": "1"}
DEFAULT = "Monday to Friday, 08:00 to 18:00, at most 2 assessments a day"


def save(client, assessor_id, **fields):
    page = client.get(f"/assessors/{assessor_id}")
    data = {"csrf_token": csrf_token(page.data), **PART_TIME, **fields}
    return client.post(
        f"/assessors/{assessor_id}/pattern", data={k: v for k, v in data.items() if v is not None}
    )


def pattern_events(app) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).filter_by(entity="assessor_pattern")).all()
        db.session.expunge_all()
        return events


def described(app, assessor_id) -> tuple:
    with app.app_context():
        pattern = pattern_of(assessor_id)
        return sorted(pattern.weekdays), f"{pattern.starts:%H:%M}", pattern.max_per_day


def checked_days(html: str) -> list[str]:
    return re.findall(r'name="weekdays" type="checkbox" value="(\d)" checked', html)


def test_staff_see_the_pattern_in_words_and_a_form_filled_with_it(client, office):
    html = client.get(f"/assessors/{office['assessor']}").get_data(as_text=True)
    assert '<h2 class="govuk-heading-m">Working pattern</h2>' in html
    assert f"Grace Okafor is booked only within this pattern: {DEFAULT} (UK time)." in html
    assert f'action="/assessors/{office["assessor"]}/pattern"' in html
    assert checked_days(html) == ["0", "1", "2", "3", "4"]
    for day in ["Monday", "Saturday", "Sunday"]:
        assert f"{day}\n" in html
    assert '<option value="08:00" selected>' in html and '<option value="18:00" selected>' in html
    assert '<option value="07:30"' not in html and '<option value="18:30"' not in html
    assert re.search(r'id="max_per_day"[^>]*value="2"', html)
    assert 'inputmode="numeric"' in html
    for label in ["Days worked", "Start time", "End time", "Most assessments a day"]:
        assert label in html


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_the_office_saves_a_pattern_through_the_service_which_audits_it(
    app, client, booking_world, signed_in, role
):
    signed_in(role)
    grace = booking_world["assessor"]
    response = save(client, grace)
    assert response.status_code == 302 and response.headers["Location"] == f"/assessors/{grace}"
    assert described(app, grace) == ([1, 3], "09:30", 1)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    words = "Tuesday and Thursday, 09:30 to 15:00, at most 1 assessment a day"
    assert f"Working pattern saved: {words}." in html
    assert f"booked only within this pattern: {words}" in html
    assert checked_days(html) == ["1", "3"]
    assert '<option value="09:30" selected>' in html and '<option value="15:00" selected>' in html
    [event] = pattern_events(app)
    assert (event.action, event.entity_id) == ("update", str(grace))
    assert event.before["description"] == DEFAULT and event.after["description"] == words
    # Saved again unchanged: kept, and nothing new to audit.
    assert save(client, grace).status_code == 302
    assert len(pattern_events(app)) == 1


def test_a_saved_pattern_bounds_the_slots_offered(client, office):
    assert save(client, office["assessor"], max_per_day="2").status_code == 302
    page = client.get(f"/apprentices/{office['apprentice']}/assessments/new")
    data = {"csrf_token": csrf_token(page.data), "method": "discussion", "find": "y"}
    html = client.post(f"/apprentices/{office['apprentice']}/assessments/new", data=data)
    grace = re.findall(r">\s*([^<]*— Grace Okafor)\s*<", html.get_data(as_text=True))
    # Thursday 10 December from 09:30 is the first time the new pattern allows.
    assert grace[0].strip() == "Thursday 10 December 2026, 09:30 to 10:30 — Grace Okafor"


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"weekdays": None}, "weekdays", "Choose at least one day the assessor works"),
        ({"weekdays": ["1", "9"]}, "weekdays", "Days are numbered 0 (Monday) to 6 (Sunday)"),
        ({"weekdays": ["x"]}, "weekdays", "Give the days worked as numbers"),
        ({"starts": "12:00", "ends": "11:00"}, "ends", "The end must be after the start"),
        ({"starts": "07:30"}, "starts", "The start must be from 08:00 and before 18:00"),
        ({"ends": "18:30"}, "ends", "no later than 18:00"),
        ({"starts": "9:30"}, "starts", "Enter the start time as HH:MM"),
        ({"max_per_day": ""}, "max_per_day", "Enter the most assessments a day"),
        ({"max_per_day": "0"}, "max_per_day", "must be a whole number from 1 to 10"),
        ({"max_per_day": "11"}, "max_per_day", "from 1 to 10"),
        ({"max_per_day": "two"}, "max_per_day", "must be a whole number from 1 to 10"),
    ],
)
def test_a_pattern_that_cannot_be_kept_is_refused_beside_its_box_and_changes_nothing(
    app, client, office, fields, field, message
):
    response = save(client, office["assessor"], **fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<title>Error: Grace Okafor" in html and "There is a problem" in html
    assert f'href="#{field}"' in html
    assert message in error_beside(html, field)
    assert described(app, office["assessor"]) == ([0, 1, 2, 3, 4], "08:00", 2)
    assert pattern_events(app) == []


def test_a_refused_pattern_shows_what_was_given_to_correct(client, office):
    html = save(client, office["assessor"], max_per_day="two").get_data(as_text=True)
    assert checked_days(html) == ["1", "3"]
    assert re.search(r'id="max_per_day"[^>]*value="two"', html)
    # The words above the form still say the pattern that is kept.
    assert f"booked only within this pattern: {DEFAULT}" in html


def test_an_assessor_sees_their_own_pattern_and_cannot_change_it(app, client, as_grace):
    html = client.get("/my-unavailability").get_data(as_text=True)
    assert f"You are booked only within your working pattern: {DEFAULT} (UK time)." in html
    assert "ask operations staff" in html
    assert "/pattern" not in html and "Save working pattern" not in html
    grace = as_grace["assessor"]
    data = {"csrf_token": csrf_token(html.encode()), **PART_TIME}
    assert client.post(f"/assessors/{grace}/pattern", data=data).status_code == 403
    assert described(app, grace) == ([0, 1, 2, 3, 4], "08:00", 2)


def test_saving_a_pattern_without_csrf_changes_nothing(app, client, office):
    response = client.post(f"/assessors/{office['assessor']}/pattern", data=PART_TIME)
    assert response.status_code == 400
    assert pattern_events(app) == []
    assert described(app, office["assessor"]) == ([0, 1, 2, 3, 4], "08:00", 2)


def test_a_pattern_is_only_for_an_assessor(client, office, make_user):
    staff_member = make_user("staff", name="Sam Staff")
    page = client.get(f"/assessors/{office['assessor']}")
    data = {"csrf_token": csrf_token(page.data), **PART_TIME}
    response = client.post(f"/assessors/{staff_member}/pattern", data=data)
    assert response.status_code == 422
    assert "Sam Staff is not an assessor." in response.get_data(as_text=True)
