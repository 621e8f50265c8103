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
    "provider_confirmed": True,
    "project_summary_submitted": True,
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
    assert body["passed"] is True and body["reasons"] == [] and body["warnings"] == []
    assert body["epa_deadline"] == "2026-02-28"  # 4 months, clamped at the month end
    assert body["provider_confirmed"] is True and body["project_summary_submitted"] is True
    assert body["portfolio_submitted"] is False  # left out: false, and no longer needed
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
        provider_confirmed=False,
        project_summary_submitted=False,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["passed"] is False and body["epa_deadline"] is None
    assert body["reasons"] == [
        "english_not_met",
        "employer_not_confirmed",
        "provider_not_confirmed",
        "project_summary_missing",
        "minimum_duration_not_met",
    ]
    assert staff.get(f"/api/v1/apprentices/{apprentice_id}").get_json()["status"] == "registered"


def test_attempts_are_listed_newest_first(staff, make_apprentice):
    apprentice_id = make_apprentice(start_date="2024-01-08")
    _gateway(staff, apprentice_id, gateway_date="2025-01-06", employer_confirmed=False)
    _gateway(staff, apprentice_id, gateway_date="2025-02-03", provider_confirmed=False)
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
    attempt = response.get_json()
    assert attempt["reasons"] == [
        "employer_not_confirmed",
        "provider_not_confirmed",
        "project_summary_missing",
    ]
    assert attempt["bsl"] is False and attempt["portfolio_submitted"] is False


@pytest.mark.parametrize(
    "left_out, reason",
    [
        ("employer_confirmed", "employer_not_confirmed"),
        ("provider_confirmed", "provider_not_confirmed"),
        ("project_summary_submitted", "project_summary_missing"),
    ],
)
def test_each_confirmation_alone_fails_with_its_reason(staff, make_apprentice, left_out, reason):
    apprentice_id = make_apprentice()
    for body in ({**READY, left_out: False}, {k: v for k, v in READY.items() if k != left_out}):
        response = staff.post(f"/api/v1/apprentices/{apprentice_id}/gateway", json=body)
        assert response.status_code == 201
        assert response.get_json()["reasons"] == [reason]
        assert response.get_json()["passed"] is False


def test_a_portfolio_is_stored_and_returned_but_no_longer_needed(staff, make_apprentice):
    with_portfolio = make_apprentice(uln="1234567899")
    body = _gateway(staff, with_portfolio, portfolio_submitted=True).get_json()
    assert body["passed"] is True and body["portfolio_submitted"] is True
    without = make_apprentice(uln="1000000000")
    body = _gateway(staff, without, portfolio_submitted=False).get_json()
    assert body["passed"] is True and body["portfolio_submitted"] is False
    listed = staff.get(f"/api/v1/apprentices/{with_portfolio}/gateway").get_json()["items"]
    assert listed[0]["portfolio_submitted"] is True


def test_a_gateway_past_24_months_passes_with_a_warning(app, staff, make_apprentice):
    last_day = make_apprentice(uln="1234567899", start_date="2024-02-29")
    body = _gateway(staff, last_day, gateway_date="2026-02-28").get_json()  # clamped: 24 months
    assert body["passed"] is True and body["warnings"] == []
    day_after = make_apprentice(uln="1000000000", start_date="2024-02-29")
    response = _gateway(staff, day_after, gateway_date="2026-03-01")
    assert response.status_code == 201
    body = response.get_json()
    assert body["passed"] is True and body["reasons"] == []
    assert body["warnings"] == ["long_time_on_programme"]
    assert body["epa_deadline"] == "2026-07-01"
    listed = staff.get(f"/api/v1/apprentices/{day_after}/gateway").get_json()["items"]
    assert listed[0]["warnings"] == ["long_time_on_programme"]
    assert (
        staff.get(f"/api/v1/apprentices/{last_day}/gateway").get_json()["items"][0]["warnings"]
        == []
    )
    with app.app_context():
        stored = db.session.scalar(select(GatewayAttempt).filter_by(apprentice_id=day_after))
        assert stored.warnings == ["long_time_on_programme"]


def test_a_failed_attempt_past_24_months_carries_the_warning_too(staff, make_apprentice):
    apprentice_id = make_apprentice(start_date="2024-01-08")
    body = _gateway(
        staff, apprentice_id, gateway_date="2026-01-09", provider_confirmed=False
    ).get_json()
    assert body["passed"] is False and body["reasons"] == ["provider_not_confirmed"]
    assert body["warnings"] == ["long_time_on_programme"]


def test_the_longest_time_is_the_versions(app, staff, make_apprentice):
    from epa.standards.models import StandardVersion

    apprentice_id = make_apprentice(start_date="2024-01-08")
    with app.app_context():
        for version in db.session.scalars(select(StandardVersion)):
            version.max_months_before_gateway = 30
        db.session.commit()
    body = _gateway(staff, apprentice_id, gateway_date="2026-01-09").get_json()
    assert body["passed"] is True and body["warnings"] == []


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
        ({"provider_confirmed": "yes"}, "validation_failed", "provider_confirmed"),
        ({"project_summary_submitted": None}, "validation_failed", "project_summary_submitted"),
        ({"portfolio_submitted": 0}, "validation_failed", "portfolio_submitted"),
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


@pytest.mark.parametrize(
    "now, offset",
    [("2026-07-01T09:00:00+00:00", "+01:00"), ("2026-12-01T09:00:00+00:00", "+00:00")],
)
def test_when_an_attempt_was_recorded_comes_back_in_london_time(
    staff, make_apprentice, move_clock, now, offset
):
    from datetime import datetime

    move_clock(datetime.fromisoformat(now))
    apprentice_id = make_apprentice()
    staff.post(
        f"/api/v1/apprentices/{apprentice_id}/gateway",
        json={**READY, "gateway_date": "2026-06-01"},
    )
    attempt = staff.get(f"/api/v1/apprentices/{apprentice_id}/gateway").get_json()["items"][0]
    recorded = datetime.fromisoformat(attempt["recorded_at"])
    assert attempt["recorded_at"].endswith(offset)
    assert recorded == datetime.fromisoformat(now)
