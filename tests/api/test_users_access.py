"""Users and access through the API: an administrator changes, disables and re-enables users
and issues password reset links; everyone changes their own password and manages their own
API tokens. Every change is audited."""

import threading
import time
from datetime import UTC, date, datetime, timedelta
from unittest.mock import patch

import pytest
from sqlalchemy import func, select

from epa.audit.models import AuditEvent
from epa.auth.models import ApiToken, PasswordReset, User
from epa.extensions import db
from epa.mail.models import OutboxMessage
from tests.api.test_conventions import assert_error
from tests.conftest import PASSWORD, ApiClient

NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def detached_user(app, user_id) -> User:
    """The user as stored now, readable outside the app context."""
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def _events(app, entity, action=None):
    with app.app_context():
        query = select(AuditEvent).filter_by(entity=entity).order_by(AuditEvent.id)
        if action:
            query = query.filter_by(action=action)
        return list(db.session.scalars(query))


@pytest.fixture
def admin(app, client, make_user, make_token):
    """An administrator's API client, and their user id."""
    admin_id = make_user("admin", name="Ada Admin")
    return ApiClient(client, make_token(user_id=admin_id)), admin_id


def test_users_list_says_whether_each_is_enabled(admin, make_user):
    client, _ = admin
    make_user("staff", name="Sam Staff")
    items = client.get("/api/v1/users").get_json()["items"]
    assert [(u["name"], u["enabled"]) for u in items] == [("Ada Admin", True), ("Sam Staff", True)]


def test_admin_changes_a_name_and_role_and_it_is_audited(app, admin, make_user):
    client, admin_id = admin
    user_id = make_user("staff", name="Sam Staff")
    response = client.patch(
        f"/api/v1/users/{user_id}", json={"name": " Sam  Smith ", "role": "admin"}
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "id": user_id,
        "email": detached_user(app, user_id).email,
        "name": "Sam Smith",
        "role": "admin",
        "enabled": True,
    }
    [event] = _events(app, "user", "update")
    assert event.actor_id == admin_id and event.channel == "api"
    assert event.before == {"name": "Sam Staff", "role": "staff"}
    assert event.after == {"name": "Sam Smith", "role": "admin"}


def test_a_patch_that_changes_nothing_records_nothing(app, admin, make_user):
    client, _ = admin
    user_id = make_user("staff", name="Sam Staff")
    assert client.patch(f"/api/v1/users/{user_id}", json={}).status_code == 200
    assert client.patch(f"/api/v1/users/{user_id}", json={"name": "Sam Staff"}).status_code == 200
    assert _events(app, "user", "update") == []


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"role": "boss"}, "role"),
        ({"enabled": "no"}, "enabled"),
        ({"enabled": None}, "enabled"),
    ],
)
def test_bad_changes_are_refused_field_by_field_and_change_nothing(
    app, admin, make_user, body, field
):
    client, _ = admin
    user_id = make_user("staff", name="Sam Staff")
    error = assert_error(
        client.patch(f"/api/v1/users/{user_id}", json=body), 422, "validation_failed"
    )
    assert set(error["fields"]) == {field}
    user = detached_user(app, user_id)
    assert (user.name, user.role, user.is_enabled) == ("Sam Staff", "staff", True)


def test_changing_an_unknown_user_is_404(admin):
    client, _ = admin
    assert_error(client.patch("/api/v1/users/99999", json={"name": "X"}), 404, "not_found")


@pytest.mark.parametrize("role", ["staff", "assessor"])
def test_only_administrators_change_users(api, make_user, role):
    user_id = make_user("staff")
    client = api(role)
    assert_error(client.patch(f"/api/v1/users/{user_id}", json={"name": "X"}), 403, "forbidden")
    assert_error(client.post(f"/api/v1/users/{user_id}/password-reset"), 403, "forbidden")


def test_disabling_ends_sessions_and_revokes_tokens_and_the_feed_at_once(
    app, admin, client, make_user, make_token, auth
):
    from epa.scheduling.diaries import issue_calendar_token

    api_admin, _ = admin
    user_id = make_user("assessor", name="Leaver")
    tokens = [make_token(user_id=user_id), make_token(user_id=user_id)]
    with app.app_context():
        leaver = db.session.get(User, user_id)
        feed = issue_calendar_token(leaver)
        db.session.commit()
        session_before = leaver.session_token
    assert client.get(f"/calendar/{feed}.ics").status_code == 200
    assert ApiClient(client, tokens[0]).get("/api/v1/standards").status_code == 200

    response = api_admin.patch(f"/api/v1/users/{user_id}", json={"enabled": False})
    assert response.status_code == 200 and response.get_json()["enabled"] is False

    for token in tokens:
        assert_error(ApiClient(client, token).get("/api/v1/standards"), 401, "unauthenticated")
    assert client.get(f"/calendar/{feed}.ics").status_code == 404
    with app.app_context():
        leaver = db.session.get(User, user_id)
        assert leaver.session_token != session_before and leaver.calendar_token_hash is None
        rows = db.session.scalars(select(ApiToken).filter_by(user_id=user_id)).all()
        assert all(row.revoked_at is not None for row in rows)
    assert auth.sign_in(leaver.email).status_code == 401
    [event] = _events(app, "user", "disable")
    assert event.before == {"enabled": True}
    assert event.after == {"enabled": False, "api_tokens_revoked": 2, "calendar_feed": "revoked"}
    assert len(_events(app, "api_token", "revoke")) == 2


def test_a_disabled_user_s_open_session_ends(app, admin, client, make_user, auth):
    api_admin, _ = admin
    user_id = make_user("staff")
    assert auth.sign_in(detached_user(app, user_id).email).status_code == 302
    assert client.get("/").status_code == 200
    api_admin.patch(f"/api/v1/users/{user_id}", json={"enabled": False})
    response = client.get("/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_re_enabling_lets_them_sign_in_but_revoked_tokens_stay_revoked(
    app, admin, client, make_user, make_token, auth
):
    api_admin, _ = admin
    user_id = make_user("staff")
    token = make_token(user_id=user_id)
    api_admin.patch(f"/api/v1/users/{user_id}", json={"enabled": False})
    response = api_admin.patch(f"/api/v1/users/{user_id}", json={"enabled": True})
    assert response.get_json()["enabled"] is True
    assert [e.action for e in _events(app, "user") if e.action in ("disable", "enable")] == [
        "disable",
        "enable",
    ]
    assert auth.sign_in(detached_user(app, user_id).email).status_code == 302
    assert_error(ApiClient(client, token).get("/api/v1/standards"), 401, "unauthenticated")


def test_an_administrator_cannot_disable_themselves(app, admin):
    client, admin_id = admin
    error = assert_error(
        client.patch(f"/api/v1/users/{admin_id}", json={"enabled": False}),
        409,
        "cannot_disable_self",
    )
    assert "enabled" in error["fields"]
    assert detached_user(app, admin_id).is_enabled


def test_the_last_enabled_administrator_keeps_the_role(app, admin, make_user):
    client, admin_id = admin
    other = make_user("admin", name="Other Admin")
    # With two, one may go; then the one left is the last.
    assert client.patch(f"/api/v1/users/{other}", json={"enabled": False}).status_code == 200
    error = assert_error(
        client.patch(f"/api/v1/users/{admin_id}", json={"role": "staff"}), 409, "last_administrator"
    )
    assert "only enabled administrator" in error["message"] and "role" in error["fields"]
    assert detached_user(app, admin_id).role == "admin"
    # A disabled administrator does not count, and can be changed freely.
    assert client.patch(f"/api/v1/users/{other}", json={"role": "staff"}).status_code == 200


def test_an_administrator_may_step_down_while_another_remains(app, admin, make_user):
    client, admin_id = admin
    make_user("admin")
    assert client.patch(f"/api/v1/users/{admin_id}", json={"role": "staff"}).status_code == 200
    # The token now acts with its owner's new role.
    assert_error(client.get("/api/v1/users"), 403, "forbidden")


def test_password_reset_link_is_issued_emailed_and_audited(app, admin, make_user, move_clock):
    client, admin_id = admin
    move_clock(NOON)
    user_id = make_user("assessor", name="Grace Okafor", email="grace@epao.example")
    response = client.post(f"/api/v1/users/{user_id}/password-reset")
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"reset_url", "expires_at"}
    assert body["reset_url"].startswith("http://localhost/reset-password/")
    assert body["expires_at"] == "2026-11-27T12:00:00+00:00"
    token = body["reset_url"].rsplit("/", 1)[1]
    with app.app_context():
        reset = db.session.scalar(select(PasswordReset).filter_by(user_id=user_id))
        assert token not in reset.token_hash and len(reset.token_hash) == 64  # only a hash kept
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert message.to_address == "grace@epao.example"
        assert body["reset_url"] in message.body and "24 hours" in message.body
    [event] = _events(app, "user", "password_reset_issued")
    assert event.actor_id == admin_id and event.entity_id == str(user_id)
    assert token not in str(event.after)


def test_a_disabled_user_gets_no_reset_link(app, admin, make_user):
    client, _ = admin
    user_id = make_user("staff")
    client.patch(f"/api/v1/users/{user_id}", json={"enabled": False})
    assert_error(client.post(f"/api/v1/users/{user_id}/password-reset"), 409, "user_disabled")
    with app.app_context():
        assert db.session.scalars(select(PasswordReset)).all() == []


def test_anyone_changes_their_own_password(app, client, make_user, make_token, auth):
    user_id = make_user("assessor")
    own = ApiClient(client, make_token(user_id=user_id))
    email = detached_user(app, user_id).email
    assert auth.sign_in(email).status_code == 302
    response = own.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert response.status_code == 204 and response.data == b""
    assert client.get("/").status_code == 302  # the signed-in session has ended
    assert auth.sign_in(email).status_code == 401
    assert auth.sign_in(email, "a brand new passphrase").status_code == 302
    assert own.get("/api/v1/me/tokens").status_code == 200  # tokens carry on
    [event] = _events(app, "user", "password_change")
    assert event.actor_id == user_id and "passphrase" not in str(event.after)


@pytest.mark.parametrize(
    "body, status, code, field",
    [
        (
            {"current_password": "not my password", "new_password": "plum radiator otter"},
            422,
            "wrong_password",
            "current_password",
        ),
        (
            {"current_password": PASSWORD, "new_password": "short"},
            422,
            "validation_failed",
            "new_password",
        ),
        ({"new_password": "plum radiator otter"}, 422, "validation_failed", "current_password"),
        ({"current_password": PASSWORD}, 422, "validation_failed", "new_password"),
        (
            {"current_password": PASSWORD, "new_password": "letmein12345"},
            422,
            "validation_failed",
            "new_password",
        ),
        (  # the user's own name (Staff 1, staff1@epao.example)
            {"current_password": PASSWORD, "new_password": "my staff password"},
            422,
            "validation_failed",
            "new_password",
        ),
    ],
)
def test_own_password_change_is_refused_clearly(
    app, client, make_user, make_token, body, status, code, field
):
    user_id = make_user("staff")
    own = ApiClient(client, make_token(user_id=user_id))
    before = detached_user(app, user_id).password_hash
    error = assert_error(own.post("/api/v1/me/password", json=body), status, code)
    assert field in error["fields"]
    assert detached_user(app, user_id).password_hash == before


def test_own_tokens_are_created_listed_and_revoked(app, client, make_user, make_token, move_clock):
    move_clock(NOON)
    user_id = make_user("staff")
    own = ApiClient(client, make_token(user_id=user_id))
    response = own.post(
        "/api/v1/me/tokens", json={"name": "Nightly export", "expires_on": "2027-01-31"}
    )
    assert response.status_code == 201
    created = response.get_json()
    assert set(created) == {"id", "name", "token"} and created["name"] == "Nightly export"
    assert created["token"].startswith("epa_")
    listed = own.get("/api/v1/me/tokens").get_json()["items"]
    assert [t["name"] for t in listed] == ["Nightly export", listed[1]["name"]]
    assert listed[0] == {
        "id": created["id"],
        "name": "Nightly export",
        "prefix": created["token"][:12],
        "created_at": "2026-11-26T12:00:00+00:00",
        "last_used_at": None,
        "expires_on": "2027-01-31",
    }
    assert listed[1]["name"].startswith("Token epa_")  # one made without a name
    assert created["token"] not in str(listed)

    new = ApiClient(client, created["token"])
    assert new.get("/api/v1/me/tokens").status_code == 200
    assert own.delete(f"/api/v1/tokens/{created['id']}").status_code == 204
    assert_error(new.get("/api/v1/me/tokens"), 401, "unauthenticated")
    assert [t["id"] for t in own.get("/api/v1/me/tokens").get_json()["items"]] == [listed[1]["id"]]
    assert_error(own.delete(f"/api/v1/tokens/{created['id']}"), 404, "not_found")
    assert [e.action for e in _events(app, "api_token")][-2:] == ["create", "revoke"]


def test_someone_else_s_token_is_not_found_but_an_admin_revokes_any(
    app, admin, api, make_user, make_token
):
    owner = make_user("staff")
    token = make_token(user_id=owner)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).filter_by(user_id=owner))
    assert_error(api("staff").delete(f"/api/v1/tokens/{token_id}"), 404, "not_found")
    assert_error(api("assessor").delete(f"/api/v1/tokens/{token_id}"), 404, "not_found")
    assert ApiClient(admin[0].client, token).get("/api/v1/me/tokens").status_code == 200
    client, admin_id = admin
    assert client.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    [event] = _events(app, "api_token", "revoke")
    assert event.actor_id == admin_id and event.before["user_id"] == owner


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "name"),
        ({"name": "  "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "Script", "expires_on": "2026-11-25"}, "expires_on"),  # yesterday
        ({"name": "Script", "expires_on": "31/01/2027"}, "expires_on"),
        ({"name": "Script", "expires_on": "2027-02-30"}, "expires_on"),
    ],
)
def test_bad_token_requests_are_refused_and_create_nothing(app, api, move_clock, body, field):
    move_clock(NOON)
    client = api("staff")
    response = client.post("/api/v1/me/tokens", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    with app.app_context():
        assert len(db.session.scalars(select(ApiToken)).all()) == 1  # the caller's own


def test_a_token_works_through_its_expiry_date_and_then_gets_401(client, api, move_clock):
    move_clock(NOON)
    own = api("staff")
    token = own.post(
        "/api/v1/me/tokens", json={"name": "Short", "expires_on": "2026-11-27"}
    ).get_json()
    short = ApiClient(client, token["token"])
    move_clock(datetime(2026, 11, 27, 23, 59, tzinfo=UTC))  # 23:59 in London, in winter
    assert short.get("/api/v1/me/tokens").status_code == 200
    move_clock(date(2026, 11, 28))
    assert_error(short.get("/api/v1/me/tokens"), 401, "unauthenticated")


def test_last_used_is_written_at_most_once_a_minute(app, client, make_user, make_token, move_clock):
    move_clock(NOON)
    user_id = make_user("staff")
    own = ApiClient(client, make_token(user_id=user_id))

    def last_used():
        with app.app_context():
            return db.session.scalar(select(ApiToken.last_used_at).filter_by(user_id=user_id))

    assert last_used() is None
    own.get("/api/v1/standards")
    assert last_used() == NOON
    move_clock(NOON + timedelta(seconds=59))
    own.get("/api/v1/standards")
    assert last_used() == NOON
    move_clock(NOON + timedelta(seconds=61))
    own.get("/api/v1/standards")
    assert last_used() == NOON + timedelta(seconds=61)


def test_a_database_too_busy_to_note_the_use_still_answers(client, api, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from epa.auth import services

    def busy(*args):
        raise OperationalError("UPDATE api_tokens", {}, Exception("database is locked"))

    monkeypatch.setattr(services, "update", busy)
    assert api("staff").get("/api/v1/me/tokens").status_code == 200


def test_two_administrators_disabling_each_other_at_once_leave_one(app, make_user, make_token):
    """The second request waits for the first to finish, then counts the administrators left."""
    from epa.auth import accounts

    first, second = make_user("admin"), make_user("admin")
    tokens = {first: make_token(user_id=first), second: make_token(user_id=second)}
    answers = []

    def disable(by, whom):
        response = app.test_client().patch(
            f"/api/v1/users/{whom}",
            json={"enabled": False},
            headers={"Authorization": f"Bearer {tokens[by]}"},
        )
        answers.append(response.status_code)

    checked = accounts._keep_an_administrator
    other = threading.Thread(target=disable, args=(second, first))

    def check_then_let_the_other_in(user, field):
        checked(user, field)
        if not other.is_alive() and not answers:
            other.start()
            time.sleep(0.5)  # the other request reaches the lock and waits there

    with patch.object(accounts, "_keep_an_administrator", check_then_let_the_other_in):
        disable(first, second)
        other.join()
    assert sorted(answers) == [200, 409]
    with app.app_context():
        left = db.session.scalar(
            select(func.count()).select_from(User).where(User.role == "admin", User.is_enabled)
        )
    assert left == 1
