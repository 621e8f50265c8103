"""Every kind of record the services write audit events for can be read back and filtered."""

import pytest


@pytest.fixture
def changed_plan_and_pattern(api, booking_world):
    """A member of staff proposes a plan and changes an assessor's working pattern."""
    staff = api("staff")
    plan = staff.post("/api/v1/plans", json={"apprentice_ids": [booking_world["apprentice"]]})
    assert plan.status_code == 201, plan.get_json()
    pattern = staff.put(
        f"/api/v1/assessors/{booking_world['assessor']}/pattern",
        json={"weekdays": [1, 3], "starts": "09:30", "ends": "15:00", "max_per_day": 1},
    )
    assert pattern.status_code == 200, pattern.get_json()
    return plan.get_json()["id"], booking_world["assessor"]


def test_plans_and_working_patterns_are_in_the_audit_trail(api, changed_plan_and_pattern):
    plan_id, assessor_id = changed_plan_and_pattern
    admin = api("admin")
    everything = admin.get("/api/v1/audit")
    assert everything.status_code == 200, everything.get_json()
    entities = {(e["entity"], e["entity_id"]) for e in everything.get_json()["items"]}
    assert {("plan", str(plan_id)), ("assessor_pattern", str(assessor_id))} <= entities
    for entity in ("plan", "assessor_pattern"):
        only = admin.get(f"/api/v1/audit?entity={entity}")
        assert only.status_code == 200, only.get_json()
        assert {e["entity"] for e in only.get_json()["items"]} == {entity}


def test_the_audit_page_names_them(client, signed_in, changed_plan_and_pattern):
    signed_in("admin")
    page = client.get("/audit?entity=assessor_pattern")
    assert page.status_code == 200
    assert "Assessor working pattern" in page.get_data(as_text=True)
