"""Gateway attempts through the API: every attempt kept, the rules decide."""

from datetime import date

import pytest
from sqlalchemy import func, select

from epa.audit.models import AuditEvent
from epa.extensions import db
from epa.gateway.models import GatewayAttempt
from tests.api.test_conventions import assert_error

READY = {
    "gateway_date": "2025-03-03",
    "english": "level2",
    "maths": "level2",
    "bsl": False,
    "employer_confirmed": True,
    "portfolio_submitted": True,
}


@pytest.fixture
def staff(api, today):
    today(date(2026, 11, 26))
    return api("staff")


def _gateway(client, apprentice_id, **changes):
    return client.post(f"/api/v1/apprentices/{apprentice_id}/gateway", json={**READY, **changes})


def test_a_passed_gateway_sets_the_status_and_the_deadline(app, staff, make_apprentice):
    apprentice_id = make_apprentice(start_date="2024-01-08")
    response = _gateway(staff, apprentice_id, gateway_date="2025-10-31")
    assert response.status_code == 201
    body = response.get_json()
    assert body["passed"] is True and body["reasons"] == []
    assert body["epa_deadline"] == "2026-02-28"  # 4 months, clamped at the month end
    apprentice = staff.get(f"/api/v1/apprentices/{apprentice_id}").get_json()
    assert apprentice["status"] == "gateway_passed"
    assert apprentice["gateway_date"] == "2025-10-31"
    assert apprentice["epa_deadline"] == "2026-02-28"
    with app.app_context():
        actions = {(e.entity, e.action) for e in db.session.scalars(select(AuditEvent))}
    assert ("gateway_attempt", "create") in actions
    assert ("apprentice", "gateway_passed") in actions


def test_a_failed_attempt_is_kept_with_its_reasons(app, staff, make_apprentice):
    apprentice_id = make_apprentice(date_of_birth="2006-05-01", start_date="2024-09-02")
    response = _gateway(
        staff,
        apprentice_id,
        gateway_date="2025-06-02",
        english="level1",
        employer_confirmed=False,
        portfolio_submitted=False,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["passed"] is False and body["epa_deadline"] is None
    assert body["reasons"] == [
        "english_not_met",
        "employer_not_confirmed",
        "portfolio_missing",
        "minimum_duration_not_met",
    ]
    assert staff.get(f"/api/v1/apprentices/{apprentice_id}").get_json()["status"] == "registered"


def test_attempts_are_listed_newest_first(staff, make_apprentice):
    apprentice_id = make_apprentice(start_date="2024-01-08")
    _gateway(staff, apprentice_id, gateway_date="2025-01-06", employer_confirmed=False)
    _gateway(staff, apprentice_id, gateway_date="2025-02-03", portfolio_submitted=False)
    _gateway(staff, apprentice_id, gateway_date="2025-03-03")
    body = staff.get(f"/api/v1/apprentices/{apprentice_id}/gateway").get_json()
    assert [a["gateway_date"] for a in body["items"]] == ["2025-03-03", "2025-02-03", "2025-01-06"]
    assert [a["passed"] for a in body["items"]] == [True, False, False]
    assert body["total"] == 3


@pytest.mark.parametrize(
    "born, gateway_date, passed",
    [
        ("2000-01-01", "2025-02-10", False),  # an adult, the day before the policy
        ("2000-01-01", "2025-02-11", True),  # an adult, the policy's first day
        ("2006-01-01", "2025-02-11", False),  # 18 on the start date: still needs both
    ],
)
def test_the_adult_english_and_maths_policy(staff, make_apprentice, born, gateway_date, passed):
    apprentice_id = make_apprentice(date_of_birth=born, start_date="2024-01-08")
    body = _gateway(
        staff, apprentice_id, gateway_date=gateway_date, english="none", maths="none"
    ).get_json()
    assert body["passed"] is passed


def test_ehc_plan_and_bsl(staff, make_apprentice):
    with_plan = make_apprentice(uln="1234567899", ehc_plan=True, date_of_birth="2006-01-01")
    body = _gateway(staff, with_plan, english="entry3", maths="entry3").get_json()
    assert body["passed"] is True
    with_bsl = make_apprentice(uln="1000000000", date_of_birth="2006-01-01")
    body = _gateway(staff, with_bsl, english="none", bsl=True).get_json()
    assert body["passed"] is True


def test_minimum_time_on_programme_boundary(staff, make_apprentice):
    short = make_apprentice(uln="1234567899", start_date="2024-03-04")
    assert _gateway(staff, short, gateway_date="2025-03-03").get_json()["reasons"] == [
        "minimum_duration_not_met"
    ]
    exact = make_apprentice(uln="1000000000", start_date="2024-03-03")
    assert _gateway(staff, exact, gateway_date="2025-03-03").get_json()["passed"] is True


def test_booleans_left_out_are_false(staff, make_apprentice):
    apprentice_id = make_apprentice()
    body = {"gateway_date": "2025-03-03", "english": "level2", "maths": "level2"}
    response = staff.post(f"/api/v1/apprentices/{apprentice_id}/gateway", json=body)
    assert response.get_json()["reasons"] == ["employer_not_confirmed", "portfolio_missing"]


@pytest.mark.parametrize(
    "changes, code, field",
    [
        ({"gateway_date": "2026-11-27"}, "invalid_date", "gateway_date"),  # tomorrow
        ({"gateway_date": "2023-12-29"}, "invalid_date", "gateway_date"),  # before the start
        ({"gateway_date": "2025-02-30"}, "invalid_date", "gateway_date"),
        ({"gateway_date": None}, "invalid_date", "gateway_date"),
        ({"english": "level3"}, "validation_failed", "english"),
        ({"maths": None}, "validation_failed", "maths"),
        ({"bsl": "no"}, "validation_failed", "bsl"),
        ({"employer_confirmed": 1}, "validation_failed", "employer_confirmed"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_kept(
    app, staff, make_apprentice, changes, code, field
):
    apprentice_id = make_apprentice()
    error = assert_error(_gateway(staff, apprentice_id, **changes), 422, code)
    assert field in error["fields"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GatewayAttempt)) == 0


def test_today_is_an_allowed_gateway_date(staff, make_apprentice):
    apprentice_id = make_apprentice()
    assert _gateway(staff, apprentice_id, gateway_date="2026-11-26").status_code == 201


def test_gateway_cannot_pass_twice(app, staff, make_apprentice):
    apprentice_id = make_apprentice()
    assert _gateway(staff, apprentice_id).get_json()["passed"] is True
    assert_error(_gateway(staff, apprentice_id), 409, "gateway_already_passed")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GatewayAttempt)) == 1


def test_no_gateway_for_a_withdrawn_apprentice(staff, make_apprentice):
    apprentice_id = make_apprentice()
    staff.post(f"/api/v1/apprentices/{apprentice_id}/withdraw", json={"reason": "Left"})
    assert_error(_gateway(staff, apprentice_id), 422, "apprentice_withdrawn")


def test_unknown_apprentice_is_404(staff):
    assert_error(_gateway(staff, 999999), 404, "not_found")
    assert_error(staff.get("/api/v1/apprentices/999999/gateway"), 404, "not_found")
