"""validate_fixture on its own (no app, no database): the project's fixture passes, and each way
a fixture can be wrong is refused with a sentence naming the specific thing to fix."""

import pytest

from epa.rules.standard_fixture import FixtureError, validate_fixture
from tests.conftest import fixture_data

# --- helpers -------------------------------------------------------------------------------------


def version(data: dict, label: str) -> dict:
    return next(v for v in data["versions"] if v["version"] == label)


def plan(data: dict, label: str) -> dict:
    return version(data, label)["plan"]


def method(data: dict, label: str, code: str) -> dict:
    return next(m for m in plan(data, label)["methods"] if m["code"] == code)


def criterion(data: dict, label: str, code: str, cid: str) -> dict:
    return next(c for c in method(data, label, code)["criteria"] if c["id"] == cid)


def theme(data: dict, label: str, code: str, name: str) -> dict:
    return next(t for t in method(data, label, code)["themes"] if t["name"] == name)


def ksb(data: dict, code: str) -> dict:
    return next(k for k in data["ksbs"] if k["code"] == code)


def duty(data: dict, code: str) -> dict:
    return next(d for d in data["duties"] if d["code"] == code)


def grading_row(data: dict, label: str, **grades) -> dict:
    return next(
        row
        for row in plan(data, label)["grading"]["overall"]
        if all(row[m] == g for m, g in grades.items())
    )


def mutated(mutate) -> dict:
    """A fresh copy of the fixture after `mutate` (which changes it in place or returns a new
    top level)."""
    data = fixture_data()
    result = mutate(data)
    return data if result is None else result


def problems_for(mutate) -> list[str]:
    with pytest.raises(FixtureError) as info:
        validate_fixture(mutated(mutate))
    problems = info.value.problems
    assert problems and all(isinstance(p, str) and p for p in problems)
    assert str(info.value) == "; ".join(problems)
    return problems


def assert_named(problems: list[str], *fragments: str) -> None:
    """One problem sentence holds every fragment."""
    assert any(all(f in p for f in fragments) for p in problems), (fragments, problems)


# --- what passes ---------------------------------------------------------------------------------


def _unchanged(data):
    pass


def _adjacent_windows_explicitly(data):
    version(data, "1.0")["latest_start_date"] = "2024-09-25"
    version(data, "1.1")["earliest_start_date"] = "2024-09-26"


def _versions_listed_newest_first(data):
    data["versions"].reverse()


def _both_windows_closed_then_a_third_open(data):
    version(data, "1.1")["latest_start_date"] = "2025-03-31"
    third = fixture_data()["versions"][1]
    third.update(version="1.2", earliest_start_date="2025-04-01", latest_start_date=None)
    data["versions"].append(third)


def _one_day_window(data):
    version(data, "1.0")["latest_start_date"] = "2020-03-12"


def _latest_start_date_left_out_of_the_open_version(data):
    del version(data, "1.1")["latest_start_date"]


def _same_criterion_id_in_two_methods(data):
    # The real fixture already uses P1 in both methods; say so, so the case cannot rot.
    assert criterion(data, "1.0", "project", "P1") is not criterion(data, "1.0", "discussion", "P1")


def _zero_notice_and_zero_days_after_gateway(data):
    method(data, "1.0", "discussion").update(earliest_days_after_gateway=0, min_notice_days=0)


def _ksb_assessed_by_pass_criteria_in_two_methods(data):
    theme(data, "1.0", "discussion", "Organisational Culture")["ksbs"].append("K1")
    criterion(data, "1.0", "discussion", "P1")["ksbs"].append("K1")


def _retry_grade_cap_distinction(data):
    plan(data, "1.1")["retry_grade_cap"] = "distinction"


def _retry_grade_cap_merit(data):
    plan(data, "1.1")["retry_grade_cap"] = "merit"  # an overall grade that no method has


def _longest_time_before_gateway_equal_to_the_shortest(data):
    plan(data, "1.1")["max_months_before_gateway"] = 12


VALID = [
    pytest.param(_unchanged, id="the-project-fixture"),
    pytest.param(_adjacent_windows_explicitly, id="adjacent-windows-2024-09-25/2024-09-26"),
    pytest.param(_versions_listed_newest_first, id="versions-in-any-order"),
    pytest.param(_both_windows_closed_then_a_third_open, id="three-adjacent-windows"),
    pytest.param(_one_day_window, id="latest-equal-to-earliest"),
    pytest.param(_latest_start_date_left_out_of_the_open_version, id="latest-left-out"),
    pytest.param(_same_criterion_id_in_two_methods, id="same-criterion-id-in-two-methods"),
    pytest.param(_zero_notice_and_zero_days_after_gateway, id="zero-notice-days"),
    pytest.param(_ksb_assessed_by_pass_criteria_in_two_methods, id="ksb-in-two-methods"),
    pytest.param(_retry_grade_cap_distinction, id="retry-cap-another-method-grade"),
    pytest.param(_retry_grade_cap_merit, id="retry-cap-an-overall-grade-only"),
    pytest.param(_longest_time_before_gateway_equal_to_the_shortest, id="max-months-equal-min"),
]


@pytest.mark.parametrize("mutate", VALID)
def test_a_sound_fixture_passes(mutate):
    assert validate_fixture(mutated(mutate)) is None


def test_the_project_fixture_is_what_the_other_cases_start_from():
    data = fixture_data()
    assert data["reference"] == "ST0825"
    assert [v["version"] for v in data["versions"]] == ["1.0", "1.1"]
    assert version(data, "1.0")["latest_start_date"] == "2024-09-25"
    assert version(data, "1.1")["earliest_start_date"] == "2024-09-26"
    assert version(data, "1.1")["latest_start_date"] is None
    assert fixture_data() is not fixture_data()


# --- what is refused, one problem at a time ------------------------------------------------------


def _unknown_ksb_in_criterion(data):
    criterion(data, "1.1", "project", "P1")["ksbs"].append("K99")


def _unknown_ksb_in_distinction_criterion(data):
    criterion(data, "1.0", "discussion", "D2")["ksbs"] = ["S1", "B9"]


def _unknown_ksb_in_duty(data):
    duty(data, "D2")["ksbs"] = ["S99"]


def _ksb_only_in_a_distinction_criterion(data):
    # K4 is assessed by project P5-P7 (pass) and project D1 (distinction), all in Meeting User
    # Needs; drop it from the pass criteria.
    assert "K4" in criterion(data, "1.0", "project", "D1")["ksbs"]
    for cid in ("P5", "P6", "P7"):
        criterion(data, "1.0", "project", cid)["ksbs"].remove("K4")


def _ksb_no_criterion_assesses(data):
    data["ksbs"].append({"code": "K26", "kind": "knowledge", "text": "A new thing to know."})


def _ksb_dropped_from_its_only_criterion(data):
    # Data Ethics has one criterion, P3, assessing K3 alone.
    criterion(data, "1.1", "discussion", "P3")["ksbs"].remove("K3")


def _two_ksbs_uncovered(data):
    criterion(data, "1.1", "discussion", "P3")["ksbs"].remove("K3")
    criterion(data, "1.1", "discussion", "P15")["ksbs"].remove("B1")  # Communicating's only one


def _criterion_demoted_to_distinction(data):
    # Refreshing and Patching has one pass criterion, P11 (K8 S5), and a distinction, D2.
    criterion(data, "1.0", "project", "P11")["grade"] = "distinction"


def _no_methods(data):
    plan(data, "1.0")["methods"] = []


def _window_ends_on_the_day_the_next_opens(data):
    version(data, "1.0")["latest_start_date"] = "2024-09-26"


def _window_ends_after_the_next_opens(data):
    version(data, "1.0")["latest_start_date"] = "2025-01-01"


def _first_version_never_closes(data):
    version(data, "1.0")["latest_start_date"] = None


def _first_version_leaves_latest_out(data):
    del version(data, "1.0")["latest_start_date"]


def _third_version_opens_while_second_is_open(data):
    third = fixture_data()["versions"][1]
    third.update(version="1.2", earliest_start_date="2025-04-01")
    data["versions"].append(third)


def _same_start_date(data):
    version(data, "1.1")["earliest_start_date"] = "2020-03-12"


def _missing_combination(data):
    rows = plan(data, "1.0")["grading"]["overall"]
    rows.remove(grading_row(data, "1.0", project="pass", discussion="distinction"))


def _missing_every_row_with_project_distinction(data):
    grading = plan(data, "1.1")["grading"]
    grading["overall"] = [r for r in grading["overall"] if r["project"] != "distinction"]


def _repeated_combination(data):
    rows = plan(data, "1.0")["grading"]["overall"]
    rows.append({"project": "pass", "discussion": "pass", "overall": "merit"})


def _grading_row_with_unknown_grade(data):
    grading_row(data, "1.1", project="pass", discussion="pass")["project"] = "merit"


def _grading_row_naming_another_method(data):
    row = grading_row(data, "1.0", project="fail", discussion="fail")
    row["portfolio"] = row.pop("discussion")


def _grading_row_without_overall(data):
    del grading_row(data, "1.0", project="fail", discussion="fail")["overall"]


def _grading_row_not_an_object(data):
    plan(data, "1.0")["grading"]["overall"].append(["pass", "pass", "pass"])


def _latest_before_earliest(data):
    version(data, "1.0")["latest_start_date"] = "2019-12-31"


def _duplicate_criterion_id(data):
    criterion(data, "1.0", "project", "P2")["id"] = "P1"


def _wrong_kind_for_code(data):
    ksb(data, "K1")["kind"] = "skill"


def _behaviour_called_knowledge(data):
    ksb(data, "B4")["kind"] = "knowledge"


def _code_of_no_kind(data):
    data["ksbs"].append({"code": "X1", "kind": "knowledge", "text": "Unclassified."})
    criterion(data, "1.0", "project", "P1")["ksbs"].append("X1")
    criterion(data, "1.1", "project", "P1")["ksbs"].append("X1")


def _duplicate_ksb_code(data):
    data["ksbs"].append({"code": "S3", "kind": "skill", "text": "Again."})


def _duplicate_duty_code(data):
    duty(data, "D13")["code"] = "D12"


def _duplicate_version_label(data):
    version(data, "1.1")["version"] = "1.0"


def _duplicate_method_code(data):
    method(data, "1.1", "discussion")["code"] = "project"


def _retry_cap_not_an_overall_grade(data):
    plan(data, "1.1")["retry_grade_cap"] = "excellent"


def _overall_grade_not_listed(data):
    plan(data, "1.0")["grading"]["overall"][0]["overall"] = "excellent"


def _overall_grades_repeated(data):
    plan(data, "1.0")["grading"]["overall_grades"] = ["fail", "pass", "pass"]


def _longest_time_before_gateway_below_the_shortest(data):
    plan(data, "1.1")["max_months_before_gateway"] = 11


def _no_time_limit_for_all_methods(data):
    del plan(data, "1.0")["all_methods_within_months"]


def _zero_duration(data):
    method(data, "1.0", "discussion")["duration_minutes"] = 0


def _negative_notice(data):
    method(data, "1.1", "project")["min_notice_days"] = -1


def _negative_months(data):
    plan(data, "1.0")["resit_within_months"] = -2


def _duration_as_text(data):
    method(data, "1.0", "project")["duration_minutes"] = "180"


def _blank_criterion_text(data):
    criterion(data, "1.1", "discussion", "P3")["text"] = "   "


def _no_versions(data):
    data["versions"] = []


REFUSED = [
    # unknown KSB codes
    pytest.param(
        _unknown_ksb_in_criterion,
        ("version 1.1 method project criterion P1 lists unknown KSB code 'K99'",),
        id="unknown-ksb-in-criterion",
    ),
    pytest.param(
        _unknown_ksb_in_distinction_criterion,
        ("version 1.0 method discussion criterion D2 lists unknown KSB code 'B9'",),
        id="unknown-ksb-in-distinction-criterion",
    ),
    pytest.param(
        _unknown_ksb_in_duty,
        ("duty D2 lists unknown KSB code 'S99'",),
        id="unknown-ksb-in-duty",
    ),
    # uncovered KSBs
    pytest.param(
        _ksb_only_in_a_distinction_criterion,
        ("version 1.0: no pass criterion assesses KSB K4;",),
        id="ksb-only-in-distinction-criterion",
    ),
    pytest.param(
        _ksb_no_criterion_assesses,
        ("version 1.0: no pass criterion assesses KSB K26;",),
        id="new-ksb-uncovered-1.0",
    ),
    pytest.param(
        _ksb_no_criterion_assesses,
        ("version 1.1: no pass criterion assesses KSB K26;",),
        id="new-ksb-uncovered-1.1",
    ),
    pytest.param(
        _ksb_dropped_from_its_only_criterion,
        ("version 1.1: no pass criterion assesses KSB K3;", "every KSB must be assessed"),
        id="ksb-dropped-from-its-only-criterion",
    ),
    pytest.param(
        _two_ksbs_uncovered,
        ("version 1.1: no pass criterion assesses KSB K3, B1;",),
        id="two-ksbs-uncovered-in-code-order",
    ),
    pytest.param(
        _criterion_demoted_to_distinction,
        ("version 1.0: no pass criterion assesses KSB K8, S5;",),
        id="only-criterion-for-ksb-made-distinction",
    ),
    pytest.param(
        _no_methods,
        ("version 1.0: no pass criterion assesses KSB K1, K2,", "B4;"),
        id="no-methods-nothing-covered",
    ),
    # overlapping version windows
    pytest.param(
        _window_ends_on_the_day_the_next_opens,
        ("versions 1.0 and 1.1 are open for starts on the same dates",),
        id="overlap-on-the-boundary-day",
    ),
    pytest.param(
        _window_ends_after_the_next_opens,
        ("versions 1.0 and 1.1 are open for starts on the same dates",),
        id="overlap-by-months",
    ),
    pytest.param(
        _first_version_never_closes,
        ("versions 1.0 and 1.1 are open for starts on the same dates",),
        id="overlap-1.0-latest-null",
    ),
    pytest.param(
        _first_version_leaves_latest_out,
        ("versions 1.0 and 1.1 are open for starts on the same dates",),
        id="overlap-1.0-latest-missing",
    ),
    pytest.param(
        _third_version_opens_while_second_is_open,
        ("versions 1.1 and 1.2 are open for starts on the same dates",),
        id="overlap-third-version",
    ),
    pytest.param(
        _same_start_date,
        ("versions", "1.0", "1.1", "are open for starts on the same dates"),
        id="overlap-same-start",
    ),
    # grading table
    pytest.param(
        _missing_combination,
        ("version 1.0 grading has no overall grade for project pass, discussion distinction",),
        id="missing-combination",
    ),
    pytest.param(
        _missing_every_row_with_project_distinction,
        ("version 1.1 grading has no overall grade for project distinction, discussion fail",),
        id="missing-combinations-several",
    ),
    pytest.param(
        _repeated_combination,
        ("version 1.0 grading overall[9] repeats the combination of overall[4]",),
        id="repeated-combination",
    ),
    pytest.param(
        _grading_row_with_unknown_grade,
        ("version 1.1 grading overall[4] uses grades that are not method grades: project='merit'",),
        id="grading-row-unknown-grade",
    ),
    pytest.param(
        _grading_row_naming_another_method,
        (
            "version 1.0 grading overall[0] names methods ['portfolio', 'project'];",
            "it must name exactly ['discussion', 'project']",
        ),
        id="grading-row-wrong-methods",
    ),
    pytest.param(
        _grading_row_without_overall,
        ("version 1.0 grading overall[0]: 'overall' must be some text",),
        id="grading-row-no-overall",
    ),
    pytest.param(
        _grading_row_not_an_object,
        ("version 1.0 grading: overall[9] must be an object",),
        id="grading-row-not-object",
    ),
    # dates
    pytest.param(
        _latest_before_earliest,
        ("version 1.0: latest_start_date is before earliest_start_date",),
        id="latest-before-earliest",
    ),
    # criteria
    pytest.param(
        _duplicate_criterion_id,
        ("version 1.0 method project criterion P1 appears more than once",),
        id="duplicate-criterion-id-in-method",
    ),
    pytest.param(
        _blank_criterion_text,
        ("version 1.1 method discussion criterion P3: 'text' must be some text",),
        id="blank-criterion-text",
    ),
    # KSBs, duties, versions, methods
    pytest.param(
        _wrong_kind_for_code,
        ("KSB K1: kind is 'skill'; a code starting 'K' must be 'knowledge'",),
        id="knowledge-code-called-skill",
    ),
    pytest.param(
        _behaviour_called_knowledge,
        ("KSB B4: kind is 'knowledge'; a code starting 'B' must be 'behaviour'",),
        id="behaviour-code-called-knowledge",
    ),
    pytest.param(
        _code_of_no_kind,
        ("KSB X1: kind is 'knowledge'; a code starting 'X' must be 'K, S or B'",),
        id="code-of-no-kind",
    ),
    pytest.param(_duplicate_ksb_code, ("KSB S3 appears more than once",), id="duplicate-ksb"),
    pytest.param(_duplicate_duty_code, ("duty D12 appears more than once",), id="duplicate-duty"),
    pytest.param(
        _duplicate_version_label, ("version 1.0 appears more than once",), id="duplicate-version"
    ),
    pytest.param(
        _duplicate_method_code,
        ("version 1.1 method project appears more than once",),
        id="duplicate-method",
    ),
    pytest.param(
        _retry_cap_not_an_overall_grade,
        ("version 1.1: retry_grade_cap 'excellent' is not one of the overall grades",),
        id="retry-cap-not-an-overall-grade",
    ),
    pytest.param(
        _overall_grade_not_listed,
        ("version 1.0 grading overall[0]: overall 'excellent' is not one of the overall grades",),
        id="overall-grade-not-listed",
    ),
    pytest.param(
        _overall_grades_repeated,
        ("version 1.0 grading: overall_grades must be distinct names of grades",),
        id="overall-grades-repeated",
    ),
    pytest.param(
        _longest_time_before_gateway_below_the_shortest,
        (
            "version 1.1: max_months_before_gateway (11) is less than "
            "min_months_before_gateway (12)",
        ),
        id="max-months-below-min-months",
    ),
    pytest.param(
        _no_time_limit_for_all_methods,
        ("version 1.0: 'all_methods_within_months' must be a whole number",),
        id="no-all-methods-time-limit",
    ),
    pytest.param(
        _zero_duration,
        ("version 1.0 method discussion: 'duration_minutes' is 0; it must be from 1 to 1440",),
        id="zero-duration",
    ),
    pytest.param(
        _negative_notice,
        ("version 1.1 method project: 'min_notice_days'",),
        id="negative-notice-days",
    ),
    pytest.param(
        _negative_months,
        ("version 1.0: 'resit_within_months' is -2; it must be from 0 to 10000",),
        id="negative-resit-months",
    ),
    pytest.param(
        _duration_as_text,
        ("version 1.0 method project: 'duration_minutes' must be a whole number",),
        id="duration-as-text",
    ),
    pytest.param(_no_versions, ("standard: at least one version is needed",), id="no-versions"),
]


@pytest.mark.parametrize(("mutate", "fragments"), REFUSED)
def test_a_faulty_fixture_is_refused_naming_the_problem(mutate, fragments):
    assert_named(problems_for(mutate), *fragments)


# --- malformed dates -----------------------------------------------------------------------------

BAD_DATES = [
    pytest.param("2024-13-01", id="month-13"),
    pytest.param("2024-02-30", id="30-february"),
    pytest.param("26/09/2024", id="day-first"),
    pytest.param("2024-9-26", id="no-leading-zero"),
    pytest.param("2024-09-26T00:00:00", id="with-time"),
    pytest.param(20240926, id="a-number"),
    pytest.param("", id="empty"),
    pytest.param(True, id="a-boolean"),
]


@pytest.mark.parametrize("value", BAD_DATES)
@pytest.mark.parametrize(
    ("label", "field"),
    [("1.1", "earliest_start_date"), ("1.0", "latest_start_date"), ("1.0", "earliest_start_date")],
)
def test_a_malformed_date_is_named_with_its_value(label, field, value):
    def mutate(data):
        version(data, label)[field] = value

    assert_named(
        problems_for(mutate),
        f"version {label} {field} is {value!r}, which is not a date in the form YYYY-MM-DD",
    )


@pytest.mark.parametrize("label", ["1.0", "1.1"])
def test_a_missing_earliest_start_date_is_refused(label):
    def mutate(data):
        del version(data, label)["earliest_start_date"]

    assert_named(
        problems_for(mutate), f"version {label} earliest_start_date is None, which is not a date"
    )


# --- the top level -------------------------------------------------------------------------------

TOP_LEVEL = [
    ("reference", "some text"),
    ("title", "some text"),
    ("level", "a whole number"),
    ("typical_duration_months", "a whole number"),
    ("duties", "a list"),
    ("ksbs", "a list"),
    ("versions", "a list"),
]


@pytest.mark.parametrize(("key", "kind"), TOP_LEVEL, ids=[k for k, _ in TOP_LEVEL])
def test_a_missing_top_level_field_is_named(key, kind):
    def mutate(data):
        del data[key]

    assert_named(problems_for(mutate), f"standard: '{key}' must be {kind}")


@pytest.mark.parametrize(
    ("key", "value", "kind"),
    [
        ("reference", "", "some text"),
        ("title", "   ", "some text"),
        ("reference", 825, "some text"),
        ("level", "4", "a whole number"),
        ("level", True, "a whole number"),
        ("level", 4.0, "a whole number"),
        ("typical_duration_months", None, "a whole number"),
        ("duties", {}, "a list"),
        ("versions", {}, "a list"),
    ],
)
def test_a_top_level_field_of_the_wrong_type_is_named(key, value, kind):
    def mutate(data):
        data[key] = value

    assert_named(problems_for(mutate), f"standard: '{key}' must be {kind}")


@pytest.mark.parametrize(
    "top",
    [
        pytest.param([fixture_data()], id="a-list-holding-the-standard"),
        pytest.param([], id="an-empty-list"),
        pytest.param("ST0825", id="a-string"),
        pytest.param(None, id="null"),
        pytest.param(42, id="a-number"),
    ],
)
def test_a_top_level_that_is_not_an_object_is_refused(top):
    with pytest.raises(FixtureError) as info:
        validate_fixture(top)
    assert info.value.problems == ["the file must hold one JSON object describing one standard"]


# --- everything at once --------------------------------------------------------------------------


def test_several_problems_are_all_reported_together():
    def mutate(data):
        _unknown_ksb_in_criterion(data)
        _unknown_ksb_in_duty(data)
        _window_ends_on_the_day_the_next_opens(data)
        _missing_combination(data)
        third = fixture_data()["versions"][1]
        third.update(version="1.2", earliest_start_date="26/09/2025")
        data["versions"].append(third)
        _duplicate_criterion_id(data)
        _zero_duration(data)
        _retry_cap_not_an_overall_grade(data)
        _wrong_kind_for_code(data)
        del data["title"]

    problems = problems_for(mutate)
    expected = [
        "version 1.1 method project criterion P1 lists unknown KSB code 'K99'",
        "duty D2 lists unknown KSB code 'S99'",
        "version 1.0 grading has no overall grade for project pass, discussion distinction",
        "versions 1.0 and 1.1 are open for starts on the same dates",
        "version 1.2 earliest_start_date is '26/09/2025', which is not a date",
        "version 1.0 method project criterion P1 appears more than once",
        "version 1.0 method discussion: 'duration_minutes' is 0; it must be from 1 to 1440",
        "version 1.1: retry_grade_cap 'excellent' is not one of the overall grades",
        "KSB K1: kind is 'skill'",
        "standard: 'title' must be some text",
    ]
    for fragment in expected:
        assert_named(problems, fragment)
    # Each problem is its own sentence, reported once.
    assert len(problems) == len(set(problems))


def test_each_problem_is_reported_once_per_place():
    problems = problems_for(_ksb_no_criterion_assesses)
    uncovered = [p for p in problems if "K26" in p]
    assert len(uncovered) == 2  # one per version, nothing else
    assert [p.split(":")[0] for p in uncovered] == ["version 1.0", "version 1.1"]


# --- found while writing these tests -------------------------------------------------------------
# Each should be refused with a FixtureError naming the fault; today the validator either crashes
# with a Python error (so `load-standard` prints a traceback) or accepts the file.


def test_a_version_that_is_not_an_object_is_refused():
    assert_named(problems_for(lambda data: data["versions"].append("1.2")), "versions[2]")


@pytest.mark.parametrize(
    ("key", "value"),
    [("duties", 5), ("ksbs", 5), ("versions", 5), ("ksbs", True), ("versions", {"1.0": {}})],
)
def test_a_top_level_list_of_the_wrong_type_is_refused(key, value):
    def mutate(data):
        data[key] = value

    assert_named(problems_for(mutate), f"standard: '{key}' must be a list")


@pytest.mark.parametrize("where", ["criterion", "duty"])
def test_a_ksb_code_that_is_not_text_is_refused(where):
    def mutate(data):
        target = (
            criterion(data, "1.0", "project", "P1") if where == "criterion" else duty(data, "D1")
        )
        target["ksbs"].append(["K1"])

    assert_named(problems_for(mutate), "unknown KSB code")


def test_a_plan_without_method_grades_is_refused():
    def mutate(data):
        plan(data, "1.0")["grading"] = {"method_grades": [], "overall": []}

    assert_named(problems_for(mutate), "version 1.0")
