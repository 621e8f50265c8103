"""The database stops under a running service: /readyz says so, every page and API route
answers a clean 503 (no stack trace, no bare 500), and once the database is back the service
answers again without a restart.

The server stopped is a PostgreSQL of the test's own (tests/cluster/private_postgres.py),
never the machine's shared one. Runs with the PostgreSQL suite (TEST_POSTGRES_URL); in CI a
machine without PostgreSQL's server programs fails the run rather than skipping it.
"""

import os
import re
import tempfile
from pathlib import Path

import pytest
from flask_migrate import upgrade

from epa import create_app
from epa.extensions import db
from tests.cluster.private_postgres import PrivateServer, binaries
from tests.conftest import Auth, fixture_data
from tests.conftest import test_settings as settings_for

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_POSTGRES_URL"), reason="runs with the PostgreSQL suite"
)

#: Routes that read no database, so answer while it is away.
WITHOUT_DATABASE = {"/healthz", "/metrics", "/api/v1/openapi.json"}
SKIPPED = ("/static/", "/assets/")


@pytest.fixture(scope="module")
def server():
    if binaries() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's server programs are missing; CI needs them for this test")
        pytest.skip("PostgreSQL's server programs are missing")
    # Not under pytest's own folders, which only their owner may enter (the server may run as
    # another user).
    private = PrivateServer(Path(tempfile.mkdtemp(prefix="epa-private-postgres-")))
    private.create()
    private.start()
    yield private
    private.remove()


@pytest.fixture
def service(server, tmp_path):
    """The app on the private server, migrated, with the standard, a staff user and a token."""
    from epa.auth.schemas import UserNew
    from epa.auth.services import create_token, create_user
    from epa.standards.services import load_standard

    app = create_app(settings_for(server.url, tmp_path))
    with app.app_context():
        upgrade()
        load_standard(fixture_data())
        user = create_user(
            UserNew.read(
                {
                    "email": "ops@epao.example",
                    "name": "Ops Staff",
                    "role": "staff",
                    "password": "quiet harbour lantern 42",
                }
            )
        )
        token = create_token(user)
        db.session.commit()
    yield app, token
    with app.app_context():
        db.engine.dispose()


def _paths(app) -> list[str]:
    """Every GET route, its variables filled (the answer is decided before any is read)."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(SKIPPED):
            continue
        paths.append(re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: _value(m.group(1)), rule.rule))
    return sorted(set(paths))


def _value(name: str) -> str:
    return {"reference": "ST0825", "version": "1.1", "token": "x" * 40}.get(name, "1")


def test_the_database_going_away_is_a_clean_503_everywhere_and_comes_back(server, service):
    app, token = service
    browser = app.test_client()
    assert Auth(browser).sign_in("ops@epao.example", "quiet harbour lantern 42").status_code == 302
    api = {"Authorization": f"Bearer {token}"}
    assert browser.get("/readyz").status_code == 200
    assert browser.get("/").status_code == 200

    server.stop()
    try:
        assert browser.get("/readyz").status_code == 503
        for path in _paths(app):
            headers = api if path.startswith("/api/") else {}
            answer = browser.get(path, headers=headers)
            if path in WITHOUT_DATABASE:
                assert answer.status_code == 200, path
                continue
            assert answer.status_code == 503, (path, answer.status_code)
            body = answer.get_data(as_text=True)
            assert "Traceback" not in body, path
            if path == "/readyz":
                assert answer.get_json()["reason"] == "database_unavailable"
            elif path.startswith("/api/"):
                assert answer.get_json()["error"]["code"] == "database_unavailable", path
            else:
                assert "the service is unavailable" in body, path
    finally:
        server.start()

    # Back without a restart: a connection the stop cut fails once at most, then the pool
    # reconnects.
    answers = [browser.get("/").status_code for _ in range(3)]
    assert answers[-1] == 200 and set(answers) <= {200, 503}, answers
    assert browser.get("/api/v1/apprentices", headers=api).status_code == 200
    assert browser.get("/readyz").status_code == 200
