"""The audit page: administrators filter the trail and see each change's before and after."""

import re

import pytest

from tests.audit.test_audit_api import WITHDRAW_REASON, record_history

WHEN = re.compile(
    r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) [0-9]{1,2} "
    r"(January|February|March|April|May|June|July|August|September|October|November|December) "
    r"[0-9]{4}, [0-9]{2}:[0-9]{2}"
)


@pytest.fixture
def history(client, make_user, make_token, standard):
    return record_history(client, make_user, make_token, given_names="<b>x</b>")


def _page(client, query=""):
    response = client.get(f"/audit{query}")
    assert response.status_code == 200, response.data
    return response.get_data(as_text=True)


def test_a_records_history_shows_when_who_what_why_and_before_after_escaped(
    client, signed_in, history
):
    signed_in("admin")
    html = _page(client, f"?entity=apprentice&entity_id={history['apprentice']}")
    assert "3 changes" in html
    assert html.index("Apprentice " + str(history["apprentice"]) + ": withdraw") < html.index(
        "Apprentice " + str(history["apprentice"]) + ": update"
    )
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "Samuel" in html and "registered" in html and "withdrawn" in html
    assert WITHDRAW_REASON in html
    assert "Priya Shah (Operations staff), through the API" in html
    assert len(WHEN.findall(html)) == 3
    assert f'href="/apprentices/{history["apprentice"]}"' in html
    assert 'name="entity_id"' in html and f'value="{history["apprentice"]}"' in html


def test_filter_by_user(client, signed_in, history):
    signed_in("admin")
    html = _page(client, f"?user_id={history['admin']}")
    assert "1 change" in html and "Contoso Ltd" in html
    assert "Northwind Digital Ltd" not in html
    assert "Ada Admin (Administrator), through the API" in html
    assert re.search(rf'<option value="{history["admin"]}"\s+selected>', html)


def test_filter_by_record_type_and_dates(client, signed_in, history):
    signed_in("admin")
    employers = _page(client, "?entity=employer")
    assert "2 changes" in employers and "Apprentice " not in employers
    standards = _page(client, "?entity=standard")
    assert "Command line" in standards
    assert "No changes match" in _page(client, "?from=2020-01-01&to=2020-12-31")


def test_invalid_filters_are_shown_beside_their_fields(client, signed_in, history):
    signed_in("admin")
    response = client.get("/audit?entity=nonsense&from=2026-02-30")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and html.startswith("<!DOCTYPE html>")
    assert 'href="#entity"' in html and 'href="#from-day"' in html
    assert "govuk-select--error" in html and "govuk-input--error" in html
    assert "<title>Error: " in html


def test_pages_keep_the_filters(app, client, signed_in, history, monkeypatch):
    from epa.audit import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    signed_in("admin")
    first = _page(client, f"?user_id={history['staff']}")
    assert "5 changes" in first and "Page 1 of 3" in first
    assert f"user_id={history['staff']}&amp;page=2" in first
    last = client.get(f"/audit?user_id={history['staff']}&page=99")
    assert last.status_code == 302
    assert last.headers["Location"] == f"/audit?user_id={history['staff']}&page=3"


@pytest.mark.parametrize("role", ["staff", "assessor"])
def test_only_administrators_see_the_page(client, signed_in, role):
    signed_in(role)
    assert client.get("/audit").status_code == 403
    assert 'href="/audit"' not in client.get("/").get_data(as_text=True)


def test_administrators_find_it_in_the_navigation_and_from_an_apprentice(
    client, signed_in, history
):
    signed_in("admin")
    assert 'href="/audit"' in _page(client, "")
    detail = client.get(f"/apprentices/{history['apprentice']}").get_data(as_text=True)
    assert "See the history of this record" in detail
    assert f"/audit?entity=apprentice&amp;entity_id={history['apprentice']}" in detail


def test_staff_see_no_history_link_on_an_apprentice(client, signed_in, history):
    signed_in("staff")
    detail = client.get(f"/apprentices/{history['apprentice']}").get_data(as_text=True)
    assert "See the history of this record" not in detail
