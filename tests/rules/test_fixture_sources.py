"""validate_fixture on where each text comes from: every criterion, theme, plan fact and method
fact says `source` ("published" or "epao") with a `reference`; criteria sit in the method's
themes; a version may carry a sourced note on its plan. Each fault is refused by name."""

import pytest

from epa.rules.fixture_sources import METHOD_FACTS, PLAN_FACTS
from epa.rules.standard_fixture import validate_fixture
from tests.conftest import fixture_data
from tests.rules.test_standard_fixture import (
    assert_named,
    criterion,
    method,
    mutated,
    plan,
    problems_for,
    theme,
    version,
)

WHY = "must say why the EPAO's own wording or reading is used"
NAMED = "must name the published source"
ONE_OF = "it must be 'published' or 'epao'"

# --- the fixture as it stands --------------------------------------------------------------------


@pytest.mark.parametrize("label", ["1.0", "1.1"])
def test_every_fact_of_each_plan_has_a_source(label):
    data = fixture_data()
    assert set(plan(data, label)["sources"]) == set(PLAN_FACTS)
    for m in plan(data, label)["methods"]:
        assert set(m["sources"]) == set(METHOD_FACTS)


def test_the_facts_nothing_publishes_are_marked_as_the_epaos():
    # Notes §5 and §6: these are the EPAO's reading; the rest have a published source.
    data = fixture_data()
    for label in ("1.0", "1.1"):
        epao = {f for f, s in plan(data, label)["sources"].items() if s["source"] == "epao"}
        assert epao == {"retry_grade_cap", "grading.overall"}
        project = method(data, label, "project")["sources"]
        assert {f for f, s in project.items() if s["source"] == "epao"} == {
            "earliest_days_after_gateway",
            "min_notice_days",
        }
        discussion = method(data, label, "discussion")["sources"]
        assert {s["source"] for s in discussion.values()} == {"published"}
        assert all(t["ksbs_source"] == "epao" for t in method(data, label, "discussion")["themes"])
        assert all(
            t["ksbs_source"] == "published" for t in method(data, label, "project")["themes"]
        )


def test_only_the_revised_version_carries_a_note_that_its_plan_is_carried_over():
    data = fixture_data()
    assert "plan_note" not in version(data, "1.0")
    note = version(data, "1.1")["plan_note"]
    assert "carries over the plan of version 1.0" in note["text"]
    assert note["source"] == "epao" and note["reference"]
    # Carried over means the same plan, fact for fact.
    assert plan(data, "1.1") == plan(data, "1.0")


# --- what passes ---------------------------------------------------------------------------------


def _epao_criterion_with_its_reason(data):
    criterion(data, "1.0", "project", "P1").update(
        source="epao", reference="Nothing published for this; our own wording."
    )


def _published_ksb_grouping(data):
    theme(data, "1.1", "discussion", "Data Ethics").update(
        ksbs_source="published", ksbs_reference="A published plan, table 2."
    )


def _criterion_with_fewer_ksbs_than_its_theme(data):
    criterion(data, "1.0", "project", "P1")["ksbs"] = ["K7"]


def _themes_listed_in_another_order(data):
    method(data, "1.0", "discussion")["themes"].reverse()


def _plan_note_on_the_first_version(data):
    version(data, "1.0")["plan_note"] = {
        "text": "The official plan could not be read.",
        "source": "epao",
        "reference": "Notes §6.",
    }


def _plan_note_null(data):
    version(data, "1.1")["plan_note"] = None


def _long_reference(data):
    # Unlike the standard's own `reference` (a 20-character code), a source reference is prose.
    criterion(data, "1.0", "project", "P2")["reference"] = "S6, quoted " * 40


VALID = [
    pytest.param(_epao_criterion_with_its_reason, id="epao-criterion"),
    pytest.param(_published_ksb_grouping, id="published-ksb-grouping"),
    pytest.param(_criterion_with_fewer_ksbs_than_its_theme, id="criterion-subset-of-theme"),
    pytest.param(_themes_listed_in_another_order, id="themes-in-another-order"),
    pytest.param(_plan_note_on_the_first_version, id="plan-note-on-1.0"),
    pytest.param(_plan_note_null, id="plan-note-null"),
    pytest.param(_long_reference, id="long-reference"),
]


@pytest.mark.parametrize("mutate", VALID)
def test_a_sound_fixture_passes(mutate):
    assert validate_fixture(mutated(mutate)) is None


# --- what is refused -----------------------------------------------------------------------------


def _set(getter, **values):
    """A mutation that updates the object `getter(data)` returns; a value None deletes the key."""

    def mutate(data):
        target = getter(data)
        for key, value in values.items():
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value

    return mutate


def p1(data):
    return criterion(data, "1.0", "project", "P1")


def discussion_d7(data):
    return criterion(data, "1.1", "discussion", "D7")


def code_quality(data):
    return theme(data, "1.0", "project", "Code Quality")


def data_ethics(data):
    return theme(data, "1.1", "discussion", "Data Ethics")


def plan_10(data):
    return plan(data, "1.0")


def project_10(data):
    return method(data, "1.0", "project")


def discussion_11(data):
    return method(data, "1.1", "discussion")


def version_11(data):
    return version(data, "1.1")


def plan_note_11(data):
    return version(data, "1.1")["plan_note"]


def _sources_without(getter, *facts):
    def mutate(data):
        for fact in facts:
            del getter(data)["sources"][fact]

    return mutate


def _source_entry(getter, fact, value):
    def mutate(data):
        getter(data)["sources"][fact] = value

    return mutate


def _unknown_theme_named(data):
    p1(data)["theme"] = "Code quality"  # the fixture's old spelling


def _theme_without_criteria(data):
    project_10(data)["themes"].append({**code_quality(data), "name": "Testing"})


def _theme_repeated(data):
    themes = discussion_11(data)["themes"]
    themes.append(dict(data_ethics(data)))


def _criterion_ksb_outside_its_theme(data):
    p1(data)["ksbs"].append("K1")


def _theme_without_ksbs(data):
    data_ethics(data)["ksbs"] = []


def _theme_not_an_object(data):
    project_10(data)["themes"].append("Testing")


def _themes_missing(data):
    del project_10(data)["themes"]


CRITERIA = [
    pytest.param(
        _set(p1, source=None),
        f"version 1.0 method project criterion P1: 'source' is None; {ONE_OF}",
        id="criterion-no-source",
    ),
    pytest.param(
        _set(p1, source="official"),
        f"version 1.0 method project criterion P1: 'source' is 'official'; {ONE_OF}",
        id="criterion-unknown-source",
    ),
    pytest.param(
        _set(discussion_d7, reference=None),
        f"version 1.1 method discussion criterion D7: 'reference' {NAMED}",
        id="published-criterion-no-reference",
    ),
    pytest.param(
        _set(discussion_d7, reference="   "),
        f"version 1.1 method discussion criterion D7: 'reference' {NAMED}",
        id="published-criterion-blank-reference",
    ),
    pytest.param(
        _set(discussion_d7, reference=5),
        f"version 1.1 method discussion criterion D7: 'reference' {NAMED}",
        id="published-criterion-reference-not-text",
    ),
    pytest.param(
        _set(p1, source="epao", reference=None),
        f"version 1.0 method project criterion P1: 'reference' {WHY}",
        id="epao-criterion-no-reason",
    ),
    pytest.param(
        _set(p1, reference="S6\x00"),
        "version 1.0 method project criterion P1: 'reference' contains a control character",
        id="reference-control-character",
    ),
]
THEMES = [
    pytest.param(
        _unknown_theme_named,
        "version 1.0 method project criterion P1: theme 'Code quality' is not one of the "
        "method's themes",
        id="criterion-names-unknown-theme",
    ),
    pytest.param(
        _theme_without_criteria,
        "version 1.0 method project theme 'Testing' has no criteria",
        id="theme-without-criteria",
    ),
    pytest.param(
        _theme_repeated,
        "version 1.1 method discussion theme 'Data Ethics' appears more than once",
        id="theme-repeated",
    ),
    pytest.param(
        _criterion_ksb_outside_its_theme,
        "version 1.0 method project criterion P1 lists KSB K1, which its theme 'Code Quality' "
        "does not",
        id="criterion-ksb-outside-theme",
    ),
    pytest.param(
        _set(code_quality, ksbs=["K2", "K99"]),
        "version 1.0 method project theme 'Code Quality' lists unknown KSB code 'K99'",
        id="theme-unknown-ksb",
    ),
    pytest.param(
        _set(code_quality, ksbs=["K2", "K2"]),
        "version 1.0 method project theme 'Code Quality' lists KSB K2 more than once",
        id="theme-ksb-repeated",
    ),
    pytest.param(
        _theme_without_ksbs,
        "version 1.1 method discussion theme 'Data Ethics': 'ksbs' must list at least one KSB",
        id="theme-without-ksbs",
    ),
    pytest.param(
        _set(code_quality, name=None),
        "version 1.0 method project themes[0]: 'name' must be some text",
        id="theme-without-name",
    ),
    pytest.param(
        _theme_not_an_object,
        "version 1.0 method project: themes[8] must be an object, not 'Testing'",
        id="theme-not-an-object",
    ),
    pytest.param(
        _themes_missing,
        "version 1.0 method project: 'themes' must be a list",
        id="themes-missing",
    ),
    pytest.param(
        _set(code_quality, source="S6"),
        f"version 1.0 method project theme 'Code Quality': 'source' is 'S6'; {ONE_OF}",
        id="theme-unknown-source",
    ),
    pytest.param(
        _set(code_quality, reference=None),
        f"version 1.0 method project theme 'Code Quality': 'reference' {NAMED}",
        id="theme-no-reference",
    ),
    pytest.param(
        _set(data_ethics, ksbs_source=None),
        f"version 1.1 method discussion theme 'Data Ethics': 'ksbs_source' is None; {ONE_OF}",
        id="theme-no-ksbs-source",
    ),
    pytest.param(
        _set(data_ethics, ksbs_reference=""),
        f"version 1.1 method discussion theme 'Data Ethics': 'ksbs_reference' {WHY}",
        id="theme-epao-grouping-no-reason",
    ),
]
FACTS = [
    pytest.param(
        _set(plan_10, sources=None),
        "version 1.0: 'sources' must be an object",
        id="plan-without-sources",
    ),
    pytest.param(
        _sources_without(plan_10, "retry_grade_cap"),
        "version 1.0 sources: no entry for retry_grade_cap; every plan fact must say where it "
        "comes from",
        id="plan-fact-unsourced",
    ),
    pytest.param(
        _sources_without(plan_10, "grading.overall", "epa_period_months"),
        "version 1.0 sources: no entry for epa_period_months, grading.overall;",
        id="plan-facts-unsourced-in-order",
    ),
    pytest.param(
        _source_entry(plan_10, "portfolio_required", {"source": "epao", "reference": "x"}),
        "version 1.0 sources: 'portfolio_required' is not a plan fact",
        id="plan-unknown-fact",
    ),
    pytest.param(
        _source_entry(plan_10, "retry_grade_cap", "epao"),
        "version 1.0 sources: retry_grade_cap must be an object with 'source' and 'reference'",
        id="plan-fact-source-not-object",
    ),
    pytest.param(
        _source_entry(plan_10, "grading.overall", {"source": "unsourced", "reference": "x"}),
        f"version 1.0 sources grading.overall: 'source' is 'unsourced'; {ONE_OF}",
        id="plan-fact-unknown-source",
    ),
    pytest.param(
        _source_entry(plan_10, "epa_period_months", {"source": "published"}),
        f"version 1.0 sources epa_period_months: 'reference' {NAMED}",
        id="plan-fact-published-no-reference",
    ),
    pytest.param(
        _set(project_10, sources=None),
        "version 1.0 method project: 'sources' must be an object",
        id="method-without-sources",
    ),
    pytest.param(
        _sources_without(project_10, "min_notice_days"),
        "version 1.0 method project sources: no entry for min_notice_days; every method fact "
        "must say where it comes from",
        id="method-fact-unsourced",
    ),
    pytest.param(
        _source_entry(discussion_11, "code", {"source": "epao", "reference": "x"}),
        "version 1.1 method discussion sources: 'code' is not a method fact",
        id="method-unknown-fact",
    ),
    pytest.param(
        _source_entry(discussion_11, "min_notice_days", {"source": "S2", "reference": "x"}),
        f"version 1.1 method discussion sources min_notice_days: 'source' is 'S2'; {ONE_OF}",
        id="method-fact-unknown-source",
    ),
    pytest.param(
        _source_entry(discussion_11, "name", {"source": "epao", "reference": " "}),
        f"version 1.1 method discussion sources name: 'reference' {WHY}",
        id="method-fact-epao-no-reason",
    ),
]
PLAN_NOTE = [
    pytest.param(
        _set(version_11, plan_note="Carried over from 1.0."),
        "version 1.1: 'plan_note' must be an object",
        id="plan-note-not-object",
    ),
    pytest.param(
        _set(plan_note_11, text=None),
        "version 1.1 plan_note: 'text' must be some text",
        id="plan-note-without-text",
    ),
    pytest.param(
        _set(plan_note_11, source=None),
        f"version 1.1 plan_note: 'source' is None; {ONE_OF}",
        id="plan-note-without-source",
    ),
    pytest.param(
        _set(plan_note_11, reference=""),
        f"version 1.1 plan_note: 'reference' {WHY}",
        id="plan-note-without-reason",
    ),
]


@pytest.mark.parametrize(("mutate", "fragment"), CRITERIA + THEMES + FACTS + PLAN_NOTE)
def test_a_fixture_without_its_sources_is_refused_naming_the_place(mutate, fragment):
    assert_named(problems_for(mutate), fragment)


def test_an_unknown_ksb_in_a_criterion_is_not_reported_again_against_its_theme():
    def mutate(data):
        p1(data)["ksbs"].append("K99")

    problems = problems_for(mutate)
    assert [p for p in problems if "K99" in p] == [
        "version 1.0 method project criterion P1 lists unknown KSB code 'K99'"
    ]


def test_a_criterion_that_is_not_an_object_is_reported_once():
    def mutate(data):
        project_10(data)["criteria"].append("P99")

    problems = problems_for(mutate)
    assert [p for p in problems if "P99" in p] == [
        "version 1.0 method project: criteria[23] must be an object, not 'P99'"
    ]


def test_every_sourcing_problem_is_reported_together():
    def mutate(data):
        _set(p1, source="official")(data)
        _set(discussion_d7, reference=None)(data)
        _unknown_theme_named(data)
        _sources_without(plan_10, "retry_grade_cap")(data)
        _sources_without(project_10, "name")(data)
        _set(data_ethics, ksbs_source="inferred")(data)
        _set(plan_note_11, text=None)(data)

    problems = problems_for(mutate)
    for fragment in [
        "version 1.0 method project criterion P1: 'source' is 'official'",
        "version 1.1 method discussion criterion D7: 'reference' must name the published source",
        "version 1.0 method project criterion P1: theme 'Code quality' is not one of",
        "version 1.0 sources: no entry for retry_grade_cap",
        "version 1.0 method project sources: no entry for name",
        "version 1.1 method discussion theme 'Data Ethics': 'ksbs_source' is 'inferred'",
        "version 1.1 plan_note: 'text' must be some text",
    ]:
        assert_named(problems, fragment)
    assert len(problems) == len(set(problems))
