"""Validation of a standard fixture (`fixtures/*.json`) before anything is loaded.

Every problem is collected, so one run tells the author everything to fix.
"""

import itertools
from datetime import date

from epa.rules.dates import parse_iso_date
from epa.rules.fixture_citations import check_citations, check_source_list
from epa.rules.fixture_fields import identify, listed_ksbs, need, objects_in
from epa.rules.fixture_sources import (
    METHOD_FACTS,
    PLAN_FACTS,
    check_criteria_themes,
    check_fact_sources,
    check_plan_note,
    check_source,
    check_themes,
)

KINDS = {"K": "knowledge", "S": "skill", "B": "behaviour"}
CRITERION_GRADES = ("pass", "distinction")


class FixtureError(ValueError):
    """The fixture cannot be loaded; `problems` lists each reason in words."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def _date(value, where: str, problems: list[str], *, optional: bool = False) -> date | None:
    if value is None and optional:
        return None
    parsed = parse_iso_date(value)
    if parsed is not None:
        return parsed
    problems.append(f"{where} is {value!r}, which is not a date in the form YYYY-MM-DD")
    return None


def _check_ksbs(data: dict, problems: list[str]) -> set[str]:
    codes: set[str] = set()
    for i, ksb in objects_in(data, "ksbs", "standard", problems):
        code, where = identify(ksb, "code", "KSB", f"ksbs[{i}]", codes, problems)
        need(ksb, "text", str, where, problems)
        kind = ksb.get("kind") if isinstance(ksb, dict) else None
        if code:
            expected = KINDS.get(code[0])
            if kind != expected:
                problems.append(
                    f"{where}: kind is {kind!r}; a code starting {code[0]!r} "
                    f"must be {expected or 'K, S or B'!r}"
                )
    return codes


def _check_duties(data: dict, ksb_codes: set[str], problems: list[str]) -> None:
    seen: set[str] = set()
    for i, duty in objects_in(data, "duties", "standard", problems):
        _, where = identify(duty, "code", "duty", f"duties[{i}]", seen, problems)
        need(duty, "text", str, where, problems)
        listed_ksbs(duty, where, ksb_codes, problems)


def _check_criteria(method: dict, mwhere: str, ksb_codes: set[str], problems: list[str]) -> set:
    """Check a method's criteria; returns the KSBs its pass criteria assess."""
    covered: set[str] = set()
    ids: set[str] = set()
    need(method, "criteria", list, mwhere, problems)
    for c, criterion in objects_in(method, "criteria", mwhere, problems):
        _, cwhere = identify(
            criterion, "id", f"{mwhere} criterion", f"{mwhere} criteria[{c}]", ids, problems
        )
        need(criterion, "theme", str, cwhere, problems)
        need(criterion, "text", str, cwhere, problems)
        check_source(criterion, cwhere, problems)
        grade = criterion.get("grade")
        if grade not in CRITERION_GRADES:
            problems.append(f"{cwhere}: grade is {grade!r}; it must be 'pass' or 'distinction'")
        codes = listed_ksbs(criterion, cwhere, ksb_codes, problems)
        if grade == "pass":
            covered.update(codes)
    return covered


def _check_methods(plan: dict, where: str, ksb_codes: set[str], problems: list[str]) -> list[str]:
    method_codes: list[str] = []
    covered: set[str] = set()
    seen: set[str] = set()
    need(plan, "methods", list, where, problems)
    for m, method in objects_in(plan, "methods", where, problems):
        code, mwhere = identify(
            method, "code", f"{where} method", f"{where} methods[{m}]", seen, problems
        )
        method_codes.append(code)
        need(method, "name", str, mwhere, problems)
        for key in ("duration_minutes", "earliest_days_after_gateway", "min_notice_days"):
            need(method, key, int, mwhere, problems)
        check_fact_sources(method, METHOD_FACTS, "method", mwhere, problems)
        themes = check_themes(method, mwhere, ksb_codes, problems)
        covered.update(_check_criteria(method, mwhere, ksb_codes, problems))
        check_criteria_themes(method, mwhere, themes, ksb_codes, problems)
    uncovered = sorted(ksb_codes - covered, key=_ksb_order)
    if uncovered:
        problems.append(
            f"{where}: no pass criterion assesses KSB {', '.join(uncovered)}; "
            "every KSB must be assessed"
        )
    return [c for c in method_codes if c]


def _ksb_order(code: str):
    return ("KSB".find(code[:1]), int(code[1:]) if code[1:].isdigit() else 0, code)


def _grade_names(grading: dict, key: str, where: str, problems: list[str]) -> list[str]:
    """A list of distinct grade names, lowest first; reported and empty when it is not."""
    grades = need(grading, key, list, f"{where} grading", problems)
    if grades is not None and not grades:
        problems.append(f"{where} grading: {key} must list at least one grade")
    grades = grades or []
    if any(not isinstance(g, str) or not 0 < len(g) <= 20 for g in grades) or len(
        set(grades)
    ) != len(grades):
        problems.append(f"{where} grading: {key} must be distinct names of grades")
        return []
    return grades


def _check_grading(plan: dict, where: str, methods: list[str], problems: list[str]) -> None:
    grading = need(plan, "grading", dict, where, problems)
    if grading is None:
        return
    grades = _grade_names(grading, "method_grades", where, problems)
    overall_grades = _grade_names(grading, "overall_grades", where, problems)
    cap = plan.get("retry_grade_cap")
    # The cap limits the overall EPA grade, so it is named among the overall grades.
    if overall_grades and cap not in overall_grades:
        problems.append(f"{where}: retry_grade_cap {cap!r} is not one of the overall grades")
    seen: dict[tuple, int] = {}
    need(grading, "overall", list, f"{where} grading", problems)
    for r, row in objects_in(grading, "overall", f"{where} grading", problems):
        rwhere = f"{where} grading overall[{r}]"
        overall = need(row, "overall", str, rwhere, problems)
        if overall and overall_grades and overall not in overall_grades:
            problems.append(f"{rwhere}: overall {overall!r} is not one of the overall grades")
        keys = set(row) - {"overall"}
        if keys != set(methods):
            problems.append(
                f"{rwhere} names methods {sorted(keys)}; it must name exactly {sorted(methods)}"
            )
            continue
        bad = [f"{m}={row[m]!r}" for m in methods if row[m] not in grades]
        if bad:
            problems.append(f"{rwhere} uses grades that are not method grades: {', '.join(bad)}")
            continue
        combo = tuple(row[m] for m in methods)
        if combo in seen:
            problems.append(f"{rwhere} repeats the combination of overall[{seen[combo]}]")
        seen[combo] = r
    if grades and methods:
        for combo in itertools.product(grades, repeat=len(methods)):
            if combo not in seen:
                named = ", ".join(f"{m} {g}" for m, g in zip(methods, combo, strict=True))
                problems.append(f"{where} grading has no overall grade for {named}")


def _check_versions(data: dict, ksb_codes: set[str], problems: list[str]) -> None:
    windows: list[tuple[str, date, date | None]] = []
    labels: set[str] = set()
    for v, version in objects_in(data, "versions", "standard", problems):
        label, where = identify(version, "version", "version", f"versions[{v}]", labels, problems)
        need(version, "change", str, where, problems)
        check_plan_note(version, where, problems)
        earliest = _date(
            version.get("earliest_start_date"), f"{where} earliest_start_date", problems
        )
        latest_given = version.get("latest_start_date")
        latest = _date(latest_given, f"{where} latest_start_date", problems, optional=True)
        if earliest and latest and latest < earliest:
            problems.append(f"{where}: latest_start_date is before earliest_start_date")
        elif earliest and (latest or latest_given is None):
            windows.append((label, earliest, latest))
        plan = need(version, "plan", dict, where, problems)
        if plan is None:
            continue
        for key in (
            "min_months_before_gateway",
            "epa_period_months",
            "resit_within_months",
            "retake_within_months",
            "max_months_before_gateway",
            "all_methods_within_months",
        ):
            need(plan, key, int, where, problems)
        low, high = plan.get("min_months_before_gateway"), plan.get("max_months_before_gateway")
        if isinstance(low, int) and isinstance(high, int) and high < low:
            problems.append(
                f"{where}: max_months_before_gateway ({high}) is less than "
                f"min_months_before_gateway ({low})"
            )
        need(plan, "retry_grade_cap", str, where, problems)
        check_fact_sources(plan, PLAN_FACTS, "plan", where, problems)
        methods = _check_methods(plan, where, ksb_codes, problems)
        _check_grading(plan, where, methods, problems)
    windows.sort(key=lambda w: w[1])
    for (a, _, a_end), (b, b_start, _) in itertools.pairwise(windows):
        if a_end is None or a_end >= b_start:
            problems.append(f"versions {a} and {b} are open for starts on the same dates")


def validate_fixture(data) -> None:
    """Raise FixtureError naming every problem, or return when the fixture can be loaded."""
    if not isinstance(data, dict):
        raise FixtureError(["the file must hold one JSON object describing one standard"])
    problems: list[str] = []
    need(data, "reference", str, "standard", problems)
    need(data, "title", str, "standard", problems)
    need(data, "level", int, "standard", problems)
    need(data, "typical_duration_months", int, "standard", problems)
    need(data, "duties", list, "standard", problems)
    need(data, "ksbs", list, "standard", problems)
    if not need(data, "versions", list, "standard", problems):
        problems.append("standard: at least one version is needed")
    ksb_codes = _check_ksbs(data, problems)
    _check_duties(data, ksb_codes, problems)
    _check_versions(data, ksb_codes, problems)
    check_citations(data, check_source_list(data, problems), problems)
    if problems:
        raise FixtureError(problems)
