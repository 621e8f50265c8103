"""A standard's version as the API and the pages show it: the fixture's shape, read back."""

from epa.standards.models import Standard, StandardVersion


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
                    "criteria": [
                        {
                            "id": c.code,
                            "theme": c.theme,
                            "ksbs": [k.code for k in c.ksbs],
                            "grade": c.grade,
                            "text": c.text,
                            "source": c.source,
                            "reference": c.source_reference,
                        }
                        for c in m.criteria
                    ],
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


def by_theme(criteria: list[dict]) -> list[tuple[str, list[dict]]]:
    """Criteria grouped by theme, themes in the order the plan first names them."""
    groups: dict[str, list[dict]] = {}
    for criterion in criteria:
        groups.setdefault(criterion["theme"], []).append(criterion)
    return list(groups.items())
