"""Loading where each text comes from: sources, themes and the plan note are stored, read back
through the API as the fixture has them, audited when they change, and a repeated load (or one
that differs only in order or in keys nobody reads) changes nothing."""

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select

from epa.api.openapi import document
from epa.audit.models import AuditEvent
from epa.extensions import db
from epa.rules.fixture_sources import METHOD_FACTS, PLAN_FACTS
from epa.standards.models import AssessmentMethod, Criterion, StandardVersion
from tests.conftest import fixture_data
from tests.standards.test_load_standard import (
    count,
    criterion_of,
    loaded_ok,
    table_counts,
    version_of,
    write,
)


def method_of(data: dict, label: str, code: str) -> dict:
    return next(m for m in version_of(data, label)["plan"]["methods"] if m["code"] == code)


def last_event(app) -> AuditEvent:
    with app.app_context():
        return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def test_the_sources_are_stored_with_the_rows_they_describe(app, runner):
    loaded_ok(runner)
    data = fixture_data()
    with app.app_context():
        rows = db.session.execute(
            select(StandardVersion.version, AssessmentMethod.code, Criterion)
            .join(AssessmentMethod, Criterion.method_id == AssessmentMethod.id)
            .join(StandardVersion, AssessmentMethod.version_id == StandardVersion.id)
        ).all()
        assert len(rows) == 2 * (23 + 22)
        for label, code, row in rows:
            wanted = criterion_of(data, label, code, row.code)
            assert (row.source, row.source_reference) == (wanted["source"], wanted["reference"])
        note = db.session.scalar(select(StandardVersion.plan_note).filter_by(version="1.1"))
        assert note == version_of(data, "1.1")["plan_note"]
        # No note is stored as SQL NULL, not as a JSON null, so "IS NULL" finds it.
        assert db.session.scalars(
            select(StandardVersion.version).where(StandardVersion.plan_note.is_(None))
        ).all() == ["1.0"]


def test_a_changed_criterion_source_is_updated_in_place_and_audited(app, runner, tmp_path):
    loaded_ok(runner)
    data = fixture_data()
    old = dict(criterion_of(data, "1.1", "project", "P3"))
    criterion_of(data, "1.1", "project", "P3").update(
        source="epao", reference="Reworded by the EPAO for clarity."
    )
    path = write(tmp_path, data)
    assert "Loaded ST0825" in loaded_ok(runner, path).output

    event = last_event(app)
    key = "versions.1.1.methods.project.criteria.P3"
    assert event.action == "update"
    assert event.before == {
        f"{key}.source": "published",
        f"{key}.source_reference": old["reference"],
    }
    assert event.after == {
        f"{key}.source": "epao",
        f"{key}.source_reference": "Reworded by the EPAO for clarity.",
    }
    before = table_counts(app)
    assert "already up to date" in loaded_ok(runner, path).output
    assert table_counts(app) == before


def test_changed_themes_fact_sources_and_plan_note_are_audited_by_path(app, runner, tmp_path):
    loaded_ok(runner)
    data = fixture_data()
    method = method_of(data, "1.0", "discussion")
    old_themes = [dict(t) for t in method["themes"]]
    method["themes"][1]["ksbs_reference"] = "Read from a published plan at last."
    method["sources"]["min_notice_days"]["reference"] = "S2, again."
    version_of(data, "1.0")["plan"]["sources"]["retry_grade_cap"] = {
        "source": "published",
        "reference": "A published ST0825 plan.",
    }
    version_of(data, "1.1")["plan_note"] = None
    loaded_ok(runner, write(tmp_path, data))

    event = last_event(app)
    original = fixture_data()
    mpath = "versions.1.0.methods.discussion"
    assert set(event.before) == {
        f"{mpath}.themes",
        f"{mpath}.fact_sources",
        "versions.1.0.fact_sources",
        "versions.1.1.plan_note",
    }
    assert event.before[f"{mpath}.themes"] == old_themes
    assert event.after[f"{mpath}.themes"][1]["ksbs_reference"] == (
        "Read from a published plan at last."
    )
    assert event.after["versions.1.0.fact_sources"]["retry_grade_cap"]["source"] == "published"
    assert event.before["versions.1.1.plan_note"] == version_of(original, "1.1")["plan_note"]
    assert event.after["versions.1.1.plan_note"] is None

    # Back to the project's fixture: everything as it was, audited once more.
    loaded_ok(runner)
    assert count(app, AuditEvent) == 3
    assert "already up to date" in loaded_ok(runner).output


def test_theme_ksbs_in_another_order_or_unread_keys_are_not_a_change(app, runner, tmp_path):
    loaded_ok(runner)
    before = table_counts(app)
    data = fixture_data()
    for theme in method_of(data, "1.1", "project")["themes"]:
        theme["ksbs"].reverse()
    # Keys the document does not show are not stored, so they are not changes either.
    version_of(data, "1.0")["plan"]["sources"]["epa_period_months"]["checked_on"] = "2026-11-30"
    method_of(data, "1.1", "discussion")["themes"][0]["colour"] = "blue"
    version_of(data, "1.1")["plan_note"]["author"] = "someone"
    result = loaded_ok(runner, write(tmp_path, data))
    assert "already up to date" in result.output
    assert table_counts(app) == before


@pytest.mark.parametrize("label", ["1.0", "1.1"])
def test_the_version_document_carries_every_source_as_documented(api, runner, label):
    loaded_ok(runner)
    body = api("assessor").get(f"/api/v1/standards/ST0825/versions/{label}").get_json()
    # The schema's references resolve inside a document holding the components.
    schema = {"$ref": "#/components/schemas/Version", "components": document()["components"]}
    Draft202012Validator(schema).validate(body)
    plan = body["plan"]
    assert set(plan["sources"]) == set(PLAN_FACTS)
    assert plan["sources"]["retry_grade_cap"]["source"] == "epao"
    for method in plan["methods"]:
        assert set(method["sources"]) == set(METHOD_FACTS)
        assert [t["name"] for t in method["themes"]][:1] in (
            ["Code Quality"],
            ["Organisational Culture"],
        )
        assert all(c["source"] == "published" and c["reference"] for c in method["criteria"])
    assert (body["plan_note"] is None) == (label == "1.0")
    assert body["sources"] == fixture_data()["sources"]


def test_the_list_of_sources_is_stored_and_a_change_to_it_audited(app, runner, tmp_path):
    from epa.standards.models import Standard

    loaded_ok(runner)
    with app.app_context():
        stored = db.session.scalar(select(Standard.sources))
    assert [s["code"] for s in stored] == [f"S{n}" for n in range(1, 10)]
    assert "already up to date" in loaded_ok(runner).output
    data = fixture_data()
    data["sources"][5]["address"] = "https://example.org/epa-notes"
    loaded_ok(runner, write(tmp_path, data))
    event = last_event(app)
    assert set(event.before) == {"standard.sources"}
    assert event.after["standard.sources"][5]["address"] == "https://example.org/epa-notes"


def test_the_documented_schema_refuses_a_criterion_without_its_source():
    schema = {"$ref": "#/components/schemas/Criterion", "components": document()["components"]}
    criterion = {"id": "P1", "theme": "Code Quality", "ksbs": ["K2"], "grade": "pass", "text": "x"}
    validator = Draft202012Validator(schema)
    assert not validator.is_valid(criterion)
    assert validator.is_valid({**criterion, "source": "epao", "reference": "Our own."})
    assert not validator.is_valid({**criterion, "source": "inferred", "reference": "x"})
