"""Administrators move an apprentice to a later version from the apprentice's page."""

from datetime import date

import pytest

from epa.apprentices.models import Apprentice
from epa.extensions import db
from tests.api.test_version_change import change_events, version_of
from tests.conftest import csrf_token
from tests.pages.test_apprentice_pages import error_beside

ON_1_0 = {"start_date": "2024-01-08"}
REASON = "The employer and provider agreed to follow the revised plan."


@pytest.fixture
def admin(signed_in, today, organisations, standard):
    today(date(2026, 1, 15))
    signed_in("admin")


def post(client, apprentice_id, **fields):
    page = client.get(f"/apprentices/{apprentice_id}")
    data = {"csrf_token": csrf_token(page.data), "version": "1.1", "reason": REASON, **fields}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/apprentices/{apprentice_id}/version", data=data)


def test_administrators_see_change_version_on_the_apprentices_page(client, admin, make_apprentice):
    apprentice_id = make_apprentice(**ON_1_0)
    html = client.get(f"/apprentices/{apprentice_id}").get_data(as_text=True)
    assert "Change version" in html and f'href="/apprentices/{apprentice_id}/version"' in html


def test_no_change_version_on_the_latest_version(client, admin, make_apprentice):
    apprentice_id = make_apprentice(start_date="2024-09-26")  # version 1.1, the latest
    html = client.get(f"/apprentices/{apprentice_id}").get_data(as_text=True)
    assert "Change version" not in html


def test_staff_do_not_see_it_and_get_403(app, client, signed_in, today, make_apprentice):
    today(date(2026, 1, 15))
    apprentice_id = make_apprentice(**ON_1_0)
    signed_in("staff")
    html = client.get(f"/apprentices/{apprentice_id}").get_data(as_text=True)
    assert "Change version" not in html
    assert client.get(f"/apprentices/{apprentice_id}/version").status_code == 403
    assert post(client, apprentice_id).status_code == 403
    assert version_of(app, apprentice_id) == "1.0" and change_events(app) == 0


def test_the_form_offers_the_later_versions_and_asks_why(client, admin, make_apprentice):
    apprentice_id = make_apprentice(**ON_1_0)
    html = client.get(f"/apprentices/{apprentice_id}/version").get_data(as_text=True)
    assert html.count("<h1") == 1 and "<title>Change version" in html
    assert 'type="radio"' in html and 'value="1.1"' in html and 'value="1.0"' not in html
    assert "1.1: starts from 26 September 2024" in html
    assert "1.0: starts 12 March 2020 to 25 September 2024" in html  # where they are now
    assert '<textarea class="govuk-textarea' in html and 'name="reason"' in html
    assert "chosen again from the start date" in html  # a later start-date change undoes it


def test_a_change_moves_the_apprentice_and_says_so(app, client, admin, make_apprentice):
    apprentice_id = make_apprentice(**ON_1_0)
    response = post(client, apprentice_id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/apprentices/{apprentice_id}"
    assert version_of(app, apprentice_id) == "1.1" and change_events(app) == 1
    html = client.get(f"/apprentices/{apprentice_id}").get_data(as_text=True)
    assert "Sam Taylor now follows ST0825 version 1.1." in html
    assert "1.1: starts from 26 September 2024" in html


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"reason": ""}, "reason", "Enter the reason for changing the version"),
        ({"reason": "  "}, "reason", "Enter the reason for changing the version"),
        ({"version": None}, "version", "Select the version to move to"),
        ({"version": "9.9"}, "version", "ST0825 has no version 9.9: choose from 1.1"),
        ({"version": "1.0"}, "version", "already on version 1.0"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_changes_nothing(
    app, client, admin, make_apprentice, fields, field, message
):
    apprentice_id = make_apprentice(**ON_1_0)
    response = post(client, apprentice_id, **fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "<title>Error: Change version" in html
    assert f'href="#{field}"' in html
    assert message in error_beside(html, field)
    assert version_of(app, apprentice_id) == "1.0" and change_events(app) == 0


def test_a_booking_made_meanwhile_is_a_conflict(app, client, admin, make_apprentice, monkeypatch):
    # The real refusal is tested through the API; here, the page shows it and changes nothing.
    from epa.apprentices import version_change
    from epa.errors import ServiceError

    apprentice_id = make_apprentice(**ON_1_0)
    assert client.get(f"/apprentices/{apprentice_id}/version").status_code == 200
    refusal = ServiceError("assessments_exist", "An assessment is booked.", status=409)
    monkeypatch.setattr(version_change, "version_change_refusal", lambda apprentice: refusal)
    response = post(client, apprentice_id)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "An assessment is booked." in html
    assert version_of(app, apprentice_id) == "1.0" and change_events(app) == 0


def test_a_withdrawn_apprentice_is_sent_back(app, client, admin, make_apprentice):
    from epa.apprentices.schemas import ApprenticeWithdrawal
    from epa.apprentices.services import withdraw_apprentice

    apprentice_id = make_apprentice(**ON_1_0)
    with app.app_context():
        withdraw_apprentice(
            db.session.get(Apprentice, apprentice_id), ApprenticeWithdrawal(reason="Left.")
        )
        db.session.commit()
    assert "Change version" not in client.get(f"/apprentices/{apprentice_id}").get_data(
        as_text=True
    )
    response = client.get(f"/apprentices/{apprentice_id}/version", follow_redirects=True)
    assert response.request.path == f"/apprentices/{apprentice_id}"
    assert "has been withdrawn, so their version cannot change" in response.get_data(as_text=True)
    assert post(client, apprentice_id).status_code == 409
    assert version_of(app, apprentice_id) == "1.0"


def test_without_csrf_nothing_changes(app, client, admin, make_apprentice):
    apprentice_id = make_apprentice(**ON_1_0)
    data = {"version": "1.1", "reason": REASON}
    assert client.post(f"/apprentices/{apprentice_id}/version", data=data).status_code == 400
    assert version_of(app, apprentice_id) == "1.0"
