"""Links that leave the service (reset emails, calendar feeds, the command line's output) are
built by one helper: on PUBLIC_URL when it is set, else on the request's own address."""

import pytest

from epa.config import ConfigurationError, settings_from
from epa.links import external_url


def test_without_public_url_a_request_s_own_address_is_used(app):
    with app.test_request_context(base_url="https://epa.internal:8443/"):
        assert (
            external_url("feed.calendar", token="abc")
            == "https://epa.internal:8443/calendar/abc.ics"
        )


def test_without_a_request_the_default_address_is_used(app):
    with app.app_context():
        assert external_url("auth.reset_password", token="abc") == (
            "http://127.0.0.1:5000/reset-password/abc"
        )


def test_public_url_wins_everywhere(app):
    app.config["PUBLIC_URL"] = "https://epa.example.org/service"
    try:
        with app.test_request_context(base_url="http://10.0.0.7/"):
            assert external_url("feed.calendar", token="abc") == (
                "https://epa.example.org/service/calendar/abc.ics"
            )
        with app.app_context():
            assert external_url("auth.reset_password", token="a b") == (
                "https://epa.example.org/service/reset-password/a%20b"
            )
    finally:
        app.config["PUBLIC_URL"] = None


@pytest.mark.parametrize(
    "given, kept",
    [
        ("", None),
        ("  ", None),
        ("https://epa.example.org/", "https://epa.example.org"),
        (" http://localhost:8000 ", "http://localhost:8000"),
    ],
)
def test_public_url_setting(given, kept):
    assert settings_from({"PUBLIC_URL": given})["PUBLIC_URL"] == kept


@pytest.mark.parametrize("given", ["epa.example.org", "ftp://epa.example.org"])
def test_a_public_url_without_http_is_refused_at_start(given):
    with pytest.raises(ConfigurationError, match="PUBLIC_URL must start with https://"):
        settings_from({"PUBLIC_URL": given})
