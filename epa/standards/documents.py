"""A standard's version as the API and the pages show it: the fixture's shape, read back."""

from epa.standards.models import Criterion, Standard, StandardVersion


def version_summary(version: StandardVersion) -> dict:
    return {
        "version": version.version,
        "earliest_start_date": version.earliest_start_date.isoformat(),
        "latest_start_date": (
            version.latest_start_date.isoformat() if version.latest_start_date else None
        ),
    }


def standard_summary(standard: Standard) -> dict:
    return {
        "reference": standard.reference,
        "title": standard.title,
        "level": standard.level,
        "versions": [version_summary(v) for v in standard.versions],
    }


def version_document(version: StandardVersion) -> dict:
    """The whole version as the fixture describes it, for the API and pages."""
    standard = version.standard
    method_codes = [m.code for m in version.methods]
    return {
        "reference": standard.reference,
        "title": standard.title,
        "level": standard.level,
        **version_summary(version),
        "change": version.change,
        "plan_note": version.plan_note,
        "sources": list(standard.sources or []),
        "ksbs": [{"code": k.code, "kind": k.kind, "text": k.text} for k in standard.ksbs],
        "plan": {
            "min_months_before_gateway": version.min_months_before_gateway,
            "max_months_before_gateway": version.max_months_before_gateway,
            "epa_period_months": version.epa_period_months,
            "resit_within_months": version.resit_within_months,
            "retake_within_months": version.retake_within_months,
            "all_methods_within_months": version.all_methods_within_months,
            "retry_grade_cap": version.retry_grade_cap,
            "sources": version.fact_sources,
            "methods": [
                {
                    "code": m.code,
                    "name": m.name,
                    "duration_minutes": m.duration_minutes,
                    "earliest_days_after_gateway": m.earliest_days_after_gateway,
                    "min_notice_days": m.min_notice_days,
                    "sources": m.fact_sources,
                    "themes": m.themes,
                    "criteria": [criterion_document(c) for c in m.criteria],
                }
                for m in version.methods
            ],
            "grading": {
                "method_grades": list(version.method_grades),
                "overall_grades": list(version.overall_grades),
                "overall": [
                    {**{c: row.method_grades.get(c) for c in method_codes}, "overall": row.overall}
                    for row in version.grading_rows
                ],
            },
        },
    }


def criterion_document(criterion: Criterion) -> dict:
    """A criterion as the fixture gives it; a submitted result keeps its method's criteria in
    this shape (`Result.criteria_judged`)."""
    return {
        "id": criterion.code,
        "theme": criterion.theme,
        "ksbs": [k.code for k in criterion.ksbs],
        "grade": criterion.grade,
        "text": criterion.text,
        "source": criterion.source,
        "reference": criterion.source_reference,
    }


def by_theme(criteria: list[dict], themes: list[dict] = ()) -> list[tuple[dict, list[dict]]]:
    """Criteria grouped by theme: the plan's themes in their order, each as the plan gives it
    ({name, ksbs, source, ...}), then any theme only criteria name (rows stored before themes
    were kept) as {name} alone, in the order the criteria first name them.

    Each theme also gets `criteria_source`: the criteria's {source, reference} when they all
    share one, so a page can say it once for the theme rather than on every criterion; else
    None. Criteria are dicts with `theme`, `source` and `reference`."""
    groups: dict[str, tuple[dict, list[dict]]] = {t["name"]: (t, []) for t in themes}
    for criterion in criteria:
        name = criterion["theme"]
        groups.setdefault(name, ({"name": name}, []))[1].append(criterion)
    return [
        ({**theme, "criteria_source": _shared_source(group)}, group)
        for theme, group in groups.values()
        if group
    ]


def _shared_source(criteria: list[dict]) -> dict | None:
    found = {(c["source"], c["reference"]) for c in criteria}
    if len(found) != 1:
        return None
    source, reference = found.pop()
    return {"source": source, "reference": reference}
