"""Staff record gateway attempts; the apprentice's page shows every attempt and the EPA period."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from epa.apprentices.models import Apprentice
from epa.extensions import db
from epa.gateway.models import GatewayAttempt
from epa.rules.gateway import REASON_CODES, reason_text, warning_text
from tests.conftest import csrf_token
from tests.pages.test_apprentice_pages import error_beside

TODAY = date(2026, 1, 15)
YOUNG = {"date_of_birth": "2007-06-01"}  # 16 on the start date, 8 January 2024


@pytest.fixture
def office(signed_in, today, organisations, standard):
    today(TODAY)
    signed_in("staff")


def attempts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(GatewayAttempt))


def status_of(app, apprentice_id) -> str:
    with app.app_context():
        return db.session.get(Apprentice, apprentice_id).status


def gateway_form(client, apprentice_id, **changes) -> dict:
    # Any page carries the session's CSRF token; the gateway page itself may redirect.
    page = client.get(f"/apprentices/{apprentice_id}")
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_token(page.data),
        "gateway_date": ["15", "1", "2026"],
        "english": "level2",
        "maths": "level2",
        "employer_confirmed": "y",
        "provider_confirmed": "y",
        "project_summary_submitted": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def record(client, apprentice_id, **changes):
    path = f"/apprentices/{apprentice_id}/gateway"
    return client.post(path, data=gateway_form(client, apprentice_id, **changes))


def test_gateway_page_explains_the_rules_for_this_apprentice(client, office, make_apprentice):
    apprentice_id = make_apprentice()
    html = client.get(f"/apprentices/{apprentice_id}/gateway").get_data(as_text=True)
    assert html.count("<h1") == 1 and "<title>Record a gateway attempt" in html
    for words in [
        "8 January 2025: at least 12 months on programme",
        "No, not on their record",
        "education, health and care (EHC) plan, a legacy statement or an equivalent assessment",
        "Not needed for a gateway on 15 January 2026: they were 22 on their start date.",
        "From 11 February 2025, apprentices aged 19 or over on their start date need neither "
        "English nor maths for gateway.",
        "first language is BSL: it counts instead of English",
        "Enough for an apprentice with an EHC plan, legacy statement or equivalent assessment",
        "Level 2 or above",
        "Entry level 3",
    ]:
        assert words in html, words
    assert html.count('type="radio"') == 8
    for field in [
        "gateway_date-day",
        "english",
        "maths",
        "bsl",
        "employer_confirmed",
        "provider_confirmed",
        "project_summary_submitted",
        "portfolio_submitted",
    ]:
        assert f'id="{field}"' in html
    for words in [
        "The training provider confirms the apprentice is ready for end-point assessment",
        "The project summary (up to 500 words), with its high-level plan and timelines, has "
        "been submitted",
        "not needed for gateway",  # the portfolio's hint
    ]:
        assert words in html, words
    assert f'href="/apprentices/{apprentice_id}/edit"' in html
    active = r'govuk-service-navigation__item--active[^>]*>\s*<a[^>]*href="/apprentices/"'
    assert re.search(active, html), "Apprentices stays the current section"


def test_a_young_apprentice_with_an_ehc_plan_is_told_what_they_need(
    client, office, make_apprentice
):
    apprentice_id = make_apprentice(ehc_plan=True, **YOUNG)
    html = client.get(f"/apprentices/{apprentice_id}/gateway").get_data(as_text=True)
    needed = "Needed for a gateway on 15 January 2026: they were 16 on their start date, under 19."
    assert needed in html
    assert "Yes, on their record" in html and "entry level 3 English and maths are enough" in html


def test_a_passed_gateway_shows_the_epa_deadline_and_days_left(
    app, client, office, make_apprentice, today, signed_in
):
    apprentice_id = make_apprentice()
    response = record(client, apprentice_id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/apprentices/{apprentice_id}"
    assert status_of(app, apprentice_id) == "gateway_passed"
    html = client.get(f"/apprentices/{apprentice_id}").get_data(as_text=True)
    assert "Gateway passed on 15 January 2026. The EPA period ends on 15 May 2026." in html
    assert "15 May 2026 (120 days left)" in html
    assert "Attempt on 15 January 2026" in html and "govuk-tag--green" in html
    assert "govuk-tag--turquoise" in html  # the status: gateway passed
    assert f'href="/apprentices/{apprentice_id}/gateway"' not in html
    for day, words in [
        (date(2026, 5, 14), "15 May 2026 (1 day left)"),
        (date(2026, 5, 15), "15 May 2026 (today is the last day)"),
        (date(2026, 5, 16), "15 May 2026 (ended 1 day ago)"),
        (date(2026, 5, 18), "15 May 2026 (ended 3 days ago)"),
    ]:
        today(day)
        signed_in("staff")  # a session ends after 8 idle hours
        assert words in client.get(f"/apprentices/{apprentice_id}").get_data(as_text=True)


def test_a_failed_gateway_lists_its_reasons_in_plain_english(app, client, office, make_apprentice):
    apprentice_id = make_apprentice(**YOUNG)
    response = record(
        client,
        apprentice_id,
        gateway_date=["2", "1", "2025"],
        english="entry3",
        maths="level1",
        employer_confirmed=None,
        provider_confirmed=None,
        project_summary_submitted=None,
    )
    assert response.status_code == 302
    assert status_of(app, apprentice_id) == "registered"
    html = client.get(f"/apprentices/{apprentice_id}").get_data(as_text=True)
    assert "6 requirements not met for a gateway on 2 January 2025." in html
    assert "Not passed" in html and "govuk-tag--red" in html
    for code in REASON_CODES:
        if code == "portfolio_missing":  # no longer a requirement, so never a reason now
            assert reason_text(code) not in html
            continue
        assert reason_text(code).replace("'", "&#39;") in html, code
        assert code not in html
    assert f'href="/apprentices/{apprentice_id}/gateway"' in html  # may try again


@pytest.mark.parametrize(
    "unticked, reason",
    [
        ("provider_confirmed", "provider_not_confirmed"),
        ("project_summary_submitted", "project_summary_missing"),
    ],
)
def test_each_new_check_alone_fails_in_plain_words(
    app, client, office, make_apprentice, unticked, reason
):
    apprentice_id = make_apprentice(start_date="2024-09-30")
    assert record(client, apprentice_id, **{unticked: None}).status_code == 302
    assert status_of(app, apprentice_id) == "registered"
    html = client.get(f"/apprentices/{apprentice_id}").get_data(as_text=True)
    assert "1 requirement not met for a gateway on 15 January 2026." in html
    assert reason_text(reason) in html


def test_the_attempt_shows_its_evidence_and_a_portfolio_is_not_needed(
    app, client, office, make_apprentice
):
    apprentice_id = make_apprentice(start_date="2024-09-30")
    assert record(client, apprentice_id, portfolio_submitted=None).status_code == 302
    assert status_of(app, apprentice_id) == "gateway_passed"
    html = client.get(f"/apprentices/{apprentice_id}").get_data(as_text=True)
    for row, value in [
        ("Employer confirmed", "Yes"),
        ("Training provider confirmed", "Yes"),
        ("Project summary submitted", "Yes"),
        ("Portfolio submitted", "No (not needed for gateway)"),
    ]:
        pattern = rf"{row}\s*</dt>\s*<dd[^>]*>\s*{re.escape(value)}\s*</dd>"
        assert re.search(pattern, html), row


LONG = "has been on programme for more than 24 months"


def test_the_gateway_page_warns_when_the_apprentice_is_past_24_months(
    client, office, make_apprentice
):
    # 24 months from 8 January 2024 end on 8 January 2026; today is 15 January 2026.
    late = make_apprentice(uln="1234567899", start_date="2024-01-08")
    html = client.get(f"/apprentices/{late}/gateway").get_data(as_text=True)
    assert "govuk-warning-text" in html
    assert f"For a gateway on 15 January 2026, Sam Taylor {LONG}" in html
    assert "The published timeline says no more than 24 months before gateway" in html
    assert "8 January 2026: no more than 24 months on programme" in html
    on_time = make_apprentice(uln="1000000000", start_date="2024-01-15")  # today is the last day
    html = client.get(f"/apprentices/{on_time}/gateway").get_data(as_text=True)
    assert LONG not in html and "govuk-warning-text" not in html


def test_the_warning_follows_the_gateway_date_entered(app, client, office, make_apprentice):
    apprentice_id = make_apprentice(start_date="2024-01-08")
    response = record(client, apprentice_id, gateway_date=["8", "1", "2026"], english=None)
    assert response.status_code == 422
    assert LONG not in response.get_data(as_text=True)  # the last day inside the timeline
    response = record(client, apprentice_id, gateway_date=["9", "1", "2026"], english=None)
    assert f"For a gateway on 9 January 2026, Sam Taylor {LONG}" in response.get_data(as_text=True)
    assert attempts(app) == 0


@pytest.mark.parametrize(
    "start_date, warned",
    [("2024-01-08", True), ("2024-01-15", False)],  # 24 months end on 8 and 15 January 2026
)
def test_a_pass_is_kept_with_its_warning_only_past_24_months(
    app, client, office, make_apprentice, start_date, warned
):
    apprentice_id = make_apprentice(start_date=start_date)
    assert record(client, apprentice_id).status_code == 302
    html = client.get(f"/apprentices/{apprentice_id}").get_data(as_text=True)
    assert status_of(app, apprentice_id) == "gateway_passed"
    assert "Gateway passed on 15 January 2026." in html
    assert ("govuk-warning-text" in html) is warned
    assert (warning_text("long_time_on_programme", 24) in html) is warned
    with app.app_context():
        stored = db.session.scalar(select(GatewayAttempt)).warnings
    assert stored == (["long_time_on_programme"] if warned else [])


def test_every_attempt_is_listed_newest_first(app, client, office, make_apprentice):
    apprentice_id = make_apprentice(**YOUNG)
    record(client, apprentice_id, gateway_date=["1", "12", "2025"], maths="level1")
    record(client, apprentice_id, gateway_date=["14", "1", "2026"], bsl="y", english="none")
    html = client.get(f"/apprentices/{apprentice_id}").get_data(as_text=True)
    assert html.index("Attempt on 14 January 2026") < html.index("Attempt on 1 December 2025")
    assert reason_text("maths_not_met") in html
    assert "None; BSL qualification held" in html
    assert "14 May 2026 (119 days left)" in html


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"gateway_date": ["16", "1", "2026"]}, "gateway_date", "cannot be in the future"),
        ({"gateway_date": ["7", "1", "2024"]}, "gateway_date", "on or after the start date"),
        ({"gateway_date": ["", "", ""]}, "gateway_date", "Enter the gateway date"),
        (
            {"gateway_date": ["31", "2", "2025"]},
            "gateway_date",
            "Enter the gateway date as a real date, for example 15 1 2026",
        ),
        ({"gateway_date": ["1", "", "2025"]}, "gateway_date", "must include a month"),
        ({"english": None}, "english", "Select the English level"),
        ({"maths": None}, "maths", "Select the maths level"),
        ({"maths": "level9"}, "maths", "The maths level must be one of"),
    ],
)
def test_each_refusal_is_beside_its_field_and_no_attempt_is_kept(
    app, client, office, make_apprentice, changes, field, message
):
    apprentice_id = make_apprentice()
    response = record(client, apprentice_id, **changes)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "<title>Error: Record a gateway attempt" in html
    anchor = "gateway_date-day" if field == "gateway_date" else field
    assert f'href="#{anchor}"' in html
    assert message in error_beside(html, field)
    assert "Traceback" not in html
    assert attempts(app) == 0


def test_a_second_gateway_after_a_pass_is_a_conflict(app, client, office, make_apprentice):
    apprentice_id = make_apprentice()
    assert record(client, apprentice_id).status_code == 302
    response = record(client, apprentice_id, gateway_date=["14", "1", "2026"])
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This apprentice has already passed gateway." in html
    assert "There is a problem" in html
    assert attempts(app) == 1


def test_a_withdrawn_apprentice_cannot_pass_gateway(app, client, office, make_apprentice):
    from epa.apprentices.schemas import ApprenticeWithdrawal
    from epa.apprentices.services import withdraw_apprentice

    apprentice_id = make_apprentice()
    with app.app_context():
        withdraw_apprentice(
            db.session.get(Apprentice, apprentice_id), ApprenticeWithdrawal(reason="Left.")
        )
        db.session.commit()
    response = record(client, apprentice_id)
    assert response.status_code == 422
    assert "has been withdrawn; gateway cannot be recorded" in response.get_data(as_text=True)
    assert attempts(app) == 0


def test_gateway_without_csrf_records_nothing(app, client, office, make_apprentice):
    apprentice_id = make_apprentice()
    data = gateway_form(client, apprentice_id)
    del data["csrf_token"]
    assert client.post(f"/apprentices/{apprentice_id}/gateway", data=data).status_code == 400
    assert attempts(app) == 0 and status_of(app, apprentice_id) == "registered"


def test_admin_records_gateway_too(app, client, signed_in, today, make_apprentice):
    today(TODAY)
    apprentice_id = make_apprentice()
    signed_in("admin")
    assert record(client, apprentice_id).status_code == 302
    assert status_of(app, apprentice_id) == "gateway_passed"


def test_assessors_get_403_on_the_gateway_page(app, client, signed_in, make_apprentice):
    apprentice_id = make_apprentice()
    signed_in("assessor")
    path = f"/apprentices/{apprentice_id}/gateway"
    assert client.get(path).status_code == 403
    token = csrf_token(client.get("/").data)
    response = client.post(path, data={"csrf_token": token, "gateway_date": ["1", "1", "2025"]})
    assert response.status_code == 403
    assert attempts(app) == 0


def test_the_gateway_page_sends_a_passed_or_withdrawn_apprentice_back(
    app, client, office, make_apprentice
):
    apprentice_id = make_apprentice()
    assert record(client, apprentice_id).status_code == 302
    response = client.get(f"/apprentices/{apprentice_id}/gateway", follow_redirects=True)
    assert response.request.path == f"/apprentices/{apprentice_id}"
    assert "has passed gateway, so no gateway attempt can be recorded" in response.get_data(
        as_text=True
    )
