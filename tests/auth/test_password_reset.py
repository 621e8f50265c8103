"""A one-time password reset link: it sets a new password once, within 24 hours, ends every
session, and a used, expired, superseded or unknown link says why it does not work."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from epa.audit.models import AuditEvent
from epa.auth.models import User
from epa.extensions import db
from tests.api.test_users_access import detached_user
from tests.conftest import Auth, csrf_token

NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
NEW = "a brand new passphrase"


@pytest.fixture
def issue(app, make_user, move_clock):
    """issue(user_id=None) -> (the reset link's path, the user's id), issued at NOON."""
    from epa.auth.resets import issue_reset

    move_clock(NOON)

    def make(user_id=None):
        user_id = user_id or make_user("assessor", name="Grace Okafor")
        with app.test_request_context():
            url = issue_reset(db.session.get(User, user_id), "EPAO").reset_url
            db.session.commit()
        return url.removeprefix("http://localhost"), user_id

    return make


def _set(client, path, new=NEW, confirm=None):
    page = client.get(path)
    data = {
        "csrf_token": csrf_token(page.data),
        "new_password": new,
        "confirm_password": confirm or new,
    }
    return client.post(path, data=data)


def test_the_link_sets_a_new_password_and_ends_every_session(app, client, issue):
    path, user_id = issue()
    signed_in = app.test_client()
    assert Auth(signed_in).sign_in(detached_user(app, user_id).email).status_code == 302
    page = client.get(path)
    assert page.status_code == 200 and b"Choose a new password" in page.data
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert detached_user(app, user_id).email.encode() in page.data
    response = _set(client, path)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert b"Your password has been changed" in client.get("/sign-in").data
    assert signed_in.get("/").status_code == 302  # signed out
    assert Auth(client).sign_in(detached_user(app, user_id).email, NEW).status_code == 302
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="password_change"))
        assert event.entity_id == str(user_id) and event.channel == "web"
        assert event.after["via"].startswith("reset_link ")  # no user is signed in


def test_a_used_link_says_so(app, client, issue):
    path, _ = issue()
    _set(client, path)
    again = client.get(path)
    assert again.status_code == 410
    assert b"already been used" in again.data
    assert _set_refused(client, path) == 410


def _set_refused(client, path):
    # As a form opened before the link stopped working would post.
    token = csrf_token(client.get("/sign-in").data)
    data = {"csrf_token": token, "new_password": NEW, "confirm_password": NEW}
    return client.post(path, data=data).status_code


def test_a_link_expires_after_24_hours(client, issue, move_clock):
    path, _ = issue()
    move_clock(NOON + timedelta(hours=23, minutes=59))
    assert client.get(path).status_code == 200
    move_clock(NOON + timedelta(hours=24))
    expired = client.get(path)
    assert expired.status_code == 410 and b"has expired" in expired.data
    assert b"Ask your administrator for a new link" in expired.data


def test_a_newer_link_supersedes_the_older(client, issue):
    older, user_id = issue()
    newer, _ = issue(user_id)
    superseded = client.get(older)
    assert superseded.status_code == 410 and b"a newer link was issued" in superseded.data
    assert client.get(newer).status_code == 200


def test_disabling_the_account_stops_its_link(app, client, issue):
    from epa.auth.accounts import change_user
    from epa.auth.schemas import UserChange

    path, user_id = issue()
    with app.app_context():
        change_user(db.session.get(User, user_id), UserChange.read({"enabled": False}), None)
        db.session.commit()
    assert client.get(path).status_code == 410


@pytest.mark.parametrize("token", ["not-a-token", "x" * 101])
def test_an_unknown_link_says_to_check_it(client, issue, token):
    issue()
    response = client.get(f"/reset-password/{token}")
    assert response.status_code == 404
    assert b"copied the whole link" in response.data


@pytest.mark.parametrize(
    "new, confirm, message",
    [
        ("short", "short", b"at least 12 characters"),
        ("", "", b"at least 12 characters"),
        ("aaaaaaaaaaaa", "aaaaaaaaaaaa", b"harder to guess"),
        ("okafor grace 99", "okafor grace 99", b"must not contain your name or email"),
        (NEW, "something else", b"Enter the same new password in both boxes"),
    ],
)
def test_a_refused_password_says_why_and_keeps_the_link(app, client, issue, new, confirm, message):
    path, user_id = issue()
    response = _set(client, path, new, confirm)
    assert response.status_code == 422
    assert b"There is a problem" in response.data and message in response.data
    assert client.get(path).status_code == 200  # the link still works
    assert Auth(app.test_client()).sign_in(detached_user(app, user_id).email).status_code == 302


def test_a_link_spent_while_its_form_was_open_sets_nothing(app, client, issue):
    from epa.auth.models import PasswordReset
    from epa.auth.resets import UnusableLink, reset_for, use_reset

    path, user_id = issue()
    token = path.rsplit("/", 1)[1]
    with app.app_context():
        first, second = reset_for(token), reset_for(token)
        use_reset(first, "plum radiator otter")
        db.session.flush()
        with pytest.raises(UnusableLink):
            use_reset(second, "y" * 12)
        db.session.commit()
        assert db.session.scalar(select(PasswordReset.used_at)) is not None
    assert (
        Auth(client).sign_in(detached_user(app, user_id).email, "plum radiator otter").status_code
        == 302
    )
