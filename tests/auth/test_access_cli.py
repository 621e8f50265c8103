"""`epa disable-user` and `epa reset-password`: what an operator does without the pages."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from epa.audit.models import AuditEvent
from epa.auth.models import ApiToken, PasswordReset
from epa.extensions import db
from epa.mail.models import OutboxMessage
from tests.api.test_users_access import detached_user
from tests.conftest import Auth, csrf_token

NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_disable_user_signs_them_out_and_revokes_their_tokens(app, runner, make_user, make_token):
    user_id = make_user("staff", name="Leaver Lee", email="lee@epao.example")
    make_token(user_id=user_id)
    browser = app.test_client()
    assert Auth(browser).sign_in("lee@epao.example").status_code == 302
    result = runner.invoke(args=["epa", "disable-user", " Lee@EPAO.example "])
    assert result.exit_code == 0, result.output
    assert "Disabled staff Leaver Lee <lee@epao.example>" in result.output
    assert not detached_user(app, user_id).is_enabled
    assert browser.get("/").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ApiToken.revoked_at)) is not None
        event = db.session.scalar(select(AuditEvent).filter_by(action="disable"))
        assert event.channel == "cli" and event.actor_id is None
    again = runner.invoke(args=["epa", "disable-user", "lee@epao.example"])
    assert again.exit_code == 0 and "already disabled; nothing was changed" in again.output


@pytest.mark.parametrize("email", ["nobody@epao.example", "", "not an email"])
def test_disable_user_with_an_unknown_email_fails_and_changes_nothing(
    app, runner, make_user, email
):
    user_id = make_user("staff")
    result = runner.invoke(args=["epa", "disable-user", email])
    assert result.exit_code == 1
    assert "No user has the email" in result.output and "Nothing was changed" in result.output
    assert detached_user(app, user_id).is_enabled


def test_disable_user_keeps_the_last_administrator(app, runner, make_user):
    user_id = make_user("admin", email="boss@epao.example")
    result = runner.invoke(args=["epa", "disable-user", "boss@epao.example"])
    assert result.exit_code == 1
    assert "only enabled administrator" in result.output
    assert detached_user(app, user_id).is_enabled
    with app.app_context():
        assert db.session.scalars(select(AuditEvent).filter_by(action="disable")).all() == []


def test_reset_password_prints_a_link_that_works(app, runner, client, make_user, move_clock):
    move_clock(NOON)
    user_id = make_user("assessor", email="grace@epao.example")
    result = runner.invoke(args=["epa", "reset-password", "grace@epao.example"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    # No request to take an address from: the configured public address, or the default.
    assert link.startswith("http://127.0.0.1:5000/reset-password/")
    assert "until 2026-11-27T12:00:00+00:00" in result.output
    assert "outbox" in result.output
    assert "PUBLIC_URL is not set" in result.stderr  # a link to hand out needs the real address
    path = link.removeprefix("http://127.0.0.1:5000")
    page = client.get(path)
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_token(page.data),
        "new_password": "plum radiator otter",
        "confirm_password": "plum radiator otter",
    }
    assert client.post(path, data=data).status_code == 302
    assert Auth(client).sign_in("grace@epao.example", "plum radiator otter").status_code == 302
    with app.app_context():
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert link in message.body
        event = db.session.scalar(select(AuditEvent).filter_by(action="password_reset_issued"))
        assert event.channel == "cli" and event.entity_id == str(user_id)


def test_reset_password_uses_the_configured_public_address(app, runner, make_user):
    make_user("staff", email="sam@epao.example")
    app.config["PUBLIC_URL"] = "https://epa.example.org/service"
    try:
        result = runner.invoke(args=["epa", "reset-password", "sam@epao.example"])
    finally:
        app.config["PUBLIC_URL"] = None
    assert (
        result.output.strip()
        .splitlines()[-1]
        .startswith("https://epa.example.org/service/reset-password/")
    )
    assert "PUBLIC_URL is not set" not in result.output


def test_reset_password_refuses_unknown_and_disabled_users(app, runner, make_user):
    result = runner.invoke(args=["epa", "reset-password", "nobody@epao.example"])
    assert result.exit_code == 1 and "No user has the email nobody@epao.example" in result.output
    make_user("staff", email="gone@epao.example")
    assert runner.invoke(args=["epa", "disable-user", "gone@epao.example"]).exit_code == 0
    result = runner.invoke(args=["epa", "reset-password", "gone@epao.example"])
    assert result.exit_code == 1 and "is disabled" in result.output
    with app.app_context():
        assert db.session.scalars(select(PasswordReset)).all() == []
        assert db.session.scalars(select(OutboxMessage)).all() == []
