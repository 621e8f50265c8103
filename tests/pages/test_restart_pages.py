"""Restarting the whole EPA from the apprentice page: administrators only, a warning that says
what happens, a reason, errors in a summary with nothing changed, and the page afterwards."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from epa.apprentices.models import Apprentice
from epa.extensions import db
from epa.scheduling.models import Assessment
from tests.api.test_grading import PLAN, only_pass
from tests.conftest import csrf_token
from tests.pages.test_apprentice_pages import error_beside
from tests.pages.test_grading_pages import grade_directly, text_of
from tests.pages.test_scheduling_pages import book_directly

REASON = "The project could not be held within six months of the discussion."


@pytest.fixture
def world(app, booking_world, move_clock):
    """The discussion held and passed on 10 December 2026, the project booked for 1 February
    2027; now is 11 December 2026."""
    discussion = book_directly(app, booking_world)
    project = book_directly(
        app,
        booking_world,
        method="project",
        starts_at="2027-02-01T10:00",
        assessor_id=booking_world["other_assessor"],
    )
    move_clock(datetime(2026, 12, 10, 12, 0, tzinfo=UTC))
    grade_directly(app, discussion, only_pass("discussion"))
    move_clock(datetime(2026, 12, 11, 9, 0, tzinfo=UTC))
    return {**booking_world, "discussion": discussion, "project": project}


def path(world) -> str:
    return f"/apprentices/{world['apprentice']}/epa/restart"


def post_restart(client, world, **data):
    page = client.get(f"/apprentices/{world['apprentice']}")
    return client.post(path(world), data={"csrf_token": csrf_token(page.data), **data})


def state(app, world) -> tuple:
    with app.app_context():
        apprentice = db.session.get(Apprentice, world["apprentice"])
        statuses = db.session.scalars(select(Assessment.status).order_by(Assessment.id)).all()
        return apprentice.epa_round, apprentice.status, statuses


def test_administrators_see_the_action_and_a_warning_of_what_happens(client, signed_in, world):
    signed_in("admin")
    page = client.get(f"/apprentices/{world['apprentice']}").get_data(as_text=True)
    assert f'href="{path(world)}"' in page and "Restart the EPA" in page
    html = client.get(path(world)).get_data(as_text=True)
    assert html.count("<h1") == 1 and "<title>Restart the EPA of Sam Taylor" in html
    assert "govuk-warning-text" in html
    words = text_of(html)
    for expected in [
        "Restarting starts the whole end-point assessment again from today. It cannot be undone.",
        "a new EPA period runs from today, 11 December 2026, to 11 April 2027",
        "every method must be assessed again, booked as a first attempt",
        "no longer count towards the outcome",
        "1 booking not yet held will be cancelled",
        "Why is the EPA being restarted?",
    ]:
        assert expected in words, expected
    assert '<textarea class="govuk-textarea' in html and 'name="reason"' in html


def test_restarting_changes_the_record_and_says_so(app, client, signed_in, world):
    signed_in("admin")
    response = post_restart(client, world, reason=REASON)
    assert response.status_code == 302
    assert state(app, world) == (2, "gateway_passed", ["booked", "cancelled"])
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    words = text_of(html)
    for expected in [
        "Sam Taylor’s EPA is restarted: the new EPA period runs from 11 December 2026 to "
        "11 April 2027. 1 booking not yet held was cancelled.",
        "EPA restarted On 11 December 2026: this is EPA 2, and the earlier assessments no "
        "longer count",
        "EPA deadline 11 April 2027",
        f"{PLAN['discussion']['name']} (earlier EPA)",
        "EPA 1, since restarted: this no longer counts",
        "Result Pass (submitted)",  # still on record
        "No outcome yet",
    ]:
        assert expected in words, expected
    assert f"/assessments/{world['discussion']}/reschedule" not in html
    assert "Book an assessment" in words
    moved = client.get(f"/assessments/{world['discussion']}/reschedule")
    assert moved.status_code == 302  # an earlier EPA's assessment stays as it is


def test_a_missing_reason_is_summarised_and_nothing_changes(app, client, signed_in, world):
    signed_in("admin")
    before = state(app, world)
    response = post_restart(client, world, reason="  ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and 'href="#reason"' in html
    assert "Enter the reason for restarting the EPA" in error_beside(html, "reason")
    assert state(app, world) == before


def test_a_refusal_is_summarised_and_nothing_changes(app, client, signed_in, world):
    signed_in("admin")
    page = client.get(path(world))
    with app.app_context():
        db.session.get(Apprentice, world["apprentice"]).status = "withdrawn"
        db.session.commit()
    before = state(app, world)
    response = client.post(
        path(world), data={"csrf_token": csrf_token(page.data), "reason": REASON}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html
    assert "This apprentice has been withdrawn, so there is no EPA to restart." in html
    assert state(app, world) == before
    follow = client.get(path(world))
    assert follow.status_code == 302  # nothing to restart: back to the apprentice


def test_without_csrf_nothing_changes(app, client, signed_in, world):
    signed_in("admin")
    before = state(app, world)
    assert client.post(path(world), data={"reason": REASON}).status_code == 400
    assert state(app, world) == before


@pytest.mark.parametrize("role", ["staff", "assessor"])
def test_only_administrators_restart(app, client, signed_in, world, role):
    signed_in(role)
    if role == "staff":
        page = client.get(f"/apprentices/{world['apprentice']}").get_data(as_text=True)
        assert "Restart the EPA" not in page
    assert client.get(path(world)).status_code == 403
    token = csrf_token(client.get("/").data)
    before = state(app, world)
    assert client.post(path(world), data={"csrf_token": token, "reason": REASON}).status_code == 403
    assert state(app, world) == before
