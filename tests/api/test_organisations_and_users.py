"""Employers, providers and users through the API, with their audit events."""

import pytest
from sqlalchemy import func, select

from epa.audit.models import AuditEvent
from epa.extensions import db
from tests.api.test_conventions import assert_error


def _events(app, entity):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).filter_by(entity=entity)))


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_create_employer_writes_an_audit_event_by_the_token_owner(app, api, make_user):
    from epa.auth.models import User

    response = api("staff").post("/api/v1/employers", json={"name": "  Acme   Widgets  "})
    assert response.status_code == 201
    body = response.get_json()
    assert body == {"id": body["id"], "name": "Acme Widgets"}
    [event] = _events(app, "employer")
    assert event.action == "create" and event.channel == "api"
    assert event.entity_id == str(body["id"])
    assert event.before is None and event.after == {"id": body["id"], "name": "Acme Widgets"}
    with app.app_context():
        assert db.session.get(User, event.actor_id).role == "staff"
    assert event.occurred_at.tzinfo is not None


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": 7}, {"name": None}])
def test_employer_needs_a_name(app, api, body):
    from epa.organisations.models import Employer

    error = assert_error(
        api("staff").post("/api/v1/employers", json=body), 422, "validation_failed"
    )
    assert "name" in error["fields"]
    assert _count(app, Employer) == 0
    assert _events(app, "employer") == []


def test_duplicate_employer_name_is_409(api):
    client = api("staff")
    assert client.post("/api/v1/employers", json={"name": "Acme"}).status_code == 201
    assert_error(client.post("/api/v1/employers", json={"name": "ACME"}), 409, "duplicate_employer")


def test_employer_list_and_read(api):
    client = api("admin")
    created = client.post("/api/v1/employers", json={"name": "Acme"}).get_json()
    assert client.get(f"/api/v1/employers/{created['id']}").get_json() == created
    assert client.get("/api/v1/employers").get_json()["items"] == [created]


@pytest.mark.parametrize(
    "ukprn, ok",
    [
        ("10012345", True),
        ("19999999", True),
        ("10000000", True),
        ("1001234", False),  # seven digits
        ("100123456", False),  # nine digits
        ("20012345", False),  # does not start with 1
        ("00012345", False),
        ("1001234X", False),
        ("１0012345", False),  # a full-width digit
        ("1001234５", False),
        (10012345, False),  # a number, not text
        ("", False),
        (None, False),
    ],
)
def test_provider_ukprn_is_eight_digits_starting_with_1(app, api, ukprn, ok):
    from epa.organisations.models import Provider

    response = api("staff").post("/api/v1/providers", json={"name": "Tech Academy", "ukprn": ukprn})
    if ok:
        assert response.status_code == 201
        assert response.get_json()["ukprn"] == ukprn
        [event] = _events(app, "provider")
        assert event.after["ukprn"] == ukprn
    else:
        error = assert_error(response, 422, "invalid_ukprn")
        assert "ukprn" in error["fields"]
        assert _count(app, Provider) == 0


def test_provider_needs_a_name(api):
    error = assert_error(
        api("staff").post("/api/v1/providers", json={"ukprn": "10012345"}), 422, "validation_failed"
    )
    assert set(error["fields"]) == {"name"}


def test_duplicate_ukprn_is_409(api):
    client = api("staff")
    assert (
        client.post("/api/v1/providers", json={"name": "A", "ukprn": "10012345"}).status_code == 201
    )
    response = client.post("/api/v1/providers", json={"name": "B", "ukprn": "10012345"})
    assert_error(response, 409, "duplicate_ukprn")


def test_admin_creates_a_user(app, api):
    response = api("admin").post(
        "/api/v1/users",
        json={
            "email": "New@EPAO.example",
            "name": "New Assessor",
            "role": "assessor",
            "password": "a good long password",
        },
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body == {
        "id": body["id"],
        "email": "new@epao.example",
        "name": "New Assessor",
        "role": "assessor",
        "enabled": True,
    }
    [event] = [e for e in _events(app, "user") if e.entity_id == str(body["id"])]
    assert "password" not in event.after and "password_hash" not in event.after


def test_duplicate_email_is_409(api, make_user):
    make_user("staff", email="taken@epao.example")
    response = api("admin").post(
        "/api/v1/users",
        json={
            "email": "Taken@epao.example",
            "name": "X",
            "role": "staff",
            "password": "plum radiator otter",
        },
    )
    error = assert_error(response, 409, "duplicate_email")
    assert "email" in error["fields"]


def test_user_with_every_field_wrong_gets_every_field_named(app, api):
    from epa.auth.models import User

    client = api("admin")
    before = _count(app, User)
    response = client.post(
        "/api/v1/users", json={"email": "nope", "name": "", "role": "boss", "password": "short"}
    )
    error = assert_error(response, 422, "validation_failed")
    assert set(error["fields"]) == {"email", "name", "role", "password"}
    assert _count(app, User) == before


def test_user_list_and_read_never_show_password_hashes(api):
    client = api("admin")
    listed = client.get("/api/v1/users").get_json()
    assert listed["total"] == 1
    text = str(listed)
    assert "scrypt" not in text and "password" not in text
    user_id = listed["items"][0]["id"]
    assert client.get(f"/api/v1/users/{user_id}").get_json()["role"] == "admin"
