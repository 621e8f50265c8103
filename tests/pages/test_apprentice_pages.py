"""Staff find, register, change and withdraw apprentices through pages that call the services."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from epa.apprentices.models import Apprentice
from epa.audit.models import AuditEvent
from epa.extensions import db
from tests.conftest import csrf_token

TODAY = date(2026, 1, 15)


def uln(prefix: int) -> str:
    """A valid ULN: nine digits and the check digit of `epa/rules/identifiers.py`."""
    digits = f"{prefix:09d}"
    remainder = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
    if remainder == 0:  # no check digit makes these nine digits valid
        return uln(prefix + 1)
    return digits + str(10 - remainder)


def error_beside(html: str, field: str) -> str:
    """The text of the error message the design system puts beside a field."""
    match = re.search(
        rf'<p id="{field}-error" class="govuk-error-message">\s*'
        r'<span class="govuk-visually-hidden">Error:</span>(.*?)</p>',
        html,
        re.S,
    )
    assert match, f"no error beside {field}"
    return " ".join(match.group(1).split()).replace("&#39;", "'")


def count(app, model=Apprentice) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def load(app, apprentice_id: int) -> Apprentice:
    with app.app_context():
        apprentice = db.session.get(Apprentice, apprentice_id)
        db.session.expunge(apprentice)
        return apprentice


@pytest.fixture
def office(signed_in, today, organisations, standard):
    """Signed in as staff on 15 January 2026, with an employer, a provider and ST0825."""
    today(TODAY)
    signed_in("staff")
    return organisations


def register_form(client, organisations, **changes) -> dict:
    page = client.get("/apprentices/new")
    assert page.status_code == 200
    employer_id, provider_id = organisations
    data = {
        "csrf_token": csrf_token(page.data),
        "uln": "1234567899",
        "given_names": "Sam",
        "family_name": "Taylor",
        "date_of_birth": ["12", "4", "2001"],
        "email": "sam.taylor@example.com",
        "employer_id": str(employer_id),
        "provider_id": str(provider_id),
        "standard": "ST0825",
        "start_date": ["8", "1", "2024"],
        "ehc_plan": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_register_page_has_labelled_gov_uk_inputs(client, office):
    html = client.get("/apprentices/new").get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "<title>Register an apprentice" in html
    uln_input = re.search(r'<input[^>]*id="uln"[^>]*>', html).group(0)
    assert 'inputmode="numeric"' in uln_input and 'autocomplete="off"' in uln_input
    assert '<label class="govuk-label" for="uln">' in html
    for box in ["date_of_birth-day", "date_of_birth-month", "date_of_birth-year", "start_date-day"]:
        assert f'id="{box}"' in html
    assert "Northwind Digital Ltd" in html and "Midlands Tech Academy (UKPRN 10012345)" in html
    assert '<option value="ST0825">ST0825 DevOps engineer (level 4)</option>' in html
    assert "1.1: starts from 26 September 2024" in html
    assert "entry level 3 English and maths are enough" in html


def test_registering_shows_the_new_apprentice_with_a_message(app, client, office):
    response = client.post("/apprentices/new", data=register_form(client, office))
    assert response.status_code == 302
    with app.app_context():
        apprentice = db.session.scalar(select(Apprentice))
        assert (apprentice.uln, apprentice.family_name, apprentice.version.version) == (
            "1234567899",
            "Taylor",
            "1.0",
        )
        assert apprentice.date_of_birth == date(2001, 4, 12) and apprentice.ehc_plan is True
        event = db.session.scalar(select(AuditEvent).filter_by(entity="apprentice"))
        assert event.action == "create" and event.channel == "web"
    assert response.headers["Location"] == f"/apprentices/{apprentice.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sam Taylor is registered on ST0825 version 1.0." in page


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"uln": "1234567890"}, "uln", "last digit is the check digit"),
        ({"uln": "12345"}, "uln", "Enter a ULN of 10 digits"),
        ({"given_names": "  "}, "given_names", "Enter the given names"),
        ({"family_name": None}, "family_name", "Enter the family name"),
        (
            {"start_date": ["11", "3", "2020"]},
            "start_date",
            "No version of the standard was open for starts on 11 March 2020",
        ),
        (
            {"date_of_birth": ["1", "2", "2026"], "start_date": ["1", "10", "2025"]},
            "date_of_birth",
            "The date of birth must be in the past",
        ),
        ({"date_of_birth": ["16", "1", "2026"]}, "date_of_birth", "must be in the past"),
        (
            {"start_date": ["1", "1", "2001"]},
            "start_date",
            "The start date must be after the date of birth",
        ),
        ({"date_of_birth": ["", "", ""]}, "date_of_birth", "Enter the date of birth"),
        ({"date_of_birth": None}, "date_of_birth", "Enter the date of birth"),
        (
            {"date_of_birth": ["31", "2", "2001"]},
            "date_of_birth",
            "Enter the date of birth as a real date, for example 27 3 2007",
        ),
        (
            {"start_date": ["8", "1", "24"]},
            "start_date",
            "Enter the start date as a real date, for example 8 1 2024",
        ),
        ({"date_of_birth": ["12", "4", ""]}, "date_of_birth", "must include a year"),
        ({"start_date": ["x", "1", "2024"]}, "start_date", "as a real date"),
        ({"employer_id": ""}, "employer_id", "Select the employer"),
        ({"provider_id": "999"}, "provider_id", "No provider has the id 999"),
        ({"standard": ""}, "standard", "Enter the standard reference"),
        ({"standard": "ST9999"}, "standard", "No standard with the reference ST9999"),
        ({"email": "not-an-address"}, "email", "correct format"),
        (
            {"date_of_birth": ["1", "1", "2010"]},
            "date_of_birth",
            "must be at least 16 on their start date",
        ),
        ({"start_date": ["1", "1", "2030"]}, "start_date", "more than a year from today"),
        ({"start_date": ["1", "1", "9999"]}, "start_date", "between 1900 and 2100"),
    ],
)
def test_each_refusal_is_shown_beside_its_field_and_nothing_is_registered(
    app, client, office, changes, field, message
):
    response = client.post("/apprentices/new", data=register_form(client, office, **changes))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "<title>Error: Register an apprentice" in html
    anchor = f"{field}-day" if field in ("date_of_birth", "start_date") else field
    assert f'href="#{anchor}"' in html
    assert message in error_beside(html, field)
    assert count(app) == 0


def test_a_page_error_is_the_service_error_the_api_gives(app, client, office, api, apprentice_data):
    body = apprentice_data(start_date="2020-03-11")
    answer = api("staff").post("/api/v1/apprentices", json=body).get_json()["error"]
    assert answer["code"] == "no_version_for_start_date"
    data = register_form(client, office, start_date=["11", "3", "2020"])
    html = client.post("/apprentices/new", data=data).get_data(as_text=True)
    assert error_beside(html, "start_date") == answer["fields"]["start_date"]


def test_a_registered_uln_is_a_conflict_beside_the_uln(app, client, office, make_apprentice):
    make_apprentice()
    response = client.post("/apprentices/new", data=register_form(client, office))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This ULN is already registered on this standard" in error_beside(html, "uln")
    assert count(app) == 1


def test_a_malformed_submission_is_refused_without_a_stack_trace(app, client, office):
    data = register_form(
        client,
        office,
        date_of_birth=["1", "2", "2001", "4"],
        employer_id="abc",
        start_date="2024-01-08",
    )
    response = client.post("/apprentices/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Traceback" not in html
    assert "must be the id of an existing employer" in error_beside(html, "employer_id")
    assert "must include a month and a year" in error_beside(html, "start_date")
    assert count(app) == 0


def test_register_without_csrf_changes_nothing(app, client, office):
    data = register_form(client, office)
    del data["csrf_token"]
    assert client.post("/apprentices/new", data=data).status_code == 400
    assert count(app) == 0


def input_value(html: str, input_id: str) -> str:
    tag = re.search(rf'<input[^>]*\bid="{input_id}"[^>]*>', html)[0]
    return re.search(r'value="([^"]*)"', tag)[1]


def edit_form(client, apprentice_id, **changes) -> dict:
    page = client.get(f"/apprentices/{apprentice_id}/edit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    data = {"csrf_token": csrf_token(page.data)}
    for name in ["uln", "given_names", "family_name", "email"]:
        data[name] = input_value(html, name)
    for name in ["date_of_birth", "start_date"]:
        data[name] = [input_value(html, f"{name}-{box}") for box in ["day", "month", "year"]]
    for name in ["employer_id", "provider_id"]:
        select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)[0]
        data[name] = re.search(r'<option value="(\d+)" selected', select_html)[1]
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_edit_shows_the_record_and_saves_a_change(app, client, office, make_apprentice):
    apprentice_id = make_apprentice(ehc_plan=True)
    data = edit_form(client, apprentice_id)
    assert data["family_name"] == "Taylor" and data["date_of_birth"] == ["12", "04", "2001"]
    data.update(family_name="Taylor-Reid", start_date=["1", "10", "2024"])  # ehc_plan unticked
    response = client.post(f"/apprentices/{apprentice_id}/edit", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/apprentices/{apprentice_id}"
    changed = load(app, apprentice_id)
    assert changed.family_name == "Taylor-Reid" and changed.ehc_plan is False
    assert changed.start_date == date(2024, 10, 1)
    page = client.get(f"/apprentices/{apprentice_id}").get_data(as_text=True)
    assert "Sam Taylor-Reid’s details are saved." in page
    assert "1.1: starts from 26 September 2024" in page


@pytest.mark.parametrize(
    "changes, field, message, status",
    [
        ({"uln": "1234567890"}, "uln", "check digit", 422),
        ({"start_date": ["11", "3", "2020"]}, "start_date", "11 March 2020", 422),
        ({"date_of_birth": ["1", "1", "2030"]}, "date_of_birth", "must be in the past", 422),
        ({"start_date": ["1", "1", "2000"]}, "start_date", "after the date of birth", 422),
        ({"given_names": ""}, "given_names", "Enter the given names", 422),
        ({"start_date": ["30", "2", "2024"]}, "start_date", "as a real date", 422),
        ({"uln": "1000000000"}, "uln", "already registered on this standard", 409),
        ({"date_of_birth": ["1", "6", "2008"]}, "date_of_birth", "at least 16", 422),
    ],
)
def test_edit_refusals_are_beside_their_fields_and_change_nothing(
    app, client, office, make_apprentice, changes, field, message, status
):
    make_apprentice(uln="1000000000", given_names="Alex")
    apprentice_id = make_apprentice()
    response = client.post(
        f"/apprentices/{apprentice_id}/edit", data=edit_form(client, apprentice_id, **changes)
    )
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert message in error_beside(html, field)
    assert "<title>Error: Change Sam Taylor" in html
    unchanged = load(app, apprentice_id)
    assert (unchanged.uln, unchanged.given_names, unchanged.start_date) == (
        "1234567899",
        "Sam",
        date(2024, 1, 8),
    )


def test_edit_without_csrf_changes_nothing(app, client, office, make_apprentice):
    apprentice_id = make_apprentice()
    data = edit_form(client, apprentice_id, family_name="Other")
    del data["csrf_token"]
    assert client.post(f"/apprentices/{apprentice_id}/edit", data=data).status_code == 400
    assert load(app, apprentice_id).family_name == "Taylor"


def withdraw(client, apprentice_id, **data):
    page = client.get(f"/apprentices/{apprentice_id}")  # any page carries the CSRF token
    assert page.status_code == 200
    return client.post(
        f"/apprentices/{apprentice_id}/withdraw",
        data={"csrf_token": csrf_token(page.data), **data},
    )


def test_withdrawing_keeps_the_reason_and_greys_the_status(app, client, office, make_apprentice):
    apprentice_id = make_apprentice()
    response = withdraw(client, apprentice_id, reason="Left the employer in December.")
    assert response.status_code == 302
    withdrawn = load(app, apprentice_id)
    assert withdrawn.status == "withdrawn"
    assert withdrawn.withdrawn_reason == "Left the employer in December."
    page = client.get(f"/apprentices/{apprentice_id}").get_data(as_text=True)
    assert "Sam Taylor is withdrawn from end-point assessment." in page
    assert "Left the employer in December." in page
    assert "Withdrawn before passing gateway." in page and "Not passed yet" not in page
    assert 'govuk-tag--grey">\n  Withdrawn' in page or 'govuk-tag--grey">Withdrawn' in page
    assert f"/apprentices/{apprentice_id}/withdraw" not in page
    assert f"/apprentices/{apprentice_id}/gateway" not in page


def test_withdrawing_needs_a_reason(app, client, office, make_apprentice):
    apprentice_id = make_apprentice()
    response = withdraw(client, apprentice_id, reason="   ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter the reason for withdrawing" in error_beside(html, "reason")
    assert 'href="#reason"' in html
    assert load(app, apprentice_id).status == "registered"


def test_withdrawing_twice_is_a_conflict(app, client, office, make_apprentice):
    apprentice_id = make_apprentice()
    assert withdraw(client, apprentice_id, reason="Left.").status_code == 302
    response = withdraw(client, apprentice_id, reason="Again.")
    assert response.status_code == 409
    assert "This apprentice has already been withdrawn." in response.get_data(as_text=True)
    assert load(app, apprentice_id).withdrawn_reason == "Left."


def test_withdraw_without_csrf_changes_nothing(app, client, office, make_apprentice):
    apprentice_id = make_apprentice()
    response = client.post(f"/apprentices/{apprentice_id}/withdraw", data={"reason": "Left."})
    assert response.status_code == 400
    assert load(app, apprentice_id).status == "registered"


def test_apprentice_page_shows_the_record_in_words(client, office, make_apprentice):
    apprentice_id = make_apprentice(ehc_plan=True)
    html = client.get(f"/apprentices/{apprentice_id}").get_data(as_text=True)
    assert html.count("<h1") == 1 and "<title>Sam Taylor" in html
    for words in [
        "1234567899",
        "12 April 2001",
        "sam.taylor@example.com",
        "Northwind Digital Ltd",
        "Midlands Tech Academy (UKPRN 10012345)",
        "ST0825 DevOps engineer, level 4",
        "1.0: starts 12 March 2020 to 25 September 2024",
        "8 January 2024",
        "Not passed yet",
        "8 January 2025: 12 months on programme",
        "No gateway attempt is recorded yet.",
        "No assessments are booked yet.",
        "No outcome yet",
    ]:
        assert words in html, words
    assert "govuk-tag--blue" in html and "Registered" in html
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", html), "no ISO dates on the page"
    for action in ["edit", "gateway", "withdraw"]:
        assert f'href="/apprentices/{apprentice_id}/{action}"' in html


def test_unknown_apprentice_is_a_404_page(client, office):
    response = client.get("/apprentices/999")
    assert response.status_code == 404 and b"Page not found" in response.data


def make_many(app, apprentice_data, rows):
    from epa.apprentices.schemas import ApprenticeNew
    from epa.apprentices.services import register_apprentice

    with app.app_context():
        ids = [register_apprentice(ApprenticeNew.read(apprentice_data(**row))).id for row in rows]
        db.session.commit()
    return ids


def test_search_by_exact_uln_and_by_part_of_a_name(app, client, office, apprentice_data):
    make_many(
        app,
        apprentice_data,
        [
            {"uln": "1234567899", "given_names": "Sam", "family_name": "Taylor"},
            {"uln": "1000000000", "given_names": "Priya", "family_name": "O'Neill"},
            {"uln": uln(111111111), "given_names": "Tayo", "family_name": "Adeyemi"},
        ],
    )
    by_uln = client.get("/apprentices/?q=1000000000").get_data(as_text=True)
    assert "O&#39;Neill, Priya" in by_uln and "Taylor" not in by_uln
    assert "1 apprentice<" in by_uln
    partial_uln = client.get("/apprentices/?q=100000").get_data(as_text=True)
    assert "No apprentices match your search." in partial_uln
    by_name = client.get("/apprentices/?q=TAY").get_data(as_text=True)
    assert "Taylor, Sam" in by_name and "Adeyemi, Tayo" in by_name and "Neill" not in by_name
    two_words = client.get("/apprentices/?q=sam+taylor").get_data(as_text=True)
    assert "Taylor, Sam" in two_words and "Adeyemi" not in two_words
    assert 'value="sam taylor"' in two_words  # the search stays in the box


def test_status_filter_and_an_unknown_status(app, client, office, apprentice_data):
    ids = make_many(
        app,
        apprentice_data,
        [
            {"uln": "1234567899", "family_name": "Taylor"},
            {"uln": "1000000000", "family_name": "Jones"},
        ],
    )
    withdraw(client, ids[1], reason="Left.")
    withdrawn = client.get("/apprentices/?status=withdrawn").get_data(as_text=True)
    assert "Jones, Sam" in withdrawn and "Taylor, Sam" not in withdrawn
    assert '<option value="withdrawn" selected>' in withdrawn
    registered = client.get("/apprentices/?status=registered&q=").get_data(as_text=True)
    assert "Taylor, Sam" in registered and "Jones" not in registered
    everyone = client.get("/apprentices/?status=").get_data(as_text=True)
    assert "Taylor, Sam" in everyone and "Jones, Sam" in everyone
    unknown = client.get("/apprentices/?status=lost")
    assert unknown.status_code == 422
    html = unknown.get_data(as_text=True)
    assert "Must be one of: registered" in error_beside(html, "status")
    assert 'href="#status"' in html and "<title>Error: Apprentices" in html


def test_apprentices_are_listed_fifty_to_a_page(app, client, office, apprentice_data):
    rows = [{"uln": uln(200000000 + n * 7), "family_name": f"Person{n:02d}"} for n in range(55)]
    make_many(app, apprentice_data, rows)
    first = client.get("/apprentices/?q=person").get_data(as_text=True)
    assert "55 apprentices" in first and "Page 1 of 2" in first
    assert first.count('<tr class="govuk-table__row">') == 51  # the head and 50 rows
    assert "Person49" in first and "Person50" not in first
    assert "/apprentices/?q=person&amp;page=2" in first
    second = client.get("/apprentices/?q=person&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and "Person54" in second and "Person49" not in second
    assert client.get("/apprentices/?page=zero").status_code == 200
    beyond = client.get("/apprentices/?page=9").get_data(as_text=True)
    assert "There are no more apprentices after page 2" in beyond


def test_an_empty_list_says_so(client, office):
    html = client.get("/apprentices/").get_data(as_text=True)
    assert "No apprentices are registered yet." in html
    assert 'href="/apprentices/new"' in html and "Register an apprentice" in html
    assert '<label class="govuk-label" for="q">' in html and "Search by ULN or name" in html


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_office_roles_reach_every_page_and_see_the_navigation(
    client, signed_in, standard, make_apprentice, role
):
    apprentice_id = make_apprentice()
    signed_in(role)
    for path in ["/apprentices/", "/apprentices/new", f"/apprentices/{apprentice_id}"]:
        assert client.get(path).status_code == 200, path
    for path in [f"/apprentices/{apprentice_id}/edit", f"/apprentices/{apprentice_id}/withdraw"]:
        assert client.get(path).status_code == 200, path
    home = client.get("/").get_data(as_text=True)
    assert 'href="/apprentices/"' in home
    nav = client.get("/apprentices/").get_data(as_text=True)
    active = r'govuk-service-navigation__item--active[^>]*>\s*<a[^>]*href="/apprentices/"'
    assert re.search(active, nav)


def test_assessors_get_403_on_every_apprentice_page(client, signed_in, make_apprentice):
    apprentice_id = make_apprentice()
    signed_in("assessor")
    for path in [
        "/apprentices/",
        "/apprentices/new",
        f"/apprentices/{apprentice_id}/edit",
        f"/apprentices/{apprentice_id}/withdraw",
    ]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert b"You cannot see this page" in response.data
    detail = client.get(f"/apprentices/{apprentice_id}")
    assert detail.status_code == 403
    assert b"Assessors see only the apprentices they are booked to assess." in detail.data
    assert b'href="/apprentices/"' not in client.get("/").data


def test_assessors_cannot_post_to_the_forms(app, client, signed_in, make_apprentice):
    apprentice_id = make_apprentice()
    signed_in("assessor")
    token = csrf_token(client.get("/").data)
    response = client.post(
        f"/apprentices/{apprentice_id}/withdraw", data={"csrf_token": token, "reason": "No."}
    )
    assert response.status_code == 403
    assert load(app, apprentice_id).status == "registered"


def test_the_withdraw_page_sends_a_withdrawn_apprentice_back(app, client, office, make_apprentice):
    apprentice_id = make_apprentice()
    assert withdraw(client, apprentice_id, reason="Left.").status_code == 302
    response = client.get(f"/apprentices/{apprentice_id}/withdraw", follow_redirects=True)
    assert response.request.path == f"/apprentices/{apprentice_id}"
    html = response.get_data(as_text=True)
    assert "is withdrawn, so cannot be withdrawn" in html
    assert "withdrawn: the EPA period stopped" not in html  # never passed gateway


@pytest.mark.parametrize(
    "status, changes, field, message",
    [
        ("in_epa", {"start_date": ["1", "2", "2024"]}, "start_date", "an assessment is booked"),
        (
            "gateway_passed",
            {"start_date": ["1", "2", "2024"]},
            "start_date",
            "decided the passed gateway",
        ),
        (
            "gateway_passed",
            {"date_of_birth": ["13", "4", "2001"]},
            "date_of_birth",
            "decided the passed gateway",
        ),
    ],
)
def test_edit_refuses_changes_that_would_undo_gateway_or_epa(
    app, client, office, make_apprentice, status, changes, field, message
):
    apprentice_id = make_apprentice()
    with app.app_context():
        apprentice = db.session.get(Apprentice, apprentice_id)
        apprentice.status, apprentice.gateway_date = status, date(2025, 3, 3)
        db.session.commit()
    response = client.post(
        f"/apprentices/{apprentice_id}/edit", data=edit_form(client, apprentice_id, **changes)
    )
    assert response.status_code == 409
    assert message in error_beside(response.get_data(as_text=True), field)
    assert load(app, apprentice_id).start_date == date(2024, 1, 8)


def test_a_completed_apprentice_cannot_be_withdrawn_from_the_page(
    app, client, office, make_apprentice
):
    apprentice_id = make_apprentice()
    with app.app_context():
        db.session.get(Apprentice, apprentice_id).status = "completed"
        db.session.commit()
    response = withdraw(client, apprentice_id, reason="Left.")
    assert response.status_code == 409
    assert "has completed end-point assessment and cannot be withdrawn" in response.get_data(
        as_text=True
    )
    assert load(app, apprentice_id).status == "completed"
