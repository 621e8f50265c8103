"""The standards page says where each text and fact of the plan comes from, in words (a tag's
text, not its colour), and that version 1.1 carries over the plan of 1.0."""

import html as html_module
import re

import pytest

from tests.conftest import fixture_data


def words_of(page: str) -> str:
    """The page's text as a person reads it: tags gone, entities decoded, spaces collapsed."""
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture
def page_of(client, signed_in, standard):
    signed_in("assessor")

    def get(label: str) -> str:
        response = client.get(f"/standards/ST0825/versions/{label}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return get


def test_the_revised_version_says_its_plan_is_carried_over(page_of):
    page = page_of("1.1")
    inset = re.search(r'<div class="govuk-inset-text">(.*?)</div>', page, re.S)
    assert inset, "the note is inset text"
    note = words_of(inset.group(1))
    assert "carries over the plan of version 1.0 until the revised plan is published" in note
    assert "EPAO note Not published: S1: the IfATE page for 1.1 gives no EPA text" in note
    assert 'class="govuk-inset-text"' not in page_of("1.0")


def test_each_plan_fact_shows_its_source(page_of):
    words = words_of(page_of("1.0"))
    for expected in [
        'At least 12 months Published Source: S2: "Minimum 12 months" on programme',
        "24 months; a later gateway passes with a warning Published Source: S2:",
        "At most pass, unless exceptional circumstances are recorded EPAO's reading Not "
        "published: The EPAO applies the IfATE template wording",
        "Within 6 months of the first assessment held, retries included Published Source: S2:",
        '180 minutes Published Source: S5: "a three hour interview" (v1.0) [PROV]',
        "91 days after the gateway date EPAO's reading Not published: The EPAO's reading of "
        "the 12-week project",
        "At least 14 days EPAO's reading Not published: The EPAO gives the same 2 weeks' notice",
        "From the gateway date Published Source: S2:",
        "The table below: EPAO's reading Not published: The EPAO's reading of the four-grade "
        "outcome",
        "Overall grades Fail, Pass, Merit, Distinction: Published Source: S2:",
    ]:
        assert expected in words, expected


def test_each_theme_shows_its_criteria_with_the_source_of_their_words(page_of):
    page = page_of("1.1")
    words = words_of(page)
    method = fixture_data()["versions"][1]["plan"]["methods"][0]
    criteria_source = (
        "Criteria: Published wording Source: S6: the provider's project pack, quoted word for "
        "word by an apprentice (v1.0) [APP]"
    )
    assert words.count(criteria_source) == len(method["themes"]) == 8
    assert (
        "Data Persistence Theme: Published wording Source: S6: theme heading (v1.0) [APP]" in words
    )
    assert "KSBs K12 S7: Published KSB grouping Source: S6 lists these KSBs" in words
    assert "database,configuration/infrastructure state management" in words
    # The discussion's grouping of KSBs is ours, and says so beside each theme.
    assert words.count("EPAO's KSB grouping Not published: The EPAO's reading") == 8
    assert "KSBs K3: EPAO's KSB grouping" in words  # Data Ethics
    # Every criterion row carries the marker in words.
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page, re.S)
    criteria_rows = [r for r in rows if re.search(r">\s*[PD][0-9]+\s*<", r)]
    assert len(criteria_rows) == 23 + 22
    assert all("Published wording" in r for r in criteria_rows)


def test_a_criterion_of_the_epaos_own_wording_says_so_with_its_reason(app, client, signed_in):
    from epa.extensions import db
    from epa.standards.services import load_standard

    data = fixture_data()
    criterion = data["versions"][0]["plan"]["methods"][1]["criteria"][0]
    criterion.update(source="epao", reference="Reworded for clarity by the EPAO.")
    with app.app_context():
        load_standard(data)
        db.session.commit()
    signed_in("staff")
    page = client.get("/standards/ST0825/versions/1.0").get_data(as_text=True)
    words = words_of(page)
    # The theme's criteria no longer share one source, so each row gives its own.
    assert "EPAO wording Reworded for clarity by the EPAO." in words
    assert words.count("Criteria: Published wording") == 8 + 7


def test_a_plan_stored_before_sources_were_kept_still_shows_and_says_so(app, page_of):
    # What migration 0009 leaves until the standard is loaded again.
    from sqlalchemy import update

    from epa.extensions import db
    from epa.standards.models import AssessmentMethod, StandardVersion

    with app.app_context():
        db.session.execute(update(AssessmentMethod).values(themes=[], fact_sources={}))
        db.session.execute(update(StandardVersion).values(fact_sources={}))
        db.session.commit()
    page = page_of("1.0")
    words = words_of(page)
    positions = [page.index(f">{name}<") for name in ("Code Quality", "Data Security")]
    assert positions == sorted(positions)  # themes in the order criteria first name them
    assert "Code Quality Theme: Source not recorded: load the standard again." in words
    assert "At least 12 months Source not recorded: load the standard again." in words


def test_the_sources_cited_are_listed_with_who_wrote_them(page_of):
    page = page_of("1.0")
    words = words_of(page[page.index('<h2 class="govuk-heading-m" id="sources">') :])
    assert words.startswith("Sources The references above cite these sources")
    assert "S5 Corndel and Softwire's DevOps course guide" in words
    assert (
        "https://github.com/CorndelWithSoftwire/DevOps-Course-FAQs Training provider or EPAO"
        in (words)
    )
    assert "S6 An apprentice's EPA notes quoting the provider's project pack" in words
    assert "S1 The Institute for Apprenticeships" in words and "Official (the Institute)" in words
    assert "[APP] an apprentice's" in words


def test_the_standards_list_links_each_version_and_says_1_1_carries_over_the_plan(
    client, signed_in, standard
):
    signed_in("staff")
    page = client.get("/standards/").get_data(as_text=True)
    assert '<a class="govuk-link" href="/standards/ST0825/versions/1.0">Version 1.0</a>' in page
    assert '<a class="govuk-link" href="/standards/ST0825/versions/1.1">Version 1.1</a>' in page
    assert "&lt;a" not in page  # links, not their markup shown as text
    words = words_of(page)
    assert "End-point assessment plan revised No published source says what the revision" in words
    assert "carries over the plan of version 1.0 until the revised plan is published" in words
    assert words.count("carries over the plan") == 1  # only the revised version says so
