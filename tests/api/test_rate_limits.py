"""The API's rate limit: API_RATE_LIMIT per token, and per address without one; 429
`rate_limited` with Retry-After; counted in Redis so that every server shares the count."""

import os

import pytest

from epa import create_app
from epa.config import ConfigurationError, settings_from
from epa.extensions import db
from tests.cluster.test_two_instances import REDIS_URL, _redis_answers
from tests.conftest import test_settings as settings_for


@pytest.fixture
def limited(database_url, tmp_path):
    """limited(limit, **settings) -> a test client of an app with that API_RATE_LIMIT."""
    made = []

    def make(limit, **settings):
        app = create_app(
            {**settings_for(database_url, tmp_path), "API_RATE_LIMIT": limit, **settings}
        )
        made.append(app)
        return app.test_client()

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


def _get(client, token=None, address="192.0.2.10"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/standards", headers=headers, environ_base={"REMOTE_ADDR": address})


def test_over_the_limit_a_token_gets_429_rate_limited_with_retry_after(limited, make_token):
    client = limited("3/minute")
    token, other = make_token("staff"), make_token("staff")
    assert [_get(client, token).status_code for _ in range(3)] == [200, 200, 200]
    refused = _get(client, token)
    assert refused.status_code == 429
    error = refused.get_json()["error"]
    assert error["code"] == "rate_limited" and "at most 3 per 1 minute" in error["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert _get(client, other).status_code == 200  # each token counts for itself


def test_requests_without_a_token_count_by_address(limited):
    client = limited("2/minute")
    assert [_get(client).status_code for _ in range(2)] == [401, 401]
    assert _get(client).status_code == 429
    assert _get(client, address="192.0.2.11").status_code == 401  # another address


def test_pages_and_the_service_probes_are_not_limited(limited):
    client = limited("1/minute")
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
        assert client.get("/sign-in").status_code == 200


def test_off_turns_it_off(limited, make_token):
    client = limited("off")
    token = make_token("staff")
    assert {_get(client, token).status_code for _ in range(30)} == {200}


@pytest.mark.parametrize(
    "given, limit",
    [("", "1200/minute"), ("off", "off"), ("OFF", "off"), ("100/second", "100/second")],
)
def test_the_setting(given, limit):
    assert settings_from({"API_RATE_LIMIT": given})["API_RATE_LIMIT"] == limit


def test_a_setting_that_is_not_a_limit_stops_the_start():
    with pytest.raises(ConfigurationError, match="API_RATE_LIMIT must be a limit"):
        settings_from({"API_RATE_LIMIT": "lots"})


def test_two_servers_on_one_redis_share_the_count(limited, make_token):
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer at {REDIS_URL}; CI needs it for this test")
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    first = limited("4/minute", REDIS_URL=REDIS_URL, JOBS_INLINE=True)
    second = limited("4/minute", REDIS_URL=REDIS_URL, JOBS_INLINE=True)
    token = make_token("staff")
    answers = [_get(server, token).status_code for server in (first, second) * 2]
    assert answers == [200, 200, 200, 200]
    assert _get(first, token).status_code == 429
    assert _get(second, token).status_code == 429
