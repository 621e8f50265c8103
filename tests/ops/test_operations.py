"""Operating the service: readiness, metrics and structured logs with request ids."""

import json
import logging

import pytest
from sqlalchemy import text

from epa.extensions import db


def test_readyz_is_200_at_the_newest_migration(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}


def test_readyz_is_503_behind_the_newest_migration(app, client):
    with app.app_context(), db.engine.begin() as conn:
        head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        conn.execute(text("UPDATE alembic_version SET version_num = '0006'"))
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["reason"] == "migrations_pending"
    finally:
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})


def test_readyz_is_503_when_the_database_does_not_answer(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from epa.ops import views

    class Down:
        def connect(self):
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(views, "db", type("FakeDb", (), {"engine": Down()})())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["reason"] == "database_unavailable"


def test_metrics_count_requests_bookings_and_results(client, api, booking_world):
    from tests.api.test_assessments import book

    client.get("/healthz")
    book(api("staff"), booking_world)
    body = client.get("/metrics").get_data(as_text=True)
    assert 'epa_http_requests_total{endpoint="ops.healthz",method="GET",status="200"}' in body
    assert "epa_http_request_duration_seconds_bucket" in body
    assert "epa_bookings_created_total" in body
    assert "epa_results_submitted_total" in body
    assert "epa_export_duration_seconds" in body and "epa_import_duration_seconds" in body


def test_metrics_need_no_sign_in(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")


def test_metrics_labels_stay_bounded_whatever_methods_are_sent(client):
    for n in range(5):
        client.open("/healthz", method=f"ZZ{n}")
    body = client.get("/metrics").get_data(as_text=True)
    assert "ZZ" not in body
    assert 'method="other"' in body
    client.get("/no/such/page/1")
    client.get("/no/such/page/2")
    body = client.get("/metrics").get_data(as_text=True)
    assert "/no/such" not in body and 'endpoint="unmatched"' in body


def test_with_a_metrics_token_only_its_bearer_reads_the_metrics(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-metrics-token")
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"]
    right = client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics-token"})
    assert right.status_code == 200 and "epa_http_requests_total" in right.get_data(as_text=True)


@pytest.fixture
def json_lines(app):
    """The JSON lines the service's log handler wrote during the test."""
    import io

    handler = next(h for h in logging.getLogger("epa").handlers if getattr(h, "_epa_json", 0))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)

    def read():
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    yield read
    handler.setStream(previous)


def test_each_request_logs_a_json_line_with_its_request_id(client, json_lines):
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    lines = [line for line in json_lines() if line.get("logger") == "epa.access"]
    assert lines and lines[-1]["request_id"] == "abc-123"
    assert lines[-1]["route"] == "/healthz" and lines[-1]["status"] == 200
    assert {"time", "level", "message", "duration_ms", "method"} <= set(lines[-1])


@pytest.mark.parametrize(
    "method, path",
    [("get", "/employers/"), ("post", "/sign-in")],  # sign-in's redirect; CSRF's refusal
)
def test_an_answer_from_an_earlier_hook_is_logged_with_its_id_and_time(
    client, json_lines, method, path
):
    response = getattr(client, method)(path, headers={"X-Request-ID": "early-1"})
    assert response.status_code in (302, 400)
    assert response.headers["X-Request-ID"] == "early-1"
    [line] = [line for line in json_lines() if line.get("logger") == "epa.access"]
    assert line["request_id"] == "early-1" and line["duration_ms"] >= 0


def test_a_request_id_is_made_when_none_or_an_unsafe_one_is_given(client, json_lines):
    first = client.get("/healthz").headers["X-Request-ID"]
    unsafe = client.get("/healthz", headers={"X-Request-ID": "a b\\n<script>"})
    assert len(first) == 32 and unsafe.headers["X-Request-ID"] != "a b\\n<script>"


def test_log_lines_inside_a_request_carry_its_id(app, client, json_lines, monkeypatch):
    from epa.organisations import services

    def explode(name):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "create_employer", explode)
    from tests.conftest import ApiClient

    token = _token(app)
    ApiClient(client, token).client.post(
        "/api/v1/employers",
        json={"name": "x"},
        headers={"Authorization": f"Bearer {token}", "X-Request-ID": "req-42"},
    )
    errors = [line for line in json_lines() if line.get("level") == "ERROR"]
    assert errors and errors[-1]["request_id"] == "req-42"
    assert "boom" in errors[-1].get("exc_info", "")


def test_the_feed_token_never_reaches_the_log(client, json_lines):
    client.get("/calendar/secret-token-value.ics")
    assert "secret-token-value" not in json.dumps(json_lines())


def _token(app):
    from epa.auth.models import User
    from epa.auth.schemas import UserNew
    from epa.auth.services import create_token, create_user

    with app.app_context():
        new = {
            "email": "ops@epao.example",
            "name": "Ops",
            "role": "staff",
            "password": "plum radiator otter",
        }
        user = create_user(UserNew.read(new))
        token = create_token(db.session.get(User, user.id))
        db.session.commit()
        return token
