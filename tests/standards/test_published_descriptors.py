"""The fixture's criteria say where their words come from, and the published ones are the
published descriptors exactly: in the published themes and order, for every version."""

import pytest

from epa.rules.fixture_sources import SOURCES
from tests.conftest import fixture_data
from tests.standards.published_descriptors import (
    DISCUSSION,
    DISCUSSION_THEME_KSBS,
    PROJECT,
    PROJECT_THEME_KSBS,
)

PUBLISHED = {"project": PROJECT, "discussion": DISCUSSION}
THEME_KSBS = {"project": PROJECT_THEME_KSBS, "discussion": DISCUSSION_THEME_KSBS}
CASES = [
    pytest.param(label, code, id=f"{label}-{code}")
    for label in ("1.0", "1.1")
    for code in ("project", "discussion")
]


def method_of(label: str, code: str) -> dict:
    version = next(v for v in fixture_data()["versions"] if v["version"] == label)
    return next(m for m in version["plan"]["methods"] if m["code"] == code)


def published_by_theme(method: dict) -> dict[str, dict[str, list[str]]]:
    """The method's published criteria as {theme: {"pass": [...], "distinction": [...]}}."""
    found: dict[str, dict[str, list[str]]] = {}
    for criterion in method["criteria"]:
        if criterion["source"] == "published":
            theme = found.setdefault(criterion["theme"], {"pass": [], "distinction": []})
            theme[criterion["grade"]].append(criterion["text"])
    return found


def test_every_criterion_of_the_fixture_says_where_its_words_come_from():
    for version in fixture_data()["versions"]:
        for method in version["plan"]["methods"]:
            for criterion in method["criteria"]:
                where = (version["version"], method["code"], criterion["id"])
                assert criterion["source"] in SOURCES, where
                assert criterion["reference"].strip(), where


@pytest.mark.parametrize(("label", "code"), CASES)
def test_the_published_criteria_are_the_published_descriptors_word_for_word(label, code):
    found = published_by_theme(method_of(label, code))
    # Dicts keep order, so this also checks the themes' order and each bullet's place.
    assert list(found) == list(PUBLISHED[code])
    for theme, wanted in PUBLISHED[code].items():
        assert found[theme] == wanted, theme


@pytest.mark.parametrize(("label", "code"), CASES)
def test_every_criterion_is_published_and_numbered_in_theme_order(label, code):
    method = method_of(label, code)
    assert {c["source"] for c in method["criteria"]} == {"published"}
    passes = [c["id"] for c in method["criteria"] if c["grade"] == "pass"]
    distinctions = [c["id"] for c in method["criteria"] if c["grade"] == "distinction"]
    assert passes == [f"P{n}" for n in range(1, len(passes) + 1)]
    assert distinctions == [f"D{n}" for n in range(1, len(distinctions) + 1)]
    counts = {"project": (18, 5), "discussion": (15, 7)}[code]
    assert (len(passes), len(distinctions)) == counts


@pytest.mark.parametrize(("label", "code"), CASES)
def test_the_themes_are_the_published_themes_with_their_ksbs(label, code):
    method = method_of(label, code)
    themes = {t["name"]: t for t in method["themes"]}
    assert list(themes) == list(PUBLISHED[code])
    for name, ksbs in THEME_KSBS[code].items():
        assert set(themes[name]["ksbs"]) == set(ksbs.split()), name
        assert themes[name]["source"] == "published"
    # The plan does not publish KSBs per bullet, so each criterion has its theme's.
    for criterion in method["criteria"]:
        assert criterion["ksbs"] == themes[criterion["theme"]]["ksbs"], criterion["id"]


def test_the_discussions_ksb_grouping_is_marked_as_the_epaos_reading():
    for label in ("1.0", "1.1"):
        for theme in method_of(label, "discussion")["themes"]:
            assert theme["ksbs_source"] == "epao", theme["name"]
            assert "S5 gives no KSB codes" in theme["ksbs_reference"]
        for theme in method_of(label, "project")["themes"]:
            assert theme["ksbs_source"] == "published", theme["name"]
            assert "not published" in theme["ksbs_reference"]  # ... per bullet


def test_the_methods_have_the_names_the_standard_gives_them():
    for label in ("1.0", "1.1"):
        assert method_of(label, "project")["name"] == "Project and Practical Assessment"
        assert method_of(label, "discussion")["name"] == "Professional discussion"


def test_every_duty_lists_its_knowledge_skills_and_behaviours():
    duties = fixture_data()["duties"]
    assert [d["code"] for d in duties] == [f"D{n}" for n in range(1, 14)]
    for duty in duties:
        kinds = {code[0] for code in duty["ksbs"]}
        assert kinds == {"K", "S", "B"}, duty["code"]
    # Notes §4 (S4, confirmed for D1-D5 by S3): spot checks at both ends.
    by_code = {d["code"]: d["ksbs"] for d in duties}
    assert " ".join(by_code["D3"]) == "K4 K6 K7 K9 K20 S1 S8 S13 S14 S17 S18 B1 B3"
    assert " ".join(by_code["D11"]) == "K4 K9 K10 K22 K23 K24 K25 S4 S16 B1 B2"
    every = {code for ksbs in by_code.values() for code in ksbs}
    assert every == {k["code"] for k in fixture_data()["ksbs"]}  # all 51 appear
