"""A submitted result keeps the criteria it was judged against: a later load of the standard
that rewords, regrades, adds or drops criteria leaves it reading as judged, while a draft is
judged against the criteria of the day; the load says how many drafts that touches."""

import json

from jsonschema import Draft202012Validator
from sqlalchemy import select

from epa.api.openapi import document
from epa.audit.models import AuditEvent
from epa.extensions import db
from tests.api.test_grading import (  # noqa: F401 (world is a fixture)
    AFTER_DISCUSSION,
    AFTER_PROJECT,
    all_met,
    grade,
    only_pass,
    put,
    world,
)
from tests.conftest import fixture_data

VERSION = "1.1"  # the booking world's apprentice's version, whose plan `all_met` judges


def plan_criteria(client, method: str) -> list[dict]:
    """A method's criteria as the standards API gives them today."""
    document = client.get(f"/api/v1/standards/ST0825/versions/{VERSION}").get_json()
    return next(m for m in document["plan"]["methods"] if m["code"] == method)["criteria"]


def corrected_plan() -> dict:
    """The fixture with every criterion of the version's methods reworded, and each method's
    last criterion replaced by a new one: what publishing the plan's own wording did."""
    data = fixture_data()
    version = next(v for v in data["versions"] if v["version"] == VERSION)
    for method in version["plan"]["methods"]:
        criteria = method["criteria"]
        for criterion in criteria:
            criterion["text"] = f"As published: {criterion['text']}"
        last = criteria.pop()
        kind = last["id"][0]
        number = max(int(c["id"][1:]) for c in [*criteria, last] if c["id"][0] == kind) + 1
        criteria.append({**last, "id": f"{kind}{number}", "text": "A criterion new to the plan."})
    return data


def load(runner, tmp_path, data: dict):
    path = tmp_path / "standard.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(args=["epa", "load-standard", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def result_of(world, method: str) -> dict:
    body = world["staff"].get(f"/api/v1/assessments/{world[method]}/result").get_json()
    # The schema's references resolve inside a document holding the components.
    schema = {"$ref": "#/components/schemas/Result", "components": document()["components"]}
    Draft202012Validator(schema).validate(body)
    return body


def test_submission_keeps_the_method_s_criteria_and_reopening_clears_them(app, world):
    world["at"](AFTER_DISCUSSION)
    put(world["grace"], world["discussion"], only_pass("discussion"))
    assert result_of(world, "discussion")["criteria_judged"] is None  # a draft
    body = grade(world, "discussion", only_pass("discussion"), AFTER_DISCUSSION)
    criteria = plan_criteria(world["staff"], "discussion")
    assert body["criteria_judged"] == criteria
    assert body["criteria"] == only_pass("discussion")  # as before: {id: met}
    assert [c["id"] for c in criteria] == list(only_pass("discussion"))
    assert result_of(world, "discussion")["criteria_judged"] == criteria

    path = f"/api/v1/assessments/{world['discussion']}/result/reopen"
    body = world["admin"].post(path, json={"reason": "Judged on the wrong evidence"}).get_json()
    assert body["submitted"] is False and body["criteria_judged"] is None
    assert result_of(world, "discussion")["criteria_judged"] is None
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reopen")).one()
        assert event.before["criteria_judged"] == criteria  # what was judged stays on record
    body = grade(world, "discussion", all_met("discussion"), AFTER_DISCUSSION)
    assert body["criteria_judged"] == criteria and body["method_grade"] == "distinction"


def test_a_corrected_plan_leaves_a_submitted_result_as_judged(runner, tmp_path, world):
    judged = grade(world, "discussion", all_met("discussion", D1=False), AFTER_DISCUSSION)
    as_judged = plan_criteria(world["staff"], "discussion")
    load(runner, tmp_path, corrected_plan())
    today = plan_criteria(world["staff"], "discussion")
    assert [c["text"] for c in today] != [c["text"] for c in as_judged]
    assert [c["id"] for c in today] != [c["id"] for c in as_judged]

    body = result_of(world, "discussion")
    assert body == judged  # nothing about it changed: wording, judgements, grade
    assert body["criteria_judged"] == as_judged
    assert body["criteria"] == all_met("discussion", D1=False)
    assert set(body["criteria"]) == {c["id"] for c in body["criteria_judged"]}
    assert body["method_grade"] == "pass"


def test_a_draft_is_judged_against_the_corrected_plan(app, runner, tmp_path, world):
    world["at"](AFTER_PROJECT)
    put(world["dan"], world["project"], only_pass("project"))
    assert result_of(world, "project")["method_grade"] == "pass"
    load(runner, tmp_path, corrected_plan())
    body = result_of(world, "project")
    assert body["criteria_judged"] is None
    # The new criterion is still to judge, so no grade follows yet.
    assert body["method_grade"] is None
    today = plan_criteria(world["staff"], "project")
    assert today[-1]["id"] not in body["criteria"]
    assert put(world["dan"], world["project"], {today[-1]["id"]: True}).get_json()["method_grade"]
    response = world["dan"].post(f"/api/v1/assessments/{world['project']}/result/submit")
    body = response.get_json()
    assert body["criteria_judged"] == today
    # The judgement of the criterion the plan dropped leaves the result; the audit keeps it.
    dropped = set(only_pass("project")) - {c["id"] for c in today}
    assert len(dropped) == 1
    assert set(body["criteria"]) == {c["id"] for c in today}
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "submit")).one()
        assert set(event.before["criteria"]) - set(event.after["criteria"]) == dropped


def test_the_load_warns_of_drafts_judging_changed_criteria(runner, tmp_path, world):
    grade(world, "discussion", only_pass("discussion"), AFTER_DISCUSSION)
    data = corrected_plan()
    assert "Warning" not in load(runner, tmp_path, data)  # a submitted result is safe
    world["at"](AFTER_PROJECT)
    put(world["dan"], world["project"], {"P1": True})
    assert "Warning" not in load(runner, tmp_path, data)  # nothing changed this time
    output = load(runner, tmp_path, fixture_data())  # back to the original wording
    assert "Loaded ST0825" in output
    assert (
        "Warning: 1 draft result now judges criteria this load changed (their wording, their "
        "grade, or which criteria there are); its assessor should check every judgement before "
        "submitting."
    ) in output


def test_a_draft_without_judgements_or_on_an_unchanged_method_is_no_warning(
    runner, tmp_path, world
):
    world["at"](AFTER_PROJECT)
    put(world["dan"], world["project"], {"P1": True})
    put(world["dan"], world["project"], {"P1": None})  # a draft with nothing judged
    assert "Warning" not in load(runner, tmp_path, corrected_plan())
    data = fixture_data()
    version = next(v for v in data["versions"] if v["version"] == VERSION)
    discussion = next(m for m in version["plan"]["methods"] if m["code"] == "discussion")
    discussion["criteria"][0]["grade"] = "distinction"  # P1 regraded
    put(world["dan"], world["project"], {"P1": True})
    load(runner, tmp_path, fixture_data())
    assert "Warning" not in load(runner, tmp_path, data)  # the project's criteria stand
