"""validate_fixture on the standard's list of sources: each reference that cites a source by its
code (S2, S6, ...) names one the standard lists, with what it is and who wrote it."""

import re

import pytest

from epa.rules.standard_fixture import validate_fixture
from tests.conftest import fixture_data
from tests.rules.test_standard_fixture import assert_named, criterion, mutated, plan, problems_for


def _cited(data) -> set[str]:
    """The source codes in the references' texts (KSB codes such as S22 sit elsewhere)."""
    texts = []

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, str) and key.endswith("reference"):
                    texts.append(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data["versions"])
    return set(re.findall(r"\bS[0-9]+\b", " ".join(texts)))


def test_every_source_the_fixture_cites_is_listed_with_its_trust():
    data = fixture_data()
    listed = {s["code"]: s for s in data["sources"]}
    assert _cited(data) <= set(listed)
    assert {"S1", "S2", "S5", "S6"} <= _cited(data)
    assert listed["S1"]["trust"] == "official"
    assert {listed[c]["trust"] for c in ("S2", "S3", "S5")} == {"provider"}
    assert {listed[c]["trust"] for c in ("S4", "S6", "S7", "S8", "S9")} == {"apprentice"}


def _no_list(data):
    del data["sources"]


def _source(data, code):
    return next(s for s in data["sources"] if s["code"] == code)


def _without_s6(data):
    data["sources"] = [s for s in data["sources"] if s["code"] != "S6"]


def _criterion_cites_s99(data):
    criterion(data, "1.1", "discussion", "P2")["reference"] += "; S99"


def _fact_cites_s42(data):
    plan(data, "1.0")["sources"]["epa_period_months"]["reference"] = "S42 says so"


def _repeated_code(data):
    _source(data, "S3")["code"] = "S2"


def _code_not_s_and_a_number(data):
    _source(data, "S3")["code"] = "FAC"


def _unknown_trust(data):
    _source(data, "S4")["trust"] = "reliable"


def _no_description(data):
    _source(data, "S5")["description"] = " "


def _address_not_text(data):
    _source(data, "S7")["address"] = 7


def _list_not_a_list(data):
    data["sources"] = {"S1": "IfATE"}


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        pytest.param(_no_list, "version 1.0 plan.sources.", id="no-list-so-citations-name-nothing"),
        pytest.param(
            _without_s6,
            "cites S6, which is not in the standard's sources",
            id="a-cited-source-missing",
        ),
        pytest.param(
            _criterion_cites_s99,
            "version 1.1 plan.methods[1].criteria[1].reference cites S99, which is not in the "
            "standard's sources",
            id="criterion-cites-unknown",
        ),
        pytest.param(
            _fact_cites_s42,
            "version 1.0 plan.sources.epa_period_months.reference cites S42",
            id="fact-cites-unknown",
        ),
        pytest.param(_repeated_code, "source S2 appears more than once", id="repeated-code"),
        pytest.param(
            _code_not_s_and_a_number,
            "source FAC: a source's code is S and a number, such as S2",
            id="code-not-s-number",
        ),
        pytest.param(
            _unknown_trust,
            "source S4: 'trust' is 'reliable'; it must be one of official, provider, apprentice",
            id="unknown-trust",
        ),
        pytest.param(
            _no_description, "source S5: 'description' must be some text", id="no-description"
        ),
        pytest.param(
            _address_not_text,
            "source S7: 'address' must be text, or left out",
            id="address-not-text",
        ),
        pytest.param(
            _list_not_a_list, "standard: 'sources' must be a list", id="sources-not-a-list"
        ),
    ],
)
def test_a_fixture_whose_citations_do_not_resolve_is_refused(mutate, fragment):
    assert_named(problems_for(mutate), fragment)


def _no_citations_and_no_list(data):
    del data["sources"]
    for label in ("1.0", "1.1"):
        for fact in plan(data, label)["sources"].values():
            fact["reference"] = "A published source"
        for m in plan(data, label)["methods"]:
            for entry in [*m["sources"].values(), *m["themes"], *m["criteria"]]:
                for key in ("reference", "ksbs_reference"):
                    if key in entry:
                        entry[key] = "Our own reading"
    for v in data["versions"]:
        if "plan_note" in v:
            v["plan_note"]["reference"] = "Our own note"


def _an_address_left_out(data):
    del _source(data, "S2")["address"]


@pytest.mark.parametrize("mutate", [_no_citations_and_no_list, _an_address_left_out])
def test_a_list_is_needed_only_for_what_is_cited(mutate):
    assert validate_fixture(mutated(mutate)) is None
