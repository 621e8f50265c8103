"""Audit events share the transaction of the change they describe."""

import pytest
from sqlalchemy import func, select

from epa.audit.models import AuditEvent
from epa.extensions import db


def _events(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_an_audit_event_is_rolled_back_with_its_change(app, api, monkeypatch):
    """If committing the change fails, neither the change nor its audit event remains."""
    from epa.organisations import services
    from epa.organisations.models import Employer

    real = services.record

    def record_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("the request dies after the audit event was written")

    monkeypatch.setattr(services, "record", record_then_fail)
    client = api("staff")
    before = _events(app)
    assert client.post("/api/v1/employers", json={"name": "Acme"}).status_code == 500
    assert _events(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Employer)) == 0


@pytest.mark.parametrize(
    "path, body, entity",
    [
        ("/api/v1/employers", {"name": "Acme"}, "employer"),
        ("/api/v1/providers", {"name": "Tech", "ukprn": "10012345"}, "provider"),
        (
            "/api/v1/users",
            {
                "email": "n@epao.example",
                "name": "N",
                "role": "staff",
                "password": "plum radiator otter",
            },
            "user",
        ),
    ],
)
def test_every_create_writes_who_what_when_and_after(app, api, path, body, entity):
    response = api("admin").post(path, json=body)
    assert response.status_code == 201
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).filter_by(entity=entity, entity_id=str(response.get_json()["id"]))
        )
        assert event.action == "create" and event.actor_id is not None
        assert event.occurred_at is not None and event.after["id"] == response.get_json()["id"]
