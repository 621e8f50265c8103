"""Where each text and fact of a standard fixture comes from, and the themes criteria sit in.

Every criterion, theme, plan fact and method fact says `source`: "published" (the words or
number are in a published source, named by `reference`) or "epao" (the EPAO's own wording or
reading, where nothing is published; `reference` says why). Assessors and auditors must be able
to tell the plan's words from ours, so nothing is left unsourced.
"""

from epa.rules.fixture_fields import checked_text, identify, listed_ksbs, need, objects_in

SOURCES = ("published", "epao")
PLAN_FACTS = (
    "min_months_before_gateway",
    "max_months_before_gateway",
    "epa_period_months",
    "resit_within_months",
    "retake_within_months",
    "all_methods_within_months",
    "retry_grade_cap",
    "grading.method_grades",
    "grading.overall_grades",
    "grading.overall",
)
METHOD_FACTS = ("name", "duration_minutes", "earliest_days_after_gateway", "min_notice_days")
_REFERENCE_NEEDED = {
    "published": "must name the published source",
    "epao": "must say why the EPAO's own wording or reading is used",
}


def check_source(obj: dict, where: str, problems: list[str], *, prefix: str = "") -> None:
    """`<prefix>source` is published or epao, and `<prefix>reference` is text that says so."""
    key, ref_key = f"{prefix}source", f"{prefix}reference"
    source = obj.get(key)
    if source not in SOURCES:
        problems.append(f"{where}: '{key}' is {source!r}; it must be 'published' or 'epao'")
        return
    reference = obj.get(ref_key)
    if not isinstance(reference, str) or not reference.strip():
        problems.append(f"{where}: '{ref_key}' {_REFERENCE_NEEDED[source]}")
    else:
        # A reference is free text of any length (a Text column or JSON), unlike the
        # standard's `reference` code, so only its characters are checked.
        checked_text(reference, ref_key, where, problems)


def check_fact_sources(obj: dict, facts: tuple, kind: str, where: str, problems: list[str]):
    """`sources` holds a sourced entry for each fact, and for nothing else."""
    sources = need(obj, "sources", dict, where, problems)
    if sources is None:
        return
    swhere = f"{where} sources"
    missing = [fact for fact in facts if fact not in sources]
    if missing:
        problems.append(
            f"{swhere}: no entry for {', '.join(missing)}; every {kind} fact must say where it "
            "comes from"
        )
    for fact, entry in sources.items():
        if fact not in facts:
            problems.append(f"{swhere}: {fact!r} is not a {kind} fact")
        elif not isinstance(entry, dict):
            problems.append(f"{swhere}: {fact} must be an object with 'source' and 'reference'")
        else:
            check_source(entry, f"{swhere} {fact}", problems)


def check_themes(method: dict, where: str, known: set[str], problems: list[str]) -> dict:
    """The method's themes: named once each, with KSBs and sources. Returns {name: KSB codes}."""
    themes: dict[str, set[str]] = {}
    seen: set[str] = set()
    need(method, "themes", list, where, problems)
    for t, theme in objects_in(method, "themes", where, problems):
        name, twhere = identify(
            theme, "name", f"{where} theme", f"{where} themes[{t}]", seen, problems, quoted=True
        )
        codes = listed_ksbs(theme, twhere, known, problems)
        if isinstance(theme.get("ksbs"), list) and not theme["ksbs"]:
            problems.append(f"{twhere}: 'ksbs' must list at least one KSB")
        check_source(theme, twhere, problems)
        # The KSB grouping may be the EPAO's reading even where the theme's words are published.
        check_source(theme, twhere, problems, prefix="ksbs_")
        if name:
            themes[name] = set(codes)
    return themes


def check_criteria_themes(
    method: dict, where: str, themes: dict, known: set[str], problems: list[str]
) -> None:
    """Each criterion sits in one of the method's themes, within its KSBs; no theme is empty.
    (A KSB code the standard lacks is reported where it is listed, not here again.)"""
    used: set[str] = set()
    # Entries that are not objects were reported with the criteria's own checks.
    for c, criterion in objects_in(method, "criteria", where, []):
        cid = criterion.get("id")
        cwhere = f"{where} criterion {cid}" if isinstance(cid, str) else f"{where} criteria[{c}]"
        theme = criterion.get("theme")
        if not isinstance(theme, str) or not theme.strip():
            continue  # reported as missing text already
        used.add(theme)
        if theme not in themes:
            problems.append(f"{cwhere}: theme {theme!r} is not one of the method's themes")
            continue
        ksbs = criterion.get("ksbs") if isinstance(criterion.get("ksbs"), list) else []
        outside = [k for k in ksbs if isinstance(k, str) and k in known and k not in themes[theme]]
        if outside:
            problems.append(
                f"{cwhere} lists KSB {', '.join(outside)}, which its theme {theme!r} does not"
            )
    for name in themes:
        if name not in used:
            problems.append(f"{where} theme {name!r} has no criteria")


def check_plan_note(version: dict, where: str, problems: list[str]) -> None:
    """An optional note on the version's plan (such as "carried over from 1.0"), sourced."""
    if version.get("plan_note") is None:
        return
    note = need(version, "plan_note", dict, where, problems)
    if note is not None:
        need(note, "text", str, f"{where} plan_note", problems)
        check_source(note, f"{where} plan_note", problems)
