"""Finding and correcting employers and training providers through the API: search, PATCH,
the duplicate checks (UKPRN, and names ignoring case and spacing) and their audit events."""

import pytest
from sqlalchemy import select

from epa.audit.models import AuditEvent
from epa.extensions import db
from tests.api.test_conventions import assert_error


def _events(app, entity, action):
    with app.app_context():
        query = select(AuditEvent).filter_by(entity=entity, action=action).order_by(AuditEvent.id)
        return list(db.session.scalars(query))


@pytest.fixture
def office(api):
    return api("staff")


def _employer(client, name):
    response = client.post("/api/v1/employers", json={"name": name})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _provider(client, name, ukprn):
    response = client.post("/api/v1/providers", json={"name": name, "ukprn": ukprn})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_employers_are_found_by_any_part_of_the_name_in_any_case_and_spacing(office):
    for name in ("Northwind Digital Ltd", "Acme Widgets", "Northern 100% Rail"):
        _employer(office, name)
    names = [e["name"] for e in office.get("/api/v1/employers?q=north").get_json()["items"]]
    assert names == ["Northern 100% Rail", "Northwind Digital Ltd"]
    found = office.get("/api/v1/employers", query_string={"q": "  WIND   digital "}).get_json()
    assert [e["name"] for e in found["items"]] == ["Northwind Digital Ltd"]
    # % and _ are letters to search for, not wildcards
    assert office.get("/api/v1/employers?q=100%25").get_json()["total"] == 1
    assert office.get("/api/v1/employers?q=_").get_json()["total"] == 0
    assert office.get("/api/v1/employers?q=").get_json()["total"] == 3


def test_providers_are_found_by_name_or_the_start_of_the_ukprn(office):
    _provider(office, "Midlands Tech Academy", "10012345")
    _provider(office, "Coastal College", "10099999")
    _provider(office, "Academy 100", "10555555")
    by_ukprn = office.get("/api/v1/providers?q=100").get_json()
    assert [p["name"] for p in by_ukprn["items"]] == [
        "Academy 100",
        "Coastal College",
        "Midlands Tech Academy",
    ]
    assert [p["ukprn"] for p in office.get("/api/v1/providers?q=1009").get_json()["items"]] == [
        "10099999"
    ]
    names = [p["name"] for p in office.get("/api/v1/providers?q=ACADEMY").get_json()["items"]]
    assert names == ["Academy 100", "Midlands Tech Academy"]


def test_lists_are_paged(office):
    for n in range(3):
        _provider(office, f"Provider {n}", f"1000000{n}")
    body = office.get("/api/v1/providers?page=2&per_page=2").get_json()
    assert body["total"] == 3 and body["page"] == 2 and len(body["items"]) == 1


def test_a_search_with_control_characters_is_refused(office):
    error = assert_error(office.get("/api/v1/employers?q=a%01b"), 422, "validation_failed")
    assert "q" in error["fields"]


def test_patch_an_employer_renames_it_and_audits_only_the_change(app, office):
    employer = _employer(office, "Acme")
    response = office.patch(f"/api/v1/employers/{employer['id']}", json={"name": "  Acme   Ltd "})
    assert response.status_code == 200
    assert response.get_json() == {"id": employer["id"], "name": "Acme Ltd"}
    [event] = _events(app, "employer", "update")
    assert event.before == {"name": "Acme"} and event.after == {"name": "Acme Ltd"}
    assert event.entity_id == str(employer["id"]) and event.channel == "api"


def test_patch_with_nothing_changed_records_nothing(app, office):
    employer = _employer(office, "Acme")
    assert office.patch(f"/api/v1/employers/{employer['id']}", json={}).status_code == 200
    same = office.patch(f"/api/v1/employers/{employer['id']}", json={"name": "Acme"})
    assert same.status_code == 200
    assert _events(app, "employer", "update") == []


def test_a_change_of_case_is_allowed_and_audited(app, office):
    employer = _employer(office, "ACME LTD")
    response = office.patch(f"/api/v1/employers/{employer['id']}", json={"name": "Acme Ltd"})
    assert response.get_json()["name"] == "Acme Ltd"
    [event] = _events(app, "employer", "update")
    assert event.after == {"name": "Acme Ltd"}


def test_patch_a_provider_changes_the_ukprn_and_the_name(app, office):
    provider = _provider(office, "Tech Academy", "10012345")
    url = f"/api/v1/providers/{provider['id']}"
    response = office.patch(url, json={"ukprn": " 10054321 "})
    assert response.get_json() == {
        "id": provider["id"],
        "name": "Tech Academy",
        "ukprn": "10054321",
    }
    response = office.patch(url, json={"name": "Tech Academy North"})
    assert response.get_json()["name"] == "Tech Academy North"
    events = _events(app, "provider", "update")
    assert [e.after for e in events] == [{"ukprn": "10054321"}, {"name": "Tech Academy North"}]
    assert office.get(url).get_json()["name"] == "Tech Academy North"


@pytest.mark.parametrize("ukprn", ["", "1234567", "123456789", "20012345", "1001234x", None, 7])
def test_patch_refuses_a_bad_ukprn_and_changes_nothing(app, office, ukprn):
    provider = _provider(office, "Tech Academy", "10012345")
    url = f"/api/v1/providers/{provider['id']}"
    error = assert_error(
        office.patch(url, json={"ukprn": ukprn, "name": "Renamed"}), 422, "invalid_ukprn"
    )
    assert "ukprn" in error["fields"]
    assert office.get(url).get_json() == provider
    assert _events(app, "provider", "update") == []


@pytest.mark.parametrize("name", ["", "   ", None, "a\x00b", "Acme\u202egnp.exe", "x" * 201])
def test_patch_refuses_a_bad_name(office, name):
    employer = _employer(office, "Acme")
    error = assert_error(
        office.patch(f"/api/v1/employers/{employer['id']}", json={"name": name}),
        422,
        "validation_failed",
    )
    assert "name" in error["fields"]


def test_a_provider_ukprn_already_registered_is_refused_naming_the_holder(office):
    first = _provider(office, "Midlands Tech Academy", "10012345")
    other = _provider(office, "Coastal College", "10099999")
    for response in (
        office.post("/api/v1/providers", json={"name": "Another", "ukprn": "10012345"}),
        office.patch(f"/api/v1/providers/{other['id']}", json={"ukprn": "10012345"}),
    ):
        error = assert_error(response, 409, "duplicate_ukprn")
        assert "Midlands Tech Academy" in error["message"]
        assert error["existing"] == {"id": first["id"], "name": "Midlands Tech Academy"}
        assert "ukprn" in error["fields"]
    assert office.get(f"/api/v1/providers/{other['id']}").get_json()["ukprn"] == "10099999"


@pytest.mark.parametrize(
    "kind, body, code",
    [
        ("employers", {}, "duplicate_employer"),
        ("providers", {"ukprn": "10099999"}, "duplicate_provider"),
    ],
)
@pytest.mark.parametrize("same", ["northwind digital ltd", "  NORTHWIND   Digital  Ltd "])
def test_a_name_already_registered_ignoring_case_and_spacing_is_refused(
    office, kind, body, code, same
):
    existing = office.post(
        f"/api/v1/{kind}", json={"name": "Northwind Digital Ltd", "ukprn": "10012345"}
    ).get_json()
    error = assert_error(office.post(f"/api/v1/{kind}", json={"name": same, **body}), 409, code)
    assert "Northwind Digital Ltd is already registered" in error["message"]
    assert error["existing"] == {"id": existing["id"], "name": "Northwind Digital Ltd"}
    assert "name" in error["fields"]
    other = office.post(f"/api/v1/{kind}", json={"name": "Other", **body}).get_json()
    renamed = office.patch(f"/api/v1/{kind}/{other['id']}", json={"name": same})
    assert assert_error(renamed, 409, code)["existing"]["id"] == existing["id"]
    assert office.get(f"/api/v1/{kind}/{other['id']}").get_json()["name"] == "Other"
    assert office.get(f"/api/v1/{kind}").get_json()["total"] == 2


def test_an_employer_and_a_provider_may_share_a_name(office):
    _employer(office, "Acme Training")
    _provider(office, "Acme Training", "10012345")


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("get", "/api/v1/employers", None),
        ("get", "/api/v1/providers?q=a", None),
        ("get", "/api/v1/employers/{employer}", None),
        ("patch", "/api/v1/employers/{employer}", {"name": "X"}),
        ("patch", "/api/v1/providers/{provider}", {"name": "X"}),
    ],
)
def test_assessors_may_not_read_or_change_organisations(api, organisations, method, path, body):
    employer, provider = organisations
    url = path.format(employer=employer, provider=provider)
    client = api("assessor")
    call = getattr(client, method)
    response = call(url, json=body) if body is not None else call(url)
    assert_error(response, 403, "forbidden")


def test_admin_may_change_organisations(api, organisations):
    employer, _ = organisations
    response = api("admin").patch(f"/api/v1/employers/{employer}", json={"name": "Renamed"})
    assert response.status_code == 200


def test_an_unknown_organisation_is_404(office):
    assert_error(office.patch("/api/v1/providers/999999", json={"name": "X"}), 404, "not_found")
    assert_error(office.get("/api/v1/employers/999999"), 404, "not_found")


@pytest.mark.parametrize(
    "kind, body, code",
    [
        ("employers", {"name": "Acme"}, "duplicate_employer"),
        ("providers", {"name": "Acme", "ukprn": "10099999"}, "duplicate_provider"),
        ("providers", {"name": "Other", "ukprn": "10012345"}, "duplicate_ukprn"),
    ],
)
def test_a_request_that_loses_the_race_is_refused_naming_the_winner(
    office, monkeypatch, kind, body, code
):
    """Two requests that check at the same moment both find nothing; the unique constraints
    refuse the second write, which gets the 409 the check would have given, and changes
    nothing."""
    from epa.organisations import services

    winner = office.post(f"/api/v1/{kind}", json={"name": "ACME", "ukprn": "10012345"}).get_json()
    # The first request's checks (one a field sent) find nothing; the checks after its flush
    # fails find what is there.
    missed = iter(range(len(body)))
    real = services._other
    monkeypatch.setattr(
        services, "_other", lambda *args: None if next(missed, None) is not None else real(*args)
    )
    error = assert_error(office.post(f"/api/v1/{kind}", json=body), 409, code)
    assert error["existing"] == {"id": winner["id"], "name": "ACME"}
    assert office.get(f"/api/v1/{kind}").get_json()["total"] == 1
