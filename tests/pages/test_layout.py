"""The layout, start pages by role, standards pages and error pages."""

import pytest

from epa.errors import ServiceError


@pytest.mark.parametrize(
    "role, heading, sees_users",
    [
        ("admin", b"Administration", True),
        ("staff", b"Operations", False),
        ("assessor", b"Your assessments", False),
    ],
)
def test_each_role_has_its_own_start_page(client, signed_in, standard, role, heading, sees_users):
    signed_in(role)
    page = client.get("/")
    assert page.status_code == 200
    assert heading in page.data
    assert (b"Users" in page.data) is sees_users
    assert b"ST0825 DevOps engineer" in page.data


def test_layout_has_skip_link_service_name_navigation_and_no_crown(client, signed_in):
    signed_in("staff")
    html = client.get("/").get_data(as_text=True)
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert "End-point assessment" in html
    assert 'aria-label="Main navigation"' in html
    assert "Sign out" in html
    assert "govuk-header__logotype" not in html and "crown" not in html.lower()
    assert "GOV.UK" not in html.replace("GOV.UK Design System", "")
    assert "/static/build/epa.css" in html


def test_our_stylesheet_uses_the_arial_font_stack(client):
    with client.get("/static/build/epa.css") as css:
        assert css.status_code == 200
        text = css.get_data(as_text=True)
    assert "GDS Transport" not in text
    assert "arial,helvetica,sans-serif" in text.replace(", ", ",").lower()


def test_sign_in_page_is_in_the_layout(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert "<h1" in html and "Sign in" in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html


def test_standards_pages(client, signed_in, standard):
    signed_in("assessor")
    index = client.get("/standards/")
    assert index.status_code == 200
    assert b"Version 1.0" in index.data and b"Still open" in index.data
    assert b"12 March 2020" in index.data and b"25 September 2024" in index.data
    page = client.get("/standards/ST0825/versions/1.1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    themes = ["Code Quality", "Meeting User Needs", "CI-CD Pipeline", "Automation"]
    positions = [html.index(f">{theme}<") for theme in themes]
    assert positions == sorted(positions), "themes appear in the plan's order"
    for words in [
        "Meeting User Needs",
        "Overall grade",
        "Merit",
        "K25",
        "180 minutes",
        "At least 12 months",
        "4 months from the gateway date",
    ]:
        assert words in html, words


def test_unknown_page_is_a_404_in_the_layout(client, signed_in):
    signed_in("staff")
    for path in ["/no-such-page", "/standards/ST0825/versions/9.9", "/standards/XX/versions/1.0"]:
        response = client.get(path)
        assert response.status_code == 404
        assert b"Page not found" in response.data
        assert b"govuk-template" in response.data


def test_forbidden_is_a_403_page_in_the_layout(client, signed_in, monkeypatch):
    from epa.standards import views

    def refuse():
        raise ServiceError("forbidden", "Only administrators may see this.", status=403)

    monkeypatch.setattr(views, "list_standards", refuse)
    signed_in("assessor")
    response = client.get("/standards/")
    assert response.status_code == 403
    assert b"You cannot see this page" in response.data
    assert b"Only administrators may see this." in response.data


def test_unexpected_failure_is_a_500_page_without_a_stack_trace(client, signed_in, monkeypatch):
    from epa.standards import views

    def explode():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "list_standards", explode)
    signed_in("staff")
    response = client.get("/standards/")
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.data
    assert b"secret internals" not in response.data and b"Traceback" not in response.data


def test_database_down_is_a_503_page(client, signed_in, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from epa.standards import views

    def down():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(views, "list_standards", down)
    signed_in("staff")
    response = client.get("/standards/")
    assert response.status_code == 503
    assert b"the service is unavailable" in response.data


def test_healthz_needs_no_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_frontend_assets_are_served(client):
    for path in ["/assets/images/favicon.svg", "/static/build/govuk-frontend.min.js"]:
        with client.get(path) as response:
            assert response.status_code == 200, path
    with client.get("/assets/../epa/config.py") as response:
        assert response.status_code == 404


def test_with_the_database_away_every_signed_in_page_is_a_clean_503_and_then_recovers(
    app, client, signed_in, api
):
    """The layout shows who is signed in: with the database away from the first statement,
    finding out must not fail the 503 page itself."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    from epa.extensions import db

    signed_in("staff")
    staff_api = api("staff")

    def away(*_):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", away)
    try:
        for path in ("/", "/apprentices/", "/standards/", "/diary", "/account"):
            response = client.get(path)
            assert response.status_code == 503, path
            assert b"the service is unavailable" in response.data, path
            assert b"Traceback" not in response.data
        answer = staff_api.get("/api/v1/apprentices")
        assert answer.status_code == 503 and answer.get_json()["error"]["code"]
    finally:
        event.remove(engine, "before_cursor_execute", away)
    assert client.get("/").status_code == 200
    assert staff_api.get("/api/v1/apprentices").status_code == 200


def test_the_privacy_page_says_what_is_held_why_and_for_how_long(app, client, monkeypatch):
    html = client.get("/privacy").get_data(as_text=True)
    for words in ("What is held, and why", "Who sees it", "How long it is kept", "Your rights"):
        assert words in html
    assert "kept for 6 years after their end-point assessment" in html
    monkeypatch.setitem(app.config, "RETENTION_YEARS", 7)
    assert "kept for 7 years" in client.get("/privacy").get_data(as_text=True)
