"""A standard's version as the API and the pages show it: the fixture's shape, read back."""

from epa.standards import schemas
from epa.standards.models import Criterion, StandardVersion


def version_document(version: StandardVersion) -> dict:
    """The whole version as the fixture describes it, for the API and pages."""
    return schemas.Version.of(version)


def criterion_document(criterion: Criterion) -> dict:
    """A criterion as the fixture gives it; a submitted result keeps its method's criteria in
    this shape (`Result.criteria_judged`)."""
    return schemas.Criterion.of(criterion)


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
