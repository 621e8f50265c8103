"""Administrators see and add users; nobody else can."""

import re

import pytest
from sqlalchemy import func, select

from epa.audit.models import AuditEvent
from epa.auth.models import User
from epa.extensions import db
from tests.api.test_users_access import detached_user
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
        ({"password": "password1234"}, "password", b"harder to guess"),
        ({"password": "Asha-Patel-2026"}, "password", b"must not contain your name or email"),
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


def _signed_in_elsewhere(app, make_user):
    """A second browser signed in as a new staff user: (its client, the user's id)."""
    from tests.conftest import Auth

    user_id = make_user("staff", name="Leaver Lee")
    other = app.test_client()
    assert Auth(other).sign_in(detached_user(app, user_id).email).status_code == 302
    return other, user_id


def test_the_list_links_each_user_and_shows_whether_they_are_enabled(
    app, client, signed_in, make_user
):
    signed_in("admin")
    user_id = make_user("staff", name="Sam Staff")
    with app.app_context():
        db.session.get(User, user_id).is_enabled = False
        db.session.commit()
    page = client.get("/users/").data
    assert f'href="/users/{user_id}"'.encode() in page
    assert b"Disabled" in page and b"Enabled" in page
    assert b"epa-table--stacked" in page and b'data-label="Status"' in page


def test_the_user_page_shows_their_details_and_what_can_be_done(app, client, signed_in, make_user):
    admin_id = signed_in("admin")
    user_id = make_user("assessor", name="Grace Okafor")
    page = client.get(f"/users/{user_id}").data
    assert b"Grace Okafor" in page and b"Assessor" in page
    assert f'href="/users/{user_id}/edit"'.encode() in page
    assert f'href="/users/{user_id}/disable"'.encode() in page
    assert b"Create a password reset link" in page
    own = client.get(f"/users/{admin_id}").data
    assert b"You cannot disable your own account" in own
    assert f'href="/users/{admin_id}/disable"'.encode() not in own
    assert client.get("/users/99999").status_code == 404


def test_admin_changes_a_name_and_role(app, client, signed_in, make_user):
    admin_id = signed_in("admin")
    user_id = make_user("staff", name="Sam Staff")
    form = client.get(f"/users/{user_id}/edit")
    assert b'value="Sam Staff"' in form.data
    response = client.post(
        f"/users/{user_id}/edit",
        data={"csrf_token": csrf_token(form.data), "name": "Sam Smith", "role": "assessor"},
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/users/{user_id}"
    user = detached_user(app, user_id)
    assert (user.name, user.role) == ("Sam Smith", "assessor")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(entity="user", action="update"))
        assert event.actor_id == admin_id and event.channel == "web"
        assert event.after == {"name": "Sam Smith", "role": "assessor"}


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"name": "", "role": "staff"}, "name", b"Enter the person&#39;s name"),
        ({"name": "A", "role": "boss"}, "role", b"Not a valid choice"),
    ],
)
def test_a_bad_change_is_shown_beside_its_field(
    app, client, signed_in, make_user, data, field, message
):
    signed_in("admin")
    user_id = make_user("staff", name="Sam Staff")
    form = client.get(f"/users/{user_id}/edit")
    response = client.post(
        f"/users/{user_id}/edit", data={"csrf_token": csrf_token(form.data), **data}
    )
    assert response.status_code == 422
    assert b"There is a problem" in response.data and f'href="#{field}'.encode() in response.data
    assert message in response.data
    assert detached_user(app, user_id).name == "Sam Staff"


def test_the_last_administrator_cannot_give_up_the_role(app, client, signed_in):
    admin_id = signed_in("admin")
    form = client.get(f"/users/{admin_id}/edit")
    response = client.post(
        f"/users/{admin_id}/edit",
        data={"csrf_token": csrf_token(form.data), "name": "Me", "role": "staff"},
    )
    assert response.status_code == 422
    assert b"is the only enabled administrator" in response.data
    assert b'href="#role' in response.data
    assert detached_user(app, admin_id).role == "admin"


def test_disabling_asks_first_then_signs_the_user_out_at_once(app, client, signed_in, make_user):
    signed_in("admin")
    other, user_id = _signed_in_elsewhere(app, make_user)
    assert other.get("/").status_code == 200
    confirm = client.get(f"/users/{user_id}/disable")
    assert confirm.status_code == 200
    assert b"signed out everywhere" in confirm.data and b"Disable account" in confirm.data
    assert detached_user(app, user_id).is_enabled  # asking changes nothing
    response = client.post(
        f"/users/{user_id}/disable", data={"csrf_token": csrf_token(confirm.data)}
    )
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).data
    assert b"account is disabled" in shown and b"Re-enable account" in shown
    assert not detached_user(app, user_id).is_enabled
    ended = other.get("/")
    assert ended.status_code == 302 and "/sign-in" in ended.headers["Location"]


def test_disabling_without_csrf_changes_nothing(app, client, signed_in, make_user):
    signed_in("admin")
    user_id = make_user("staff")
    assert client.post(f"/users/{user_id}/disable").status_code == 400
    assert detached_user(app, user_id).is_enabled


def test_an_administrator_cannot_disable_themselves_on_the_page(app, client, signed_in):
    admin_id = signed_in("admin")
    confirm = client.get(f"/users/{admin_id}/disable")
    response = client.post(
        f"/users/{admin_id}/disable", data={"csrf_token": csrf_token(confirm.data)}
    )
    assert response.status_code == 409
    assert b"There is a problem" in response.data
    assert b"You cannot disable your own account" in response.data
    assert detached_user(app, admin_id).is_enabled


def test_re_enabling_lets_the_user_sign_in_again(app, client, signed_in, make_user, auth):
    signed_in("admin")
    user_id = make_user("staff")
    confirm = client.get(f"/users/{user_id}/disable")
    client.post(f"/users/{user_id}/disable", data={"csrf_token": csrf_token(confirm.data)})
    page = client.get(f"/users/{user_id}")
    response = client.post(f"/users/{user_id}/enable", data={"csrf_token": csrf_token(page.data)})
    assert response.status_code == 302
    assert b"can sign in again" in client.get(response.headers["Location"]).data
    assert detached_user(app, user_id).is_enabled


def test_a_reset_link_is_shown_once_for_handing_over(app, client, signed_in, make_user):
    from epa.mail.models import OutboxMessage

    signed_in("admin")
    user_id = make_user("assessor", name="Grace Okafor", email="grace@epao.example")
    page = client.get(f"/users/{user_id}")
    response = client.post(
        f"/users/{user_id}/password-reset", data={"csrf_token": csrf_token(page.data)}
    )
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    link = re.search(rb'value="(http://localhost/reset-password/[\w-]+)"', response.data).group(1)
    assert b"emailed to grace@epao.example" in response.data and b"shown only once" in response.data
    with app.app_context():
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert link.decode() in message.body
    assert link not in client.get(f"/users/{user_id}").data  # not shown again


def test_admin_sees_and_revokes_a_user_s_tokens(app, client, signed_in, make_user, make_token):
    from epa.auth.models import ApiToken

    signed_in("admin")
    user_id = make_user("staff", name="Sam Staff")
    token = make_token(user_id=user_id)
    page = client.get(f"/users/{user_id}")
    assert token[:12].encode() in page.data and b"Not used yet" in page.data
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).filter_by(user_id=user_id))
    response = client.post(
        f"/users/{user_id}/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(page.data)}
    )
    assert response.status_code == 302
    after = client.get(response.headers["Location"]).data
    assert b"no longer works" in after and b"No API tokens" in after
    assert (
        client.get("/api/v1/me/tokens", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
    # A token id under another user is not found, and changes nothing.
    other = make_user("staff")
    assert (
        client.post(
            f"/users/{other}/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(page.data)}
        ).status_code
        == 404
    )


@pytest.mark.parametrize("role", ["staff", "assessor"])
def test_other_roles_cannot_manage_users(client, signed_in, make_user, role):
    signed_in(role)
    user_id = make_user("staff")
    for path in [f"/users/{user_id}", f"/users/{user_id}/edit", f"/users/{user_id}/disable"]:
        assert client.get(path).status_code == 403


def test_an_administrator_who_steps_down_goes_to_their_start_page(
    app, client, signed_in, make_user
):
    admin_id = signed_in("admin")
    make_user("admin")
    form = client.get(f"/users/{admin_id}/edit")
    response = client.post(
        f"/users/{admin_id}/edit",
        data={"csrf_token": csrf_token(form.data), "name": "Me", "role": "staff"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert detached_user(app, admin_id).role == "staff"
