"""Loading standard fixtures, and finding the standards and versions loaded."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from epa.audit.services import record
from epa.errors import NotFound
from epa.extensions import db
from epa.rules.standard_fixture import validate_fixture
from epa.standards import models
from epa.standards.models import AssessmentMethod, Criterion, Standard, StandardVersion

#: what the document shows of a source the plan cites
CITED_FIELDS = ("code", "description", "trust", "address")


class _Changes:
    """What a load actually changed, path by path, so a repeated load writes nothing and an
    update's audit event shows each value before and after."""

    def __init__(self):
        self.count = 0
        self.before: dict[str, object] = {}
        self.after: dict[str, object] = {}
        self._new: set[int] = set()

    def assign(self, obj, path: str, **values) -> None:
        for key, value in values.items():
            old = getattr(obj, key)
            if old != value:
                setattr(obj, key, value)
                self.count += 1
                if id(obj) not in self._new:
                    self.before[f"{path}.{key}"] = old
                    self.after[f"{path}.{key}"] = value

    def sync(self, current: list, wanted: list[dict], make, path: str, *, key="code", field=""):
        """Match `wanted` (dicts, by `key`) to `current` rows (by the attribute `field`, else
        `key`); add missing rows, drop extra ones. Returns (row, position, dict) in order."""
        by_key = {getattr(row, field or key): row for row in current}
        rows = []
        for position, item in enumerate(wanted):
            row = by_key.pop(item[key], None)
            if row is None:
                row = make()
                self._new.add(id(row))
                self.count += 1
                self.after[f"{path}.{item[key]}"] = "added"
            rows.append((row, position, item))
        for row_key, row in by_key.items():
            current.remove(row)
            self.count += 1
            self.before[f"{path}.{row_key}"] = "removed"
        for row, _, _ in rows:
            if row not in current:
                current.append(row)
        return rows

    def set_ksbs(self, owner, wanted: list, path: str) -> None:
        # Links are kept in KSB order, so only membership counts as a change.
        current = owner.ksbs
        if {id(x) for x in current} != {id(x) for x in wanted}:
            if id(owner) not in self._new:
                self.before[path] = [k.code for k in current]
                self.after[path] = [k.code for k in wanted]
            current[:] = wanted
            self.count += 1


def load_standard(data: dict) -> tuple[Standard, int]:
    """Create or update a standard from a validated fixture; returns it and how many changes."""
    validate_fixture(data)
    # New rows get their values only after they join their parent's list; loading an existing
    # row's links meanwhile must not flush them half-made.
    with db.session.no_autoflush:
        return _load(data)


def _load(data: dict) -> tuple[Standard, int]:
    changes = _Changes()
    standard = db.session.scalar(select(Standard).filter_by(reference=data["reference"]))
    created = standard is None
    if created:
        standard = Standard(reference=data["reference"])
        db.session.add(standard)
        changes.count += 1
    changes.assign(
        standard,
        "standard",
        title=data["title"],
        level=data["level"],
        typical_duration_months=data["typical_duration_months"],
        sources=[_cited(source) for source in data.get("sources") or []],
    )
    ksbs = {}
    for ksb, position, item in changes.sync(standard.ksbs, data["ksbs"], models.Ksb, "ksbs"):
        path = f"ksbs.{item['code']}"
        changes.assign(ksb, path, code=item["code"], kind=item["kind"], text=item["text"])
        changes.assign(ksb, path, position=position)
        ksbs[ksb.code] = ksb
    for duty, position, item in changes.sync(
        standard.duties, data["duties"], models.Duty, "duties"
    ):
        path = f"duties.{item['code']}"
        changes.assign(duty, path, code=item["code"], text=item["text"], position=position)
        changes.set_ksbs(duty, [ksbs[c] for c in item["ksbs"]], f"{path}.ksbs")
    versions = changes.sync(
        standard.versions, data["versions"], StandardVersion, "versions", key="version"
    )
    for version, _, item in versions:
        _load_version(version, item, ksbs, changes)
    db.session.flush()
    if created:
        summary = {
            "reference": standard.reference,
            "title": standard.title,
            "versions": [v.version for v in standard.versions],
        }
        record("standard", standard.id, "create", after=summary)
    elif changes.count:
        record("standard", standard.id, "update", before=changes.before, after=changes.after)
    return standard, changes.count


def _load_version(version: StandardVersion, item: dict, ksbs: dict, changes: _Changes) -> None:
    plan = item["plan"]
    latest = item.get("latest_start_date")
    vpath = f"versions.{item['version']}"
    changes.assign(
        version,
        vpath,
        version=item["version"],
        earliest_start_date=date.fromisoformat(item["earliest_start_date"]),
        latest_start_date=date.fromisoformat(latest) if latest else None,
        change=item["change"],
        min_months_before_gateway=plan["min_months_before_gateway"],
        epa_period_months=plan["epa_period_months"],
        resit_within_months=plan["resit_within_months"],
        retake_within_months=plan["retake_within_months"],
        max_months_before_gateway=plan["max_months_before_gateway"],
        all_methods_within_months=plan["all_methods_within_months"],
        retry_grade_cap=plan["retry_grade_cap"],
        method_grades=list(plan["grading"]["method_grades"]),
        overall_grades=list(plan["grading"]["overall_grades"]),
        fact_sources=_fact_sources(plan["sources"]),
        plan_note=_sourced(item["plan_note"], "text") if item.get("plan_note") else None,
    )
    methods = changes.sync(version.methods, plan["methods"], AssessmentMethod, f"{vpath}.methods")
    for method, position, m in methods:
        _load_method(method, position, m, ksbs, changes, f"{vpath}.methods.{m['code']}")
    method_codes = [m["code"] for m in plan["methods"]]
    rows = [
        {
            "combination": combination_key({k: row[k] for k in method_codes}),
            "grades": {k: row[k] for k in method_codes},
            "overall": row["overall"],
        }
        for row in plan["grading"]["overall"]
    ]
    for grading_row, position, row in changes.sync(
        version.grading_rows, rows, models.GradingRow, f"{vpath}.grading", key="combination"
    ):
        changes.assign(
            grading_row,
            f"{vpath}.grading.{row['combination']}",
            combination=row["combination"],
            method_grades=row["grades"],
            overall=row["overall"],
            position=position,
        )


def _load_method(method, position: int, m: dict, ksbs: dict, changes: _Changes, mpath: str):
    changes.assign(
        method,
        mpath,
        code=m["code"],
        name=m["name"],
        duration_minutes=m["duration_minutes"],
        earliest_days_after_gateway=m["earliest_days_after_gateway"],
        min_notice_days=m["min_notice_days"],
        position=position,
        themes=[_theme(t, ksbs) for t in m["themes"]],
        fact_sources=_fact_sources(m["sources"]),
    )
    # A plan calls a criterion's code its `id`.
    criteria = changes.sync(
        method.criteria, m["criteria"], Criterion, f"{mpath}.criteria", key="id", field="code"
    )
    for criterion, cpos, c in criteria:
        cpath = f"{mpath}.criteria.{c['id']}"
        changes.assign(
            criterion, cpath, code=c["id"], theme=c["theme"], grade=c["grade"], text=c["text"]
        )
        changes.assign(criterion, cpath, source=c["source"], source_reference=c["reference"])
        changes.assign(criterion, cpath, position=cpos)
        changes.set_ksbs(criterion, [ksbs[k] for k in c["ksbs"]], f"{cpath}.ksbs")


def _sourced(item: dict, *keys: str) -> dict:
    """Only the fields the document shows, so a stray key in a fixture is not stored."""
    return {key: item[key] for key in (*keys, "source", "reference")}


def _cited(source: dict) -> dict:
    """A cited source's fields the document shows; an address only where there is one."""
    return {k: source[k] for k in CITED_FIELDS if source.get(k) is not None}


def _fact_sources(sources: dict) -> dict:
    return {fact: _sourced(entry) for fact, entry in sources.items()}


def _theme(theme: dict, ksbs: dict) -> dict:
    # KSBs in the standard's order, as a criterion's are, so the order a fixture lists them in
    # is not a change.
    return {
        **_sourced(theme, "name"),
        "ksbs": sorted(theme["ksbs"], key=lambda code: ksbs[code].position),
        "ksbs_source": theme["ksbs_source"],
        "ksbs_reference": theme["ksbs_reference"],
    }


def combination_key(method_grades: dict[str, str]) -> str:
    """A canonical text for a set of method grades, independent of key order."""
    return ";".join(f"{code}={grade}" for code, grade in sorted(method_grades.items()))


def list_standards() -> list[Standard]:
    """Every standard with its versions, by reference."""
    return list(
        db.session.scalars(
            select(Standard).options(selectinload(Standard.versions)).order_by(Standard.reference)
        )
    )


def get_version(reference: str, version: str) -> StandardVersion:
    """One version of a standard with its plan loaded, or NotFound."""
    found = db.session.scalar(
        select(StandardVersion)
        .join(Standard)
        .where(Standard.reference == reference, StandardVersion.version == version)
        .options(
            selectinload(StandardVersion.standard).selectinload(Standard.ksbs),
            selectinload(StandardVersion.methods)
            .selectinload(AssessmentMethod.criteria)
            .selectinload(Criterion.ksbs),
            selectinload(StandardVersion.grading_rows),
        )
    )
    if found is None:
        raise NotFound(f"version {version} of standard {reference}")
    return found
