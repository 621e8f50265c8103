"""GET /api/v1/audit: who changed which record, when, before and after, and why."""

from datetime import UTC, datetime, timedelta

import pytest
from jsonschema import Draft202012Validator

from epa.api.openapi import document
from epa.audit.models import AuditEvent
from epa.extensions import db
from tests.api.test_conventions import assert_error
from tests.conftest import ApiClient

WITHDRAW_REASON = "Left the employer on 3 November."


def record_history(client, make_user, make_token, given_names="Sam") -> dict:
    """Through the API, a member of staff registers organisations and an apprentice, changes
    the apprentice's name and withdraws them; an administrator registers a second employer.

    Returns ids: staff, admin, apprentice, employer, provider, and the two API clients.
    """
    staff_id = make_user("staff", name="Priya Shah")
    admin_id = make_user("admin", name="Ada Admin")
    staff = ApiClient(client, make_token(user_id=staff_id))
    admin = ApiClient(client, make_token(user_id=admin_id))
    employer = staff.post("/api/v1/employers", json={"name": "Northwind Digital Ltd"})
    provider = staff.post(
        "/api/v1/providers", json={"name": "Midlands Tech Academy", "ukprn": "10012345"}
    )
    assert employer.status_code == provider.status_code == 201
    body = {
        "uln": "1234567899",
        "given_names": given_names,
        "family_name": "Taylor",
        "date_of_birth": "2001-04-12",
        "email": "sam.taylor@example.com",
        "employer_id": employer.get_json()["id"],
        "provider_id": provider.get_json()["id"],
        "standard": "ST0825",
        "start_date": "2024-01-08",
        "ehc_plan": False,
    }
    registered = staff.post("/api/v1/apprentices", json=body)
    assert registered.status_code == 201, registered.get_json()
    apprentice_id = registered.get_json()["id"]
    changed = staff.patch(f"/api/v1/apprentices/{apprentice_id}", json={"given_names": "Samuel"})
    assert changed.status_code == 200, changed.get_json()
    withdrawn = staff.post(
        f"/api/v1/apprentices/{apprentice_id}/withdraw", json={"reason": WITHDRAW_REASON}
    )
    assert withdrawn.status_code == 200, withdrawn.get_json()
    other = admin.post("/api/v1/employers", json={"name": "Contoso Ltd"})
    assert other.status_code == 201
    return {
        "staff": staff_id,
        "admin": admin_id,
        "apprentice": apprentice_id,
        "employer": employer.get_json()["id"],
        "provider": provider.get_json()["id"],
        "staff_api": staff,
        "admin_api": admin,
    }


@pytest.fixture
def history(client, make_user, make_token, standard):
    return record_history(client, make_user, make_token)


def _audit(history, query=""):
    response = history["admin_api"].get(f"/api/v1/audit{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_records_events_newest_first_with_before_after_and_reason(history):
    body = _audit(history, f"?entity=apprentice&entity_id={history['apprentice']}")
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 50
    withdraw, update, create = body["items"]
    assert [e["action"] for e in body["items"]] == ["withdraw", "update", "create"]
    assert withdraw["id"] > update["id"] > create["id"]
    assert withdraw["occurred_at"] >= update["occurred_at"] >= create["occurred_at"]
    for event in body["items"]:
        assert event["entity"] == "apprentice"
        assert event["entity_id"] == str(history["apprentice"])
        assert event["actor"] == {"id": history["staff"], "name": "Priya Shah"}
        assert event["channel"] == "api"
    assert withdraw["before"] == {"status": "registered"}
    assert withdraw["after"] == {"status": "withdrawn"}
    assert withdraw["reason"] == WITHDRAW_REASON
    assert update["before"] == {"given_names": "Sam"}
    assert update["after"] == {"given_names": "Samuel"}
    assert update["reason"] is None
    assert create["before"] is None
    assert create["after"]["uln"] == "1234567899" and create["after"]["given_names"] == "Sam"


def test_events_match_the_documented_schema_and_carry_the_london_offset(history):
    validator = Draft202012Validator(document()["components"]["schemas"]["AuditEvent"])
    for event in _audit(history)["items"]:
        validator.validate(event)
        instant = datetime.fromisoformat(event["occurred_at"])
        assert instant.utcoffset() in (timedelta(0), timedelta(hours=1))


def test_the_record_type_alone_and_the_id_alone_filter(history):
    employers = _audit(history, "?entity=employer")
    assert employers["total"] == 2
    assert {e["after"]["name"] for e in employers["items"]} == {
        "Northwind Digital Ltd",
        "Contoso Ltd",
    }
    same_id = _audit(history, f"?entity_id={history['employer']}")
    assert {e["entity"] for e in same_id["items"]} >= {"employer"}
    assert all(e["entity_id"] == str(history["employer"]) for e in same_id["items"])


def test_filter_by_the_user_who_made_the_change(history):
    by_admin = _audit(history, f"?user_id={history['admin']}")
    assert by_admin["total"] == 1
    assert by_admin["items"][0]["entity"] == "employer"
    assert by_admin["items"][0]["actor"]["name"] == "Ada Admin"
    by_staff = _audit(history, f"?user_id={history['staff']}")
    assert [(e["entity"], e["action"]) for e in by_staff["items"]] == [
        ("apprentice", "withdraw"),
        ("apprentice", "update"),
        ("apprentice", "create"),
        ("provider", "create"),
        ("employer", "create"),
    ]
    assert _audit(history, "?user_id=99999")["total"] == 0


def test_changes_from_the_command_line_have_no_actor(history):
    standards = _audit(history, "?entity=standard")
    assert standards["total"] == 1
    assert standards["items"][0]["actor"] is None and standards["items"][0]["channel"] == "cli"


def test_filter_by_london_dates_inclusive(history):
    everything = _audit(history)["total"]
    newest = datetime.fromisoformat(_audit(history)["items"][0]["occurred_at"])
    day = newest.date()  # the London date, as the instant carries London's offset
    assert _audit(history, f"?from={day}&to={day}")["total"] >= 1
    assert _audit(history, f"?from={day - timedelta(days=1)}")["total"] == everything
    assert _audit(history, f"?to={day + timedelta(days=1)}")["total"] == everything
    assert _audit(history, f"?from={day + timedelta(days=1)}")["total"] == 0
    assert _audit(history, "?from=2020-01-01&to=2020-12-31")["total"] == 0


@pytest.mark.parametrize(
    "query, included",
    [
        # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST)
        ("?from=2026-07-01&to=2026-07-01", True),
        ("?to=2026-06-30", False),
        ("?from=2026-06-30&to=2026-06-30", False),
        ("?from=2026-06-01&to=2026-07-01", True),
        ("?from=2026-07-02", False),
    ],
)
def test_dates_are_london_dates(app, api, query, included):
    with app.app_context():
        event = AuditEvent(
            occurred_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
            channel="cli",
            entity="employer",
            entity_id="7",
            action="create",
            after={"name": "Midnight Ltd"},
        )
        db.session.add(event)
        db.session.commit()
    body = api("admin").get(f"/api/v1/audit{query}&entity=employer&entity_id=7").get_json()
    assert body["total"] == (1 if included else 0)
    if included:
        assert body["items"][0]["occurred_at"] == "2026-07-01T00:30:00+01:00"


@pytest.mark.parametrize("role", ["staff", "assessor"])
def test_only_administrators_may_read_the_audit_trail(api, role):
    error = assert_error(api(role).get("/api/v1/audit"), 403, "forbidden")
    assert role in error["message"]


def test_no_token_is_401(client):
    assert_error(client.get("/api/v1/audit"), 401, "unauthenticated")


@pytest.mark.parametrize(
    "query, code, fields",
    [
        ("?entity=apprentices", "validation_failed", {"entity"}),
        ("?entity=audit_event", "validation_failed", {"entity"}),
        ("?entity_id=" + "9" * 65, "validation_failed", {"entity_id"}),
        ("?entity_id=1%01", "validation_failed", {"entity_id"}),
        ("?user_id=abc", "validation_failed", {"user_id"}),
        ("?user_id=0", "validation_failed", {"user_id"}),
        ("?user_id=99999999999", "validation_failed", {"user_id"}),
        ("?from=2026-02-30", "invalid_date", {"from"}),
        ("?to=26/11/2026", "invalid_date", {"to"}),
        ("?from=2026-11-27&to=2026-11-26", "validation_failed", {"to"}),
        ("?entity=nope&user_id=x&from=y", "invalid_date", {"entity", "user_id", "from"}),
        ("?page=0", "validation_failed", {"page"}),
        ("?per_page=201", "validation_failed", {"per_page"}),
    ],
)
def test_invalid_filters_are_422_naming_each_field(api, query, code, fields):
    error = assert_error(api("admin").get(f"/api/v1/audit{query}"), 422, code)
    assert set(error["fields"]) == fields


def test_blank_filters_are_ignored(history):
    everything = _audit(history)["total"]
    assert _audit(history, "?entity=&entity_id=&user_id=&from=&to=")["total"] == everything


def test_pagination(history):
    everything = _audit(history)
    assert everything["total"] >= 7
    first = _audit(history, "?per_page=2")
    second = _audit(history, "?per_page=2&page=2")
    assert first["total"] == second["total"] == everything["total"]
    assert first["per_page"] == 2 and second["page"] == 2
    ids = [e["id"] for e in first["items"] + second["items"]]
    assert ids == [e["id"] for e in everything["items"][:4]]
    beyond = _audit(history, "?page=1000")
    assert beyond["items"] == [] and beyond["total"] == everything["total"]


def test_actors_load_without_a_query_per_event(app, history):
    """A page of many events by several users costs the same queries as a page of one."""
    from sqlalchemy import event

    statements = []

    def count(*args):
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        _audit(history, "?per_page=1")
        one = len(statements)
        statements.clear()
        many = _audit(history)
        assert len({e["actor"]["id"] for e in many["items"] if e["actor"]}) == 2
        assert len(statements) == one
    finally:
        event.remove(engine, "before_cursor_execute", count)
