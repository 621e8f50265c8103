"""Your account: every signed-in user changes their own password and manages their own API
tokens on one page."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from epa.audit.models import AuditEvent
from epa.auth.models import ApiToken
from epa.extensions import db
from tests.api.test_users_access import detached_user
from tests.conftest import PASSWORD, Auth, csrf_token

NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
NEW = "a brand new passphrase"


def _change(client, **fields):
    page = client.get("/account")
    data = {
        "csrf_token": csrf_token(page.data),
        "current_password": PASSWORD,
        "new_password": NEW,
        "confirm_password": NEW,
    }
    return client.post("/account", data={**data, **fields})


@pytest.mark.parametrize("role", ["admin", "staff", "assessor"])
def test_every_signed_in_user_has_a_your_account_link_and_page(client, signed_in, role):
    signed_in(role)
    home = client.get("/").data
    assert b'href="/account"' in home and b"Your account" in home
    page = client.get("/account")
    assert page.status_code == 200
    assert b'<h1 class="govuk-heading-l">Your account</h1>' in page.data
    assert b"Current password" in page.data and b"Confirm new password" in page.data


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_changing_your_password_keeps_this_session_and_ends_the_others(app, client, signed_in):
    user_id = signed_in("staff")
    other = app.test_client()
    assert Auth(other).sign_in(detached_user(app, user_id).email).status_code == 302
    response = _change(client)
    assert response.status_code == 302
    assert b"Your password has been changed" in client.get("/account").data  # still signed in
    assert other.get("/").status_code == 302  # the other browser is signed out
    fresh = Auth(app.test_client())
    assert fresh.sign_in(detached_user(app, user_id).email).status_code == 401
    assert fresh.sign_in(detached_user(app, user_id).email, NEW).status_code == 302
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="password_change"))
        assert event.actor_id == user_id and event.channel == "web"
        assert event.after == {"via": "own_change"}


@pytest.mark.parametrize(
    "fields, field, message",
    [
        (
            {"current_password": "not my password"},
            "current_password",
            b"Your current password is not right",
        ),
        ({"current_password": ""}, "current_password", b"Enter your current password"),
        (
            {"new_password": "short", "confirm_password": "short"},
            "new_password",
            b"at least 12 characters",
        ),
        (
            {"new_password": "qwertyuiop12", "confirm_password": "qwertyuiop12"},
            "new_password",
            b"harder to guess",
        ),
        (
            {"new_password": "assessor1 is me!", "confirm_password": "assessor1 is me!"},
            "new_password",
            b"must not contain your name or email",
        ),
        (
            {"confirm_password": "something else"},
            "confirm_password",
            b"Enter the same new password in both boxes",
        ),
    ],
)
def test_a_refused_change_says_what_to_fix_and_changes_nothing(
    app, client, signed_in, fields, field, message
):
    user_id = signed_in("assessor")
    response = _change(client, **fields)
    assert response.status_code == 422
    assert b"There is a problem" in response.data and f'href="#{field}"'.encode() in response.data
    assert message in response.data
    assert b"<title>Error: Your account" in response.data
    assert Auth(app.test_client()).sign_in(detached_user(app, user_id).email).status_code == 302


def test_creating_a_token_shows_it_once_and_lists_it(app, client, signed_in, move_clock):
    move_clock(NOON)
    signed_in("staff")
    form = client.get("/account/tokens/new")
    assert b"expires_on-day" in form.data  # the GOV.UK date input
    response = client.post(
        "/account/tokens/new",
        data={
            "csrf_token": csrf_token(form.data),
            "name": "Nightly export",
            "expires_on": ["31", "1", "2027"],
        },
    )
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    token = re.search(r'value="(epa_[\w-]+)"', response.data.decode()).group(1)
    assert b"shown only once" in response.data and b"31 January 2027" in response.data
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me/tokens", headers=headers).status_code == 200
    page = client.get("/account").data
    assert b"Nightly export" in page and token[:12].encode() in page
    assert token.encode() not in page
    assert b"26 November 2026 at 12:00" in page  # created, and just used
    assert b"End of 31 January 2027" in page


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"name": ""}, "name", b"Enter the token name"),
        ({"name": "X", "expires_on": ["31", "", "2027"]}, "expires_on", b"must include a month"),
        ({"name": "X", "expires_on": ["30", "2", "2027"]}, "expires_on", b"real date"),
        ({"name": "X", "expires_on": ["25", "11", "2026"]}, "expires_on", b"today or later"),
    ],
)
def test_a_bad_token_form_says_what_to_fix(
    app, client, signed_in, move_clock, data, field, message
):
    move_clock(NOON)
    signed_in("staff")
    form = client.get("/account/tokens/new")
    response = client.post(
        "/account/tokens/new", data={"csrf_token": csrf_token(form.data), **data}
    )
    assert response.status_code == 422
    assert b"There is a problem" in response.data and message in response.data
    assert f'href="#{field}'.encode() in response.data
    with app.app_context():
        assert db.session.scalars(select(ApiToken)).all() == []


def test_revoking_your_own_token(app, client, signed_in, make_token, make_user):
    user_id = signed_in("assessor")
    token = make_token(user_id=user_id)
    someone_else = make_token(user_id=make_user("staff"))
    with app.app_context():
        mine = db.session.scalar(select(ApiToken.id).filter_by(user_id=user_id))
        theirs = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id != user_id))
    page = client.get("/account")
    assert b'Revoke<span class="govuk-visually-hidden"> the token Token epa_' in page.data
    token_csrf = csrf_token(page.data)
    assert (
        client.post(f"/account/tokens/{theirs}/revoke", data={"csrf_token": token_csrf}).status_code
        == 404
    )
    assert client.post(f"/account/tokens/{mine}/revoke").status_code == 400  # no CSRF token
    response = client.post(f"/account/tokens/{mine}/revoke", data={"csrf_token": token_csrf})
    assert response.status_code == 302
    assert b"no longer works" in client.get("/account").data
    assert (
        client.get("/api/v1/me/tokens", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
    assert (
        client.get(
            "/api/v1/me/tokens", headers={"Authorization": f"Bearer {someone_else}"}
        ).status_code
        == 200
    )
