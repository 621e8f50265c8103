"""Staff and administrators find, add and correct employers and training providers on pages,
and see each one's apprentices and the assessors who declared a conflict with it."""

import re

import pytest
from sqlalchemy import event, func, select

from epa.audit.models import AuditEvent
from epa.extensions import db
from epa.organisations.models import Employer, Provider
from tests.conftest import csrf_token


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _post(client, path, **data):
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={"csrf_token": csrf_token(page.data), **data})


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_staff_add_an_employer_and_land_on_its_page(app, client, signed_in):
    staff_id = signed_in("staff")
    response = _post(client, "/employers/new", name="  Northwind   Digital Ltd ")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Northwind Digital Ltd is saved." in _text(page)
    assert "No apprentices are registered with Northwind Digital Ltd." in _text(page)
    assert "No assessor has declared a conflict of interest" in _text(page)
    with app.app_context():
        [audit] = db.session.scalars(select(AuditEvent).filter_by(entity="employer"))
        assert audit.action == "create" and audit.actor_id == staff_id
        assert audit.channel == "web"


def test_admin_adds_a_provider(app, client, signed_in):
    signed_in("admin")
    response = _post(client, "/providers/new", name="Midlands Tech Academy", ukprn=" 10012345 ")
    assert response.status_code == 302
    listing = _text(client.get("/providers/"))
    assert "Midlands Tech Academy" in listing and "10012345" in listing


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"name": "", "ukprn": "10012345"}, "name", "Enter the provider&#39;s name"),
        ({"name": "   ", "ukprn": "10012345"}, "name", "Enter the provider&#39;s name"),
        ({"name": "A\x07B", "ukprn": "10012345"}, "name", "must not contain control characters"),
        ({"name": "Tech", "ukprn": ""}, "ukprn", "Enter a UKPRN of 8 digits starting with 1"),
        (
            {"name": "Tech", "ukprn": "20012345"},
            "ukprn",
            "Enter a UKPRN of 8 digits starting with 1",
        ),
        (
            {"name": "Tech", "ukprn": "1001234"},
            "ukprn",
            "Enter a UKPRN of 8 digits starting with 1",
        ),
    ],
)
def test_a_provider_form_with_mistakes_says_what_to_fix(
    app, client, signed_in, data, field, message
):
    signed_in("staff")
    response = _post(client, "/providers/new", **data)
    assert response.status_code == 422
    assert message in _text(response)
    assert f'href="#{field}"' in _text(response)  # the error summary links to the field
    assert _count(app, Provider) == 0


def test_a_name_already_registered_is_refused_with_a_link_to_it(app, client, signed_in):
    signed_in("staff")
    first = _post(client, "/employers/new", name="Northwind Digital Ltd")
    existing_url = first.headers["Location"]
    response = _post(client, "/employers/new", name="northwind  DIGITAL ltd")
    assert response.status_code == 409
    text = _text(response)
    assert "An employer called Northwind Digital Ltd is already registered" in text
    assert f'href="{existing_url}"' in text
    assert _count(app, Employer) == 1


def test_a_ukprn_already_registered_is_refused_naming_the_provider(app, client, signed_in):
    signed_in("staff")
    _post(client, "/providers/new", name="Midlands Tech Academy", ukprn="10012345")
    response = _post(client, "/providers/new", name="Another Academy", ukprn="10012345")
    assert response.status_code == 409
    assert "UKPRN 10012345 is already registered to Midlands Tech Academy" in _text(response)
    assert _count(app, Provider) == 1


def test_staff_correct_a_provider_and_the_change_is_audited(app, client, signed_in, organisations):
    signed_in("staff")
    _, provider_id = organisations
    edit = f"/providers/{provider_id}/edit"
    form = client.get(edit)
    assert 'value="Midlands Tech Academy"' in _text(form) and 'value="10012345"' in _text(form)
    response = _post(client, edit, name="Midlands Tech Academy North", ukprn="10054321")
    assert response.headers["Location"].endswith(f"/providers/{provider_id}")
    page = _text(client.get(response.headers["Location"]))
    assert "Midlands Tech Academy North" in page and "10054321" in page
    with app.app_context():
        [audit] = db.session.scalars(
            select(AuditEvent).filter_by(entity="provider", action="update")
        )
        assert audit.before == {"name": "Midlands Tech Academy", "ukprn": "10012345"}
        assert audit.after == {"name": "Midlands Tech Academy North", "ukprn": "10054321"}


def test_an_edit_to_another_organisations_name_is_refused(app, client, signed_in, organisations):
    signed_in("staff")
    employer_id, _ = organisations
    _post(client, "/employers/new", name="Acme Widgets")
    response = _post(client, f"/employers/{employer_id}/edit", name="ACME widgets")
    assert response.status_code == 409
    assert "An employer called Acme Widgets is already registered" in _text(response)
    with app.app_context():
        assert db.session.get(Employer, employer_id).name == "Northwind Digital Ltd"


def test_lists_search_by_name_and_providers_by_ukprn(client, signed_in, api):
    signed_in("staff")
    office = api("staff")
    for name, ukprn in [("Midlands Tech Academy", "10012345"), ("Coastal College", "10099999")]:
        office.post("/api/v1/providers", json={"name": name, "ukprn": ukprn})
        office.post("/api/v1/employers", json={"name": name + " Employer"})
    found = _text(client.get("/providers/?q=coastal"))
    assert "Coastal College" in found and "Midlands Tech Academy" not in found
    found = _text(client.get("/providers/?q=100123"))
    assert "Midlands Tech Academy" in found and "Coastal College" not in found
    found = _text(client.get("/employers/?q=MIDLANDS"))
    assert "Midlands Tech Academy Employer" in found and "Coastal" not in found
    assert "No employers match your search" in _text(client.get("/employers/?q=nothing"))
    assert client.get("/employers/?q=a%01").status_code == 422


def test_lists_are_paged_keeping_the_search(client, signed_in, api):
    signed_in("staff")
    office = api("staff")
    for n in range(52):
        office.post("/api/v1/employers", json={"name": f"Employer {n:02}"})
    first = _text(client.get("/employers/?q=employer"))
    assert "52 employers" in first and "Employer 49" in first and "Employer 50" not in first
    assert "/employers/?q=employer&amp;page=2" in first
    second = _text(client.get("/employers/?q=employer&page=2"))
    assert "Employer 50" in second and "Employer 51" in second
    beyond = _text(client.get("/employers/?page=9"))
    assert "There are no more employers after page 2" in beyond


def test_a_list_counts_apprentices_without_a_query_per_row(
    app, client, signed_in, organisations, make_apprentice, api
):
    signed_in("staff")
    employer_id, _ = organisations
    make_apprentice(uln="1234567899")
    make_apprentice(uln="9999999999")
    statements = []
    with app.app_context():
        engine = db.engine

    def count(*_):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        page = _text(client.get("/employers/"))
        few = len(statements)
        office = api("staff")
        for n in range(5):
            office.post("/api/v1/employers", json={"name": f"More {n}"})
        statements.clear()
        client.get("/employers/")
        assert len(statements) == few
    finally:
        event.remove(engine, "before_cursor_execute", count)
    row = re.search(r"Northwind Digital Ltd</a>.*?</tr>", page, re.S).group(0)
    assert re.search(r">\s*2\s*<", row)


def test_the_detail_page_lists_apprentices_and_conflicts(
    app, client, signed_in, booking_world, api
):
    signed_in("staff")
    employer_id = booking_world["employer"]
    office = api("admin")
    assessor = booking_world["assessor"]
    response = office.post(f"/api/v1/users/{assessor}/conflicts", json={"employer_id": employer_id})
    assert response.status_code == 201
    page = _text(client.get(f"/employers/{employer_id}"))
    assert f'href="/apprentices/{booking_world["apprentice"]}"' in page
    assert "Gateway passed" in page
    assert f'href="/assessors/{assessor}"' in page and "Grace Okafor" in page
    assert "26 November 2026" in page
    assert "Dan Morgan" not in page
    provider_page = _text(client.get(f"/providers/{booking_world['provider']}"))
    assert "No assessor has declared a conflict of interest" in provider_page
    assert "epa-table--stacked" in page and 'data-label="Status"' in page


def test_the_apprentice_page_links_to_its_employer_and_provider(client, signed_in, booking_world):
    signed_in("staff")
    page = _text(client.get(f"/apprentices/{booking_world['apprentice']}"))
    assert f'href="/employers/{booking_world["employer"]}"' in page
    assert f'href="/providers/{booking_world["provider"]}"' in page


def test_the_header_links_staff_to_the_organisations(client, signed_in):
    signed_in("staff")
    assert 'href="/employers/"' in _text(client.get("/employers/"))
    assert "See also" in _text(client.get("/employers/"))


@pytest.mark.parametrize(
    "path", ["/employers/", "/providers/", "/employers/new", "/providers/{provider}/edit"]
)
def test_assessors_may_not_see_organisation_pages(client, signed_in, organisations, path):
    signed_in("assessor")
    _, provider_id = organisations
    assert client.get(path.format(provider=provider_id)).status_code == 403


def test_an_unknown_organisation_is_not_found(client, signed_in):
    signed_in("admin")
    assert client.get("/employers/999999").status_code == 404
    assert client.get("/providers/999999/edit").status_code == 404


def test_an_administrator_finds_the_history_of_an_organisation(client, signed_in, organisations):
    employer_id, _ = organisations
    signed_in("admin")
    page = _text(client.get(f"/employers/{employer_id}"))
    link = re.search(r"href=\"(/audit[^\"]*)\">See the history", page).group(1)
    assert sorted(link.split("?")[1].split("&amp;")) == [
        "entity=employer",
        f"entity_id={employer_id}",
    ]


def test_an_assessor_sees_the_organisations_named_not_linked(app, client, auth, booking_world):
    from tests.pages.test_scheduling_pages import book_directly

    book_directly(app, booking_world)
    assert auth.sign_in("grace@epao.example").status_code == 302
    page = client.get(f"/apprentices/{booking_world['apprentice']}")
    assert page.status_code == 200
    text = _text(page)
    assert "Northwind Digital Ltd" in text and "Midlands Tech Academy (UKPRN 10012345)" in text
    assert 'href="/employers/' not in text and 'href="/providers/' not in text


def test_the_admin_home_page_leads_to_the_employers_and_providers(app, client, signed_in):
    signed_in("admin")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/employers/"' in html and 'href="/providers/"' in html


def test_an_organisations_apprentices_are_paged(
    client, signed_in, make_apprentice, organisations, monkeypatch
):
    from epa.demo_apprentices import uln_for
    from epa.organisations import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    for n, family in enumerate(("Adams", "Baker", "Clark")):
        make_apprentice(uln=uln_for(7000 + n), family_name=family)
    signed_in("staff")
    employer_id = organisations[0]
    first = client.get(f"/employers/{employer_id}").get_data(as_text=True)
    assert 'aria-label="Pages of apprentices"' in first
    assert f"/employers/{employer_id}?page=2" in first and "Clark" not in first
    second = client.get(f"/employers/{employer_id}?page=2").get_data(as_text=True)
    assert "Clark" in second and "Page 2 of 2" in second
