"""Administrators see and add users; nobody else can."""

import pytest
from sqlalchemy import func, select

from epa.audit.models import AuditEvent
from epa.auth.models import User
from epa.extensions import db
from tests.conftest import csrf_token


def _users(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def _form(client):
    page = client.get("/users/new")
    assert page.status_code == 200
    assert page.data.count(b'type="radio"') == 3
    assert b"Sees only the assessments booked with them" in page.data
    return {
        "csrf_token": csrf_token(page.data),
        "name": "Asha Patel",
        "email": "asha@epao.example",
        "role": "assessor",
        "password": "a long first password",
    }


def test_admin_adds_a_user_who_can_then_sign_in(app, client, signed_in, auth):
    admin_id = signed_in("admin")
    response = client.post("/users/new", data=_form(client))
    assert response.status_code == 302
    listing = client.get("/users/")
    assert b"Asha Patel" in listing.data and b"can now sign in as assessor" in listing.data
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).filter_by(entity="user").order_by(AuditEvent.id.desc())
        )
        assert event.actor_id == admin_id and event.channel == "web"
    client.post("/sign-out", data={"csrf_token": csrf_token(listing.data)})
    assert auth.sign_in("asha@epao.example", "a long first password").status_code == 302


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"name": ""}, "name", b"Enter the person&#39;s name"),
        ({"email": ""}, "email", b"Enter an email address"),
        ({"email": "not-an-address"}, "email", b"correct format"),
        ({"role": ""}, "role", b"Select a role"),
        ({"role": "boss"}, "role", b"Not a valid choice"),
        ({"password": "short"}, "password", b"at least 12 characters"),
    ],
)
def test_each_invalid_field_is_shown_beside_it_and_nothing_is_added(
    app, client, signed_in, change, field, message
):
    signed_in("admin")
    before = _users(app)
    response = client.post("/users/new", data={**_form(client), **change})
    assert response.status_code == 422
    assert b"There is a problem" in response.data
    assert f'href="#{field}'.encode() in response.data  # the summary links to the field
    assert message in response.data
    assert b"<title>Error: Add a user" in response.data
    assert b'href="#None"' not in response.data
    assert _users(app) == before


def test_duplicate_email_is_shown_beside_the_email(app, client, signed_in, make_user):
    make_user("staff", email="asha@epao.example")
    signed_in("admin")
    response = client.post("/users/new", data=_form(client))
    assert response.status_code == 422
    assert b"A user with this email already exists" in response.data


def test_add_user_without_csrf_changes_nothing(app, client, signed_in):
    signed_in("admin")
    before = _users(app)
    data = _form(client)
    del data["csrf_token"]
    assert client.post("/users/new", data=data).status_code == 400
    assert _users(app) == before


@pytest.mark.parametrize("role", ["staff", "assessor"])
def test_other_roles_get_the_403_page(client, signed_in, role):
    signed_in(role)
    for path in ["/users/", "/users/new"]:
        response = client.get(path)
        assert response.status_code == 403
        assert b"You cannot see this page" in response.data
    assert b'href="/users/"' not in client.get("/").data


def test_users_are_listed_a_page_at_a_time(app, client, signed_in, make_user):
    signed_in("admin")
    with app.app_context():
        for n in range(55):
            db.session.add(
                User(
                    email=f"a{n}@epao.example",
                    name=f"Assessor {n:02d}",
                    role="assessor",
                    password_hash="scrypt:not-used",
                )
            )
        db.session.commit()
    first = client.get("/users/")
    assert b"56 users" in first.data and b"Page 1 of 2" in first.data
    second = client.get("/users/?page=2")
    assert b"Page 2 of 2" in second.data
    assert client.get("/users/?page=zero").status_code == 200
