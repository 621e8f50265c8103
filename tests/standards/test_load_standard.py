"""`flask --app app epa load-standard PATH`: loading the project's fixture, repeating a load,
updating in place, refusing bad files without touching the database, and reading a loaded
version back through the API."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from epa.audit.models import AuditEvent
from epa.extensions import db
from epa.standards.documents import version_document
from epa.standards.models import (
    AssessmentMethod,
    Criterion,
    Duty,
    GradingRow,
    Ksb,
    Standard,
    StandardVersion,
)
from epa.standards.services import get_version
from tests.conftest import FIXTURE, fixture_data

# --- helpers -------------------------------------------------------------------------------------


def load(runner, path):
    return runner.invoke(args=["epa", "load-standard", str(path)])


def write(tmp_path: Path, data, name: str = "standard.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def table_counts(app) -> dict[str, int]:
    """How many rows every table holds."""
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def version_of(data: dict, label: str) -> dict:
    return next(v for v in data["versions"] if v["version"] == label)


def criterion_of(data: dict, label: str, method: str, cid: str) -> dict:
    plan = version_of(data, label)["plan"]
    m = next(m for m in plan["methods"] if m["code"] == method)
    return next(c for c in m["criteria"] if c["id"] == cid)


def stored_documents(app) -> dict[str, dict]:
    """Every stored version as the API would show it, by version label."""
    with app.app_context():
        db.session.expire_all()
        labels = db.session.scalars(select(StandardVersion.version)).all()
        return {label: version_document(get_version("ST0825", label)) for label in labels}


def loaded_ok(runner, path=FIXTURE):
    result = load(runner, path)
    assert result.exit_code == 0, result.output
    return result


# --- loading the project's fixture ---------------------------------------------------------------


def test_loading_the_fixture_fills_the_database(app, runner):
    data = fixture_data()
    result = loaded_ok(runner)
    assert "Loaded ST0825 DevOps engineer (versions 1.0, 1.1)." in result.output

    counts = table_counts(app)
    criteria = [c for v in data["versions"] for m in v["plan"]["methods"] for c in m["criteria"]]
    assert counts["standards"] == 1
    assert counts["duties"] == 13
    assert counts["ksbs"] == 51
    assert counts["standard_versions"] == 2
    assert counts["assessment_methods"] == 4
    assert counts["grading_rows"] == 18
    assert counts["criteria"] == len(criteria)
    assert counts["criterion_ksbs"] == sum(len(c["ksbs"]) for c in criteria)
    assert counts["duty_ksbs"] == sum(len(d["ksbs"]) for d in data["duties"])
    assert counts["audit_events"] == 1

    with app.app_context():
        standard = db.session.scalar(select(Standard))
        assert (standard.reference, standard.title, standard.level) == ("ST0825", data["title"], 4)
        assert standard.typical_duration_months == data["typical_duration_months"]
        assert [(k.code, k.kind, k.text) for k in standard.ksbs] == [
            (k["code"], k["kind"], k["text"]) for k in data["ksbs"]
        ]
        assert [(d.code, d.text, [k.code for k in d.ksbs]) for d in standard.duties] == [
            (d["code"], d["text"], d["ksbs"]) for d in data["duties"]
        ]
        assert [v.version for v in standard.versions] == ["1.0", "1.1"]
        for version in standard.versions:
            wanted = version_of(data, version.version)
            assert version.earliest_start_date.isoformat() == wanted["earliest_start_date"]
            latest = version.latest_start_date and version.latest_start_date.isoformat()
            assert latest == wanted["latest_start_date"]
            assert version.change == wanted["change"]
            assert version.retry_grade_cap == wanted["plan"]["retry_grade_cap"]
            assert version.method_grades == wanted["plan"]["grading"]["method_grades"]
            assert version.overall_grades == ["fail", "pass", "merit", "distinction"]
            assert version.max_months_before_gateway == 24
            assert version.all_methods_within_months == 6
            assert len(version.methods) == 2
            assert len(version.grading_rows) == 9
            for method, wanted_method in zip(
                version.methods, wanted["plan"]["methods"], strict=True
            ):
                assert method.code == wanted_method["code"]
                assert method.duration_minutes == wanted_method["duration_minutes"]
                assert [
                    (c.code, c.theme, c.grade, c.text, [k.code for k in c.ksbs])
                    for c in method.criteria
                ] == [
                    (c["id"], c["theme"], c["grade"], c["text"], c["ksbs"])
                    for c in wanted_method["criteria"]
                ]
                assert [(c.source, c.source_reference) for c in method.criteria] == [
                    (c["source"], c["reference"]) for c in wanted_method["criteria"]
                ]
                assert method.themes == wanted_method["themes"]
                assert method.fact_sources == wanted_method["sources"]
            assert version.fact_sources == wanted["plan"]["sources"]
            assert version.plan_note == wanted.get("plan_note")
            assert [(r.method_grades, r.overall) for r in version.grading_rows] == [
                ({k: v for k, v in row.items() if k != "overall"}, row["overall"])
                for row in wanted["plan"]["grading"]["overall"]
            ]

        event = db.session.scalar(select(AuditEvent))
        assert (event.entity, event.entity_id, event.action) == (
            "standard",
            str(standard.id),
            "create",
        )
        assert (event.channel, event.actor_id) == ("cli", None)
        assert event.after == {
            "reference": "ST0825",
            "title": data["title"],
            "versions": ["1.0", "1.1"],
        }


def test_every_criterion_row_has_its_ksbs(app, runner):
    loaded_ok(runner)
    with app.app_context():
        criteria = db.session.scalars(select(Criterion)).all()
        assert criteria
        assert all(c.ksbs for c in criteria)
        assert count(app, Criterion) == len(criteria)


def row_ids(app) -> dict[str, list[int]]:
    """The ids of every row a load writes, by table."""
    models = (Standard, Duty, Ksb, StandardVersion, AssessmentMethod, Criterion, GradingRow)
    with app.app_context():
        return {m.__tablename__: sorted(db.session.scalars(select(m.id)).all()) for m in models}


def test_loading_the_same_file_twice_changes_nothing(app, runner, tmp_path):
    loaded_ok(runner)
    before = table_counts(app)
    documents = stored_documents(app)
    ids = row_ids(app)

    result = loaded_ok(runner)
    assert "ST0825 is already up to date (versions 1.0, 1.1)." in result.output
    assert "Loaded" not in result.output
    assert table_counts(app) == before
    assert row_ids(app) == ids
    assert stored_documents(app) == documents
    assert count(app, AuditEvent) == 1

    # A third time, from a copy of the file written elsewhere and laid out differently.
    copy = tmp_path / "copy.json"
    copy.write_text(json.dumps(fixture_data(), separators=(",", ":")), encoding="utf-8")
    assert "already up to date" in loaded_ok(runner, copy).output
    assert table_counts(app) == before
    assert row_ids(app) == ids


def test_the_standard_fixture_and_the_command_agree(app, runner, standard):
    before = table_counts(app)
    result = loaded_ok(runner)
    assert "already up to date" in result.output
    assert table_counts(app) == before


def test_a_changed_criterion_text_is_updated_in_place(app, runner, tmp_path):
    loaded_ok(runner)
    with app.app_context():
        row = get_version("ST0825", "1.1").methods[0].criteria[2]
        assert (row.method.code, row.code) == ("project", "P3")
        row_id, old_text = row.id, row.text
    before = table_counts(app)

    data = fixture_data()
    new_text = "Writes code that is clear to the next person who reads it."
    criterion_of(data, "1.1", "project", "P3")["text"] = new_text
    path = write(tmp_path, data)
    result = loaded_ok(runner, path)
    assert "Loaded ST0825" in result.output

    with app.app_context():
        changed = db.session.get(Criterion, row_id)
        assert changed.text == new_text
        assert changed.code == "P3"
        untouched = get_version("ST0825", "1.0").methods[0].criteria[2]
        assert untouched.text == old_text
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [e.action for e in events] == ["create", "update"]
        assert (events[1].entity, events[1].channel) == ("standard", "cli")
        key = "versions.1.1.methods.project.criteria.P3.text"
        assert events[1].before == {key: old_text}
        assert events[1].after == {key: new_text}
    after = table_counts(app)
    assert after == {**before, "audit_events": before["audit_events"] + 1}

    # Loading the changed file again changes nothing more.
    result = loaded_ok(runner, path)
    assert "already up to date" in result.output
    assert table_counts(app) == after

    # Going back to the original puts the old text back, in the same row.
    loaded_ok(runner)
    with app.app_context():
        assert db.session.get(Criterion, row_id).text == old_text
    assert count(app, AuditEvent) == 3


# --- refusing bad files --------------------------------------------------------------------------


def _unknown_ksb(data):
    criterion_of(data, "1.1", "project", "P1")["ksbs"].append("K99")


def _uncovered_ksb(data):
    criterion_of(data, "1.0", "discussion", "P3")["ksbs"].remove("K3")  # Data Ethics' only one


def _overlapping_windows(data):
    version_of(data, "1.0")["latest_start_date"] = "2024-09-26"


def _missing_combination(data):
    overall = version_of(data, "1.0")["plan"]["grading"]["overall"]
    overall[:] = [r for r in overall if (r["project"], r["discussion"]) != ("pass", "distinction")]


def _malformed_date(data):
    version_of(data, "1.1")["earliest_start_date"] = "2024-13-01"


def _change_and_a_fault(data):
    # A change that would be loaded, alongside a fault: neither is applied.
    data["title"] = "DevOps engineer (renamed)"
    criterion_of(data, "1.1", "project", "P3")["text"] = "Changed."
    data["duties"][1]["ksbs"] = ["K404"]


def _not_an_object(data):
    return [data]


BAD_DATA = [
    pytest.param(
        _unknown_ksb,
        "version 1.1 method project criterion P1 lists unknown KSB code 'K99'",
        id="unknown-ksb",
    ),
    pytest.param(
        _uncovered_ksb, "version 1.0: no pass criterion assesses KSB K3;", id="uncovered-ksb"
    ),
    pytest.param(
        _overlapping_windows,
        "versions 1.0 and 1.1 are open for starts on the same dates",
        id="overlapping-windows",
    ),
    pytest.param(
        _missing_combination,
        "version 1.0 grading has no overall grade for project pass, discussion distinction",
        id="missing-grading-combination",
    ),
    pytest.param(
        _malformed_date,
        "version 1.1 earliest_start_date is '2024-13-01', which is not a date",
        id="malformed-date",
    ),
    pytest.param(
        _change_and_a_fault, "duty D2 lists unknown KSB code 'K404'", id="change-and-fault"
    ),
    pytest.param(
        _not_an_object,
        "the file must hold one JSON object describing one standard",
        id="not-an-object",
    ),
]


def _assert_refused(result, *fragments):
    assert result.exit_code != 0, result.output
    # A refusal, not a crash with a traceback.
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Error:" in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output
    assert "Loaded" not in result.output


def _bad_file(tmp_path, mutate) -> Path:
    data = fixture_data()
    returned = mutate(data)
    return write(tmp_path, data if returned is None else returned, "bad.json")


@pytest.mark.parametrize(("mutate", "named"), BAD_DATA)
def test_a_bad_file_is_refused_on_an_empty_database(app, runner, tmp_path, mutate, named):
    before = table_counts(app)
    result = load(runner, _bad_file(tmp_path, mutate))
    _assert_refused(result, "bad.json was not loaded; nothing was changed", named)
    assert table_counts(app) == before
    assert count(app, Standard) == 0


@pytest.mark.parametrize(("mutate", "named"), BAD_DATA)
def test_a_bad_copy_of_a_loaded_standard_changes_nothing(app, runner, tmp_path, mutate, named):
    loaded_ok(runner)
    before = table_counts(app)
    documents = stored_documents(app)
    result = load(runner, _bad_file(tmp_path, mutate))
    _assert_refused(result, "bad.json was not loaded; nothing was changed", named)
    assert table_counts(app) == before
    assert stored_documents(app) == documents
    with app.app_context():
        assert db.session.scalar(select(Standard.title)) == "DevOps engineer"
    # The good file is still up to date afterwards.
    assert "already up to date" in loaded_ok(runner).output


def test_every_problem_in_a_bad_file_is_listed(app, runner, tmp_path):
    def several(data):
        _unknown_ksb(data)
        _overlapping_windows(data)
        _missing_combination(data)

    result = load(runner, _bad_file(tmp_path, several))
    _assert_refused(
        result,
        "  - version 1.1 method project criterion P1 lists unknown KSB code 'K99'",
        "  - versions 1.0 and 1.1 are open for starts on the same dates",
        "  - version 1.0 grading has no overall grade for project pass, discussion distinction",
    )


NOT_JSON = [
    pytest.param(b'{"reference": "ST0825",', id="truncated"),
    pytest.param(b"", id="empty"),
    pytest.param(b"{'reference': 'ST0825'}", id="single-quotes"),
    pytest.param('{"title": "caf\u00e9"}'.encode("latin-1"), id="not-utf-8"),
]


@pytest.mark.parametrize("content", NOT_JSON)
@pytest.mark.parametrize("preloaded", [False, True], ids=["empty-db", "loaded-db"])
def test_a_file_that_is_not_json_is_refused(app, runner, tmp_path, content, preloaded):
    if preloaded:
        loaded_ok(runner)
    before = table_counts(app)
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    _assert_refused(load(runner, path), f"{path} is not valid JSON")
    assert table_counts(app) == before


@pytest.mark.parametrize("preloaded", [False, True], ids=["empty-db", "loaded-db"])
def test_a_missing_file_is_refused(app, runner, tmp_path, preloaded):
    if preloaded:
        loaded_ok(runner)
    before = table_counts(app)
    path = tmp_path / "nowhere" / "standard.json"
    _assert_refused(load(runner, path), f"{path} does not exist")
    assert table_counts(app) == before


def test_a_directory_is_refused(app, runner, tmp_path):
    before = table_counts(app)
    result = load(runner, tmp_path)
    assert result.exit_code != 0
    assert table_counts(app) == before


# --- found while writing these tests -------------------------------------------------------------


def test_a_fixture_listing_ksbs_out_of_order_loads_twice_without_change(app, runner, tmp_path):
    data = fixture_data()
    criterion_of(data, "1.0", "project", "P1")["ksbs"] = ["S17", "K7", "S18"]
    path = write(tmp_path, data)
    loaded_ok(runner, path)
    before = table_counts(app)
    result = loaded_ok(runner, path)
    assert table_counts(app) == before  # fails: one more audit event
    assert "already up to date" in result.output


def _repeat_a_ksb(data):
    criterion_of(data, "1.0", "project", "P1")["ksbs"].append("K7")


def test_a_ksb_repeated_in_one_criterion_is_refused(app, runner, tmp_path):
    before = table_counts(app)
    result = load(runner, _bad_file(tmp_path, _repeat_a_ksb))
    assert table_counts(app) == before
    # fails: the command dies with IntegrityError (criterion_ksbs primary key), a traceback
    _assert_refused(result, "K7")


def test_a_ksb_repeated_in_one_criterion_of_a_loaded_standard_is_refused(app, runner, tmp_path):
    loaded_ok(runner)
    path = _bad_file(tmp_path, _repeat_a_ksb)
    before = table_counts(app)
    first = load(runner, path)
    second = load(runner, path)
    # fails: both loads succeed, and each writes an audit event
    assert table_counts(app) == before, (first.output, second.output)


# --- reading a loaded version through the API ----------------------------------------------------


@pytest.mark.parametrize("role", ["assessor", "staff", "admin"])
@pytest.mark.parametrize("label", ["1.0", "1.1"])
def test_the_api_returns_a_version_as_the_fixture_describes_it(api, runner, role, label):
    loaded_ok(runner)
    data = fixture_data()
    wanted = version_of(data, label)
    response = api(role).get(f"/api/v1/standards/ST0825/versions/{label}")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["plan"]["methods"] == wanted["plan"]["methods"]
    assert body["plan"] == wanted["plan"]
    assert body["ksbs"] == data["ksbs"]
    assert (body["reference"], body["title"], body["level"]) == ("ST0825", data["title"], 4)
    assert body["version"] == label
    assert body["earliest_start_date"] == wanted["earliest_start_date"]
    assert body["latest_start_date"] == wanted["latest_start_date"]
    assert body["change"] == wanted["change"]
    assert body["plan_note"] == wanted.get("plan_note")


def test_the_api_lists_the_standard_with_both_windows(api, runner):
    loaded_ok(runner)
    response = api("assessor").get("/api/v1/standards")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["total"] == 1
    assert body["items"] == [
        {
            "reference": "ST0825",
            "title": "DevOps engineer",
            "level": 4,
            "versions": [
                {
                    "version": "1.0",
                    "earliest_start_date": "2020-03-12",
                    "latest_start_date": "2024-09-25",
                },
                {"version": "1.1", "earliest_start_date": "2024-09-26", "latest_start_date": None},
            ],
        }
    ]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/standards/ST0825/versions/9.9", "/api/v1/standards/ST9999/versions/1.1"],
    ids=["unknown-version", "unknown-standard"],
)
def test_the_api_gives_404_for_an_unknown_version(api, runner, path):
    loaded_ok(runner)
    response = api("assessor").get(path)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_the_api_lists_nothing_before_a_load(api):
    response = api("staff").get("/api/v1/standards")
    assert response.status_code == 200
    assert response.json["items"] == [] and response.json["total"] == 0


def test_an_added_and_a_removed_criterion_are_audited_by_path(app, runner, tmp_path):
    loaded_ok(runner)
    data = fixture_data()
    criteria = data["versions"][1]["plan"]["methods"][1]["criteria"]
    removed = criteria.pop()  # the last, so no other criterion moves
    criteria.append({**removed, "id": "P99"})
    loaded_ok(runner, write(tmp_path, data))
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    prefix = "versions.1.1.methods.discussion.criteria"
    assert event.before == {f"{prefix}.{removed['id']}": "removed"}
    assert event.after == {f"{prefix}.P99": "added"}


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda d: d.update(reference="ST" + "0" * 30), "'reference' is 32 characters"),
        (lambda d: d.update(level=2**70), "'level' is"),
        (lambda d: d.update(level=-4), "'level' is -4"),
        (lambda d: d.update(title="DevOps\x00engineer"), "control character"),
        (lambda d: d["ksbs"][0].update(text="bell\x07"), "control character"),
        (lambda d: d["versions"][0]["plan"]["methods"][0].update(code="m" * 41), "at most 40"),
    ],
)
def test_values_the_database_cannot_hold_are_refused_with_a_message(
    app, runner, tmp_path, mutate, words
):
    before = table_counts(app)
    data = fixture_data()
    mutate(data)
    result = runner.invoke(args=["epa", "load-standard", str(write(tmp_path, data))])
    assert result.exit_code == 1
    assert words in result.output
    assert "Traceback" not in result.output
    assert table_counts(app) == before
