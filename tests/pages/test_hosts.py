"""Which host names the service answers for (TRUSTED_HOSTS), and HTTPS kept once reached
(Strict-Transport-Security)."""

import pytest

from epa import create_app
from epa.config import settings_from
from epa.extensions import db
from tests.conftest import test_settings as settings_for


@pytest.mark.parametrize(
    "given, hosts",
    [
        ("", None),
        (" , ", None),
        ("epa.example.org", ["epa.example.org"]),
        ("EPA.example.org, .internal.example ", ["epa.example.org", ".internal.example"]),
    ],
)
def test_trusted_hosts_come_from_the_environment(given, hosts):
    assert settings_from({"TRUSTED_HOSTS": given})["TRUSTED_HOSTS"] == hosts


@pytest.fixture
def guarded(database_url, tmp_path):
    app = create_app({**settings_for(database_url, tmp_path), "TRUSTED_HOSTS": ["epa.example.org"]})
    yield app.test_client()
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("path", ["/healthz", "/sign-in", "/calendar/abc.ics"])
def test_a_request_naming_another_host_is_refused_before_anything_reads_it(guarded, path):
    assert guarded.get(path, headers={"Host": "epa.example.org"}).status_code != 400
    refused = guarded.get(path, headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert b"does not answer for the address the request named" in refused.data
    assert b"evil.example" not in refused.data


def test_the_api_refuses_another_host_in_its_own_form(guarded):
    refused = guarded.get("/api/v1/apprentices", headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "malformed_request"


def test_https_is_kept_once_reached_and_plain_http_is_not_told(client):
    secure = client.get("/sign-in", base_url="https://epa.example.org")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
