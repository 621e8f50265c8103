"""An administrator moves an apprentice to a later version of their standard, with a reason,
while nothing is booked."""

import pytest
from sqlalchemy import func, select

from epa.apprentices.models import Apprentice
from epa.audit.models import AuditEvent
from epa.extensions import db
from epa.standards.models import StandardVersion
from tests.api.test_conventions import assert_error
from tests.api.test_gateway import READY

REASON = "The employer and provider agreed to follow the revised plan."
# Version 1.0 takes starts up to 25 September 2024; booking_world's apprentice has the default ULN.
ON_1_0 = {"uln": "1001583808", "start_date": "2024-01-08"}
OTHER_ULN = "1001662996"


@pytest.fixture
def admin(api, booking_world):
    return api("admin")


def _move(client, apprentice_id, **body):
    body = {"version": "1.1", "reason": REASON, **body}
    return client.post(f"/api/v1/apprentices/{apprentice_id}/version", json=body)


def version_of(app, apprentice_id) -> str:
    with app.app_context():
        return db.session.get(Apprentice, apprentice_id).version.version


def change_events(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditEvent).filter_by(action="change_version")
        )


def _add_version(app, version: str) -> None:
    """Another version of ST0825, its plan copied from 1.1, open to no one's start date yet."""
    from datetime import date

    with app.app_context():
        model = db.session.scalar(select(StandardVersion).filter_by(version="1.1"))
        columns = StandardVersion.__table__.columns.keys()
        copied = {c: getattr(model, c) for c in columns if c not in ("id", "version")}
        copied.update(earliest_start_date=date(2099, 1, 1), latest_start_date=None)
        db.session.add(StandardVersion(version=version, **copied))
        db.session.commit()


def test_an_administrator_moves_an_apprentice_to_a_later_version(app, admin, make_apprentice):
    apprentice_id = make_apprentice(**ON_1_0)
    response = _move(admin, apprentice_id)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["version"] == "1.1"
    assert body == admin.get(f"/api/v1/apprentices/{apprentice_id}").get_json()
    assert body["start_date"] == "2024-01-08"  # the start date stays as it was
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="change_version"))
        assert (event.entity, event.entity_id) == ("apprentice", str(apprentice_id))
        assert (event.before, event.after) == ({"version": "1.0"}, {"version": "1.1"})
        assert event.reason == REASON


def test_the_audit_trail_shows_the_change_through_the_api(admin, make_apprentice):
    apprentice_id = make_apprentice(**ON_1_0)
    _move(admin, apprentice_id)
    events = admin.get(f"/api/v1/audit?entity=apprentice&entity_id={apprentice_id}").get_json()
    change = next(e for e in events["items"] if e["action"] == "change_version")
    assert change["reason"] == REASON and change["after"] == {"version": "1.1"}


@pytest.mark.parametrize("role", ["staff", "assessor"])
def test_only_administrators_change_a_version(app, api, booking_world, make_apprentice, role):
    apprentice_id = make_apprentice(**ON_1_0)
    assert_error(_move(api(role), apprentice_id), 403, "forbidden")
    assert version_of(app, apprentice_id) == "1.0" and change_events(app) == 0


@pytest.mark.parametrize(
    "body, code, field",
    [
        ({"reason": ""}, "validation_failed", "reason"),
        ({"reason": "   \n "}, "validation_failed", "reason"),
        ({"reason": None}, "validation_failed", "reason"),
        ({"version": None}, "validation_failed", "version"),
        ({"version": ""}, "validation_failed", "version"),
        ({"version": 1.1}, "validation_failed", "version"),
        ({"version": "9.9"}, "invalid_version", "version"),  # no such version of ST0825
        ({"version": "1.0"}, "invalid_version", "version"),  # the version it is on already
        ({"version": "1.0", "reason": ""}, "invalid_version", "reason"),  # both named
    ],
)
def test_bad_input_is_refused_and_changes_nothing(app, admin, make_apprentice, body, code, field):
    apprentice_id = make_apprentice(**ON_1_0)
    error = assert_error(_move(admin, apprentice_id, **body), 422, code)
    assert field in error["fields"]
    assert version_of(app, apprentice_id) == "1.0" and change_events(app) == 0


def test_a_missing_reason_is_named(admin, make_apprentice):
    apprentice_id = make_apprentice(**ON_1_0)
    response = admin.post(f"/api/v1/apprentices/{apprentice_id}/version", json={"version": "1.1"})
    error = assert_error(response, 422, "validation_failed")
    assert error["fields"] == {"reason": "Enter the reason for changing the version"}


def test_the_same_version_is_refused_saying_which_are_later(admin, make_apprentice):
    apprentice_id = make_apprentice(**ON_1_0)
    error = assert_error(_move(admin, apprentice_id, version="1.0"), 422, "invalid_version")
    assert error["fields"]["version"] == "The apprentice is already on version 1.0: choose from 1.1"


def test_an_earlier_version_is_refused_saying_which_are_later(app, admin, make_apprentice):
    apprentice_id = make_apprentice(uln=OTHER_ULN, start_date="2024-09-26")  # version 1.1
    error = assert_error(_move(admin, apprentice_id, version="1.0"), 422, "invalid_version")
    assert "1.0 is not later than 1.1" in error["fields"]["version"]
    assert "no later version" in error["message"]
    assert version_of(app, apprentice_id) == "1.1"


def test_versions_are_compared_as_numbers(app, admin, make_apprentice):
    _add_version(app, "1.9")
    _add_version(app, "1.10")
    apprentice_id = make_apprentice(**ON_1_0)
    assert _move(admin, apprentice_id, version="1.10").status_code == 200
    error = assert_error(_move(admin, apprentice_id, version="1.9"), 422, "invalid_version")
    assert "1.9 is not later than 1.10" in error["fields"]["version"]
    assert version_of(app, apprentice_id) == "1.10"


def _booked(admin, world, apprentice_id):
    booking = {
        "apprentice_id": apprentice_id,
        "method": "discussion",
        "assessor_id": world["assessor"],
        "starts_at": "2026-12-10T10:00",
        "location": "Online",
    }
    response = admin.post("/api/v1/assessments", json=booking)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_booked_assessment_stops_the_change(app, admin, booking_world, make_gateway_passed):
    apprentice_id = make_gateway_passed(**{**ON_1_0, "uln": OTHER_ULN})
    _booked(admin, booking_world, apprentice_id)
    error = assert_error(_move(admin, apprentice_id), 409, "assessments_exist")
    assert "booked" in error["message"]
    assert version_of(app, apprentice_id) == "1.0" and change_events(app) == 0


def test_only_cancelled_assessments_do_not_stop_it(app, admin, booking_world, make_gateway_passed):
    apprentice_id = make_gateway_passed(**{**ON_1_0, "uln": OTHER_ULN})
    assessment_id = _booked(admin, booking_world, apprentice_id)
    cancelled = admin.post(f"/api/v1/assessments/{assessment_id}/cancel", json={"reason": "Ill"})
    assert cancelled.status_code == 200
    assert _move(admin, apprentice_id).get_json()["version"] == "1.1"


def test_assessments_of_an_epa_since_restarted_do_not_stop_it(
    app, admin, booking_world, make_gateway_passed
):
    apprentice_id = make_gateway_passed(**{**ON_1_0, "uln": OTHER_ULN})
    _booked(admin, booking_world, apprentice_id)
    with app.app_context():  # as a restart leaves it: the booking stays, in the earlier EPA
        db.session.get(Apprentice, apprentice_id).epa_round = 2
        db.session.commit()
    assert _move(admin, apprentice_id).get_json()["version"] == "1.1"


def test_a_booking_checked_against_a_version_changed_meanwhile_is_refused(
    app, admin, booking_world, make_gateway_passed, monkeypatch
):
    """A version change that commits between a booking's first reads and its locks: the
    method read first belongs to the old plan, so nothing is booked. (On PostgreSQL a booking's
    first read takes the apprentice's lock, so nothing commits in between:
    tests/scheduling/test_booking_lock.py.)"""
    from sqlalchemy import func, select, text

    from epa.scheduling import checks
    from epa.scheduling.models import Assessment
    from epa.standards.models import StandardVersion

    apprentice_id = make_gateway_passed(**{**ON_1_0, "uln": OTHER_ULN})
    with app.app_context():
        later = db.session.scalar(select(StandardVersion.id).filter_by(version="1.1"))
    real_lock = checks.lock_diaries

    def changed_meanwhile(locked_id, assessor_ids):
        db.session.execute(
            text("UPDATE apprentices SET version_id = :v WHERE id = :id"),
            {"v": later, "id": locked_id},
        )
        real_lock(locked_id, assessor_ids)

    monkeypatch.setattr("epa.scheduling.services.locks_rows", lambda: False)
    monkeypatch.setattr(checks, "lock_diaries", changed_meanwhile)
    booking = {
        "apprentice_id": apprentice_id,
        "method": "discussion",
        "assessor_id": booking_world["assessor"],
        "starts_at": "2026-12-10T10:00",
        "location": "Online",
    }
    error = assert_error(admin.post("/api/v1/assessments", json=booking), 409, "version_changed")
    assert "moved to version 1.1 while this was being booked" in error["message"]
    monkeypatch.undo()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Assessment)) == 0


def test_a_withdrawn_or_completed_apprentice_keeps_their_version(app, admin, make_apprentice):
    withdrawn = make_apprentice(**{**ON_1_0, "uln": OTHER_ULN})
    admin.post(f"/api/v1/apprentices/{withdrawn}/withdraw", json={"reason": "Left"})
    assert_error(_move(admin, withdrawn), 409, "already_withdrawn")
    completed = make_apprentice(**ON_1_0)
    with app.app_context():
        db.session.get(Apprentice, completed).status = "completed"
        db.session.commit()
    assert_error(_move(admin, completed), 409, "apprentice_completed")
    assert version_of(app, withdrawn) == version_of(app, completed) == "1.0"


def test_an_unknown_apprentice_is_404(admin):
    assert_error(_move(admin, 999999), 404, "not_found")


def test_a_body_that_is_not_an_object_is_400(admin, make_apprentice):
    apprentice_id = make_apprentice(**ON_1_0)
    response = admin.post(f"/api/v1/apprentices/{apprentice_id}/version", json=["1.1"])
    assert_error(response, 400, "malformed_request")


def test_later_gateway_attempts_use_the_new_versions_plan(app, admin, make_apprentice):
    with app.app_context():
        later = db.session.scalar(select(StandardVersion).filter_by(version="1.1"))
        later.max_months_before_gateway = 36
        db.session.commit()
    # 33 months after the start, and not passed, so a second attempt may follow.
    gateway = {**READY, "gateway_date": "2026-11-02", "project_summary_submitted": False}
    apprentice_id = make_apprentice(**ON_1_0)
    path = f"/api/v1/apprentices/{apprentice_id}/gateway"
    assert admin.post(path, json=gateway).get_json()["warnings"] == ["long_time_on_programme"]
    _move(admin, apprentice_id)
    assert admin.post(path, json=gateway).get_json()["warnings"] == []


def test_a_new_start_date_chooses_the_version_again(app, admin, make_apprentice):
    # Documented: PATCH with a different start date re-chooses the version, undoing a change.
    apprentice_id = make_apprentice(**ON_1_0)
    path = f"/api/v1/apprentices/{apprentice_id}"
    _move(admin, apprentice_id)
    assert admin.patch(path, json={"start_date": "2024-01-09"}).get_json()["version"] == "1.0"
    _move(admin, apprentice_id)
    assert admin.patch(path, json={"start_date": "2024-01-09"}).get_json()["version"] == "1.1"
    assert admin.patch(path, json={"family_name": "Jones"}).get_json()["version"] == "1.1"


def test_after_gateway_the_epa_period_follows_the_new_plan(app, admin, make_apprentice):
    apprentice_id = make_apprentice(**ON_1_0)
    passed = admin.post(
        f"/api/v1/apprentices/{apprentice_id}/gateway", json={**READY, "gateway_date": "2026-11-02"}
    )
    assert passed.get_json()["epa_deadline"] == "2027-03-02"  # 1.0: 4 months
    with app.app_context():  # suppose the revised plan gives 6 months
        db.session.scalar(select(StandardVersion).filter_by(version="1.1")).epa_period_months = 6
        db.session.commit()
    moved = _move(admin, apprentice_id)
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["epa_deadline"] == "2027-05-02"
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="change_version"))
        assert event.before == {"version": "1.0", "epa_deadline": "2027-03-02"}
        assert event.after == {"version": "1.1", "epa_deadline": "2027-05-02"}
