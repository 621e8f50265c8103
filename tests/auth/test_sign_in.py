"""Sign-in, sign-out, CSRF and the rule that every page but sign-in needs a signed-in user."""

import threading
from datetime import UTC, datetime

import pytest

from tests.conftest import PASSWORD, Auth, csrf_token


def _email(app, user_id):
    from epa.auth.models import User
    from epa.extensions import db

    with app.app_context():
        return db.session.get(User, user_id).email


def test_good_password_signs_in_and_shows_the_role_start_page(app, client, auth, make_user):
    email = _email(app, make_user("staff"))
    response = auth.sign_in(email)
    assert response.status_code == 302
    assert response.location == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert b"Operations" in page.data


def test_email_is_matched_ignoring_case_and_spaces(app, auth, make_user):
    email = _email(app, make_user("admin"))
    assert auth.sign_in(f"  {email.upper()} ").status_code == 302


@pytest.mark.parametrize(
    "email, password",
    [
        ("known", "wrong password here"),
        ("unknown@epao.example", PASSWORD),
        ("known", ""),
        ("", PASSWORD),
    ],
)
def test_bad_sign_in_is_refused_without_saying_which_part(
    app, client, auth, make_user, email, password
):
    known = _email(app, make_user("staff"))
    response = auth.sign_in(known if email == "known" else email, password)
    assert response.status_code in (400, 401)
    assert b"There is a problem" in response.data
    assert b"govuk-error-summary" in response.data
    assert client.get("/").status_code == 302  # still signed out


def test_wrong_password_message_does_not_reveal_whether_the_email_exists(app, auth, make_user):
    known = _email(app, make_user("staff"))
    wrong_password = auth.sign_in(known, "not the password at all")
    unknown_email = auth.sign_in("nobody@epao.example", "not the password at all")
    assert b"Enter a correct email address and password" in wrong_password.data
    assert b"Enter a correct email address and password" in unknown_email.data


def test_disabled_user_cannot_sign_in(app, auth, make_user):
    from epa.auth.models import User
    from epa.extensions import db

    user_id = make_user("staff")
    with app.app_context():
        db.session.get(User, user_id).is_enabled = False
        db.session.commit()
    assert auth.sign_in(_email(app, user_id)).status_code == 401


def test_sign_in_without_csrf_token_is_refused(app, client, make_user):
    email = _email(app, make_user("staff"))
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"The form could not be sent" in response.data
    assert client.get("/").status_code == 302


def test_sign_in_with_a_forged_csrf_token_is_refused(app, client, make_user):
    email = _email(app, make_user("staff"))
    client.get("/sign-in")
    response = client.post(
        "/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/", "/standards/", "/users/", "/standards/ST0825/versions/1.0"])
def test_pages_need_a_signed_in_user(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=")


def test_sign_in_returns_to_the_page_asked_for(app, client, make_user):
    email = _email(app, make_user("staff"))
    client.get("/standards/")
    page = client.get("/sign-in?next=/standards/")
    response = client.post(
        "/sign-in?next=/standards/",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page.data)},
    )
    assert response.location == "/standards/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_sign_in_never_sends_the_user_to_another_site(app, client, make_user, target):
    email = _email(app, make_user("staff"))
    page = client.get("/sign-in")
    response = client.post(
        f"/sign-in?next={target}",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page.data)},
    )
    assert response.location == "/"


def test_sign_out_needs_a_post_with_csrf_and_ends_the_session(client, signed_in):
    signed_in("staff")
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400  # no CSRF token
    home = client.get("/")
    response = client.post("/sign-out", data={"csrf_token": csrf_token(home.data)})
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert b"You have signed out" in client.get("/sign-in").data


def test_session_cookie_is_httponly_and_samesite_lax(app, client, auth, make_user):
    response = auth.sign_in(_email(app, make_user("staff")))
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in the test client


def test_session_cookie_is_secure_over_https(app, make_user):
    client = app.test_client()
    email = _email(app, make_user("staff"))
    page = client.get("/sign-in", base_url="https://localhost")
    response = client.post(
        "/sign-in",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/sign-in"},  # checked for CSRF over HTTPS
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page.data)},
    )
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


def test_passwords_are_stored_hashed_with_scrypt(app, make_user):
    from epa.auth.models import User
    from epa.extensions import db

    user_id = make_user("staff")
    with app.app_context():
        stored = db.session.get(User, user_id).password_hash
    assert PASSWORD not in stored
    assert stored.startswith("scrypt:")


def test_signed_in_pages_are_not_cached_and_have_a_content_security_policy(client, signed_in):
    signed_in("admin")
    response = client.get("/")
    assert response.headers["Cache-Control"] == "no-store"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"'.encode() in response.data


@pytest.mark.parametrize("path", ["/accessibility", "/privacy"])
def test_the_accessibility_statement_and_privacy_page_are_public(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b"Sign out" not in response.data


@pytest.mark.parametrize(
    "target", ["/%09/evil.example", "/%0d%0aX:1", "/\t/evil.example", "https:/evil.example"]
)
def test_control_characters_in_next_are_ignored(app, client, make_user, target):
    email = _email(app, make_user("staff"))
    page = client.get("/sign-in")
    response = client.post(
        f"/sign-in?next={target}",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page.data)},
    )
    assert response.status_code == 302
    assert response.location == "/"


def test_a_null_character_in_the_sign_in_form_is_refused_not_a_500(client):
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={"email": "a\x00@x.example", "password": "x", "csrf_token": csrf_token(page.data)},
    )
    assert response.status_code == 400


def test_sessions_end_after_eight_idle_hours(app, auth, make_user):
    response = auth.sign_in(_email(app, make_user("staff")))
    assert "Expires=" in response.headers["Set-Cookie"]
    assert app.permanent_session_lifetime.total_seconds() == 8 * 3600


def _from(app, address: str) -> Auth:
    """Sign-in tries from another address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Auth(client)


def test_repeated_wrong_passwords_pause_sign_in_for_that_email_from_that_address(
    app, client, auth, make_user, move_clock
):
    move_clock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    email = _email(app, make_user("staff"))
    other = _email(app, make_user("staff"))
    for _ in range(5):
        assert auth.sign_in(email, "wrong password!!").status_code == 401
    paused = auth.sign_in(email)  # even the right password waits, from here
    assert paused.status_code == 429
    assert b"Too many attempts to sign in. Try again in 15 minutes" in paused.data
    assert paused.headers["Retry-After"] == "901"
    assert Auth(app.test_client()).sign_in(other).status_code == 302  # others are unaffected
    # The owner, from an address that has not failed, still gets in with the right password,
    # and a wrong one from there is checked like any other.
    assert _from(app, "198.51.100.7").sign_in(email, "wrong password!!").status_code == 401
    assert _from(app, "203.0.113.9").sign_in(email).status_code == 302
    move_clock(datetime(2026, 12, 1, 9, 14, tzinfo=UTC))
    assert b"Try again in 1 minute," in auth.sign_in(email).data
    move_clock(datetime(2026, 12, 1, 9, 15, tzinfo=UTC))
    assert auth.sign_in(email).status_code == 302


def test_an_unknown_email_is_paused_in_the_same_words(client, auth):
    for _ in range(5):
        assert auth.sign_in("nobody@epao.example", "wrong password!!").status_code == 401
    paused = auth.sign_in("nobody@epao.example")
    assert paused.status_code == 429
    assert b"Too many attempts to sign in. Try again in 15 minutes" in paused.data


def test_one_address_trying_many_accounts_is_paused(app, make_user):
    email = _email(app, make_user("staff"))
    guesser = _from(app, "192.0.2.66")
    for n in range(30):
        assert guesser.sign_in(f"guess{n}@epao.example", "wrong password!!").status_code == 401
    assert guesser.sign_in(email).status_code == 429  # any account, from there
    assert _from(app, "192.0.2.67").sign_in(email).status_code == 302


def test_many_tries_at_once_get_no_more_than_five_checks(app, make_user):
    email = _email(app, make_user("staff"))
    start = threading.Barrier(30)
    answers = []

    def guess():
        auth = Auth(app.test_client())
        page = auth.client.get("/sign-in")
        start.wait()
        answers.append(
            auth.client.post(
                "/sign-in",
                data={
                    "email": email,
                    "password": "wrong password!!",
                    "csrf_token": csrf_token(page.data),
                },
            ).status_code
        )

    threads = [threading.Thread(target=guess) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [401] * 5 + [429] * 25


def test_a_good_sign_in_forgets_earlier_failures(app, client, auth, make_user):
    email = _email(app, make_user("staff"))
    for _ in range(4):
        auth.sign_in(email, "wrong password!!")
    assert auth.sign_in(email).status_code == 302
    client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/").data)})
    for _ in range(4):
        auth.sign_in(email, "wrong password!!")
    assert auth.sign_in(email).status_code == 302


def test_sign_out_ends_every_copy_of_the_session(app, client, auth, make_user):
    email = _email(app, make_user("staff"))
    auth.sign_in(email)
    copied = client.get_cookie("session").value
    home = client.get("/")
    client.post("/sign-out", data={"csrf_token": csrf_token(home.data)})
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/").status_code == 302  # back to sign-in


def test_api_answers_are_not_cached_but_static_files_may_be(client, api):
    """A token or reset link shown once, and every apprentice's details, stay out of caches."""
    created = api("staff").post("/api/v1/me/tokens", json={"name": "Nightly export"})
    assert created.status_code == 201
    assert created.headers["Cache-Control"] == "no-store"
    assert api("admin").get("/api/v1/apprentices").headers["Cache-Control"] == "no-store"
    static = client.get("/static/build/epa.css")
    static.close()
    assert static.headers.get("Cache-Control") != "no-store"


def test_a_session_cookie_carried_to_another_browser_is_signed_out_there(app, make_user):
    email = _email(app, make_user("staff"))
    owner = app.test_client()
    owner.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Windows NT 10.0) Firefox/133.0"
    Auth(owner).sign_in(email)
    assert owner.get("/").status_code == 200
    copied = owner.get_cookie("session").value
    thief = app.test_client()
    thief.environ_base["HTTP_USER_AGENT"] = "curl/8.5.0"
    thief.set_cookie("session", copied)
    assert thief.get("/").status_code == 302  # to sign in
    assert owner.get("/").status_code == 200  # the owner's session carries on
