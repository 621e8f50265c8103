"""The grading page tells the assessor whose words each criterion is: the plan's published
wording or the EPAO's, beside each theme and each criterion, in words rather than colour."""

import html as html_module
import re

from tests.api.test_grading import PLAN, all_met
from tests.pages.test_grading_pages import (  # noqa: F401 (world is a fixture)
    AFTER_DISCUSSION,
    GRACE,
    grade_directly,
    page_of,
    sign_in_as,
    world,
)

THEME = "Theme: Published wording Source: S5: theme heading (v1.0) [PROV]"
GROUPING = "EPAO's KSB grouping Not published: The EPAO's reading"
CRITERIA = "Criteria: Published wording Source: S5: Corndel/Softwire's EPA guide"


def words_of(page: str) -> str:
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_assessor_sees_whose_words_each_theme_and_criterion_is(client, auth, world):
    world["at"](AFTER_DISCUSSION)
    sign_in_as(client, auth, GRACE)
    page = client.get(page_of(world["discussion"])).get_data(as_text=True)
    words = words_of(page)
    themes = [t["name"] for t in PLAN["discussion"]["themes"]]
    for name in themes:
        assert f"{name} {THEME}" in words, name
    assert words.count(GROUPING) == words.count(CRITERIA) == len(themes) == 8
    assert f"KSBs K9 K23 S2: {GROUPING}" in words  # Organisational Culture
    # Each criterion's hint ends with the marker, next to its radios.
    hints = re.findall(r'<div id="criterion-[PD][0-9]+-hint"[^>]*>(.*?)</div>', page, re.S)
    assert len(hints) == len(PLAN["discussion"]["criteria"]) == 22
    assert all(words_of(h).endswith("Published wording") for h in hints)
    assert "Pass criterion. KSBs: K3. Published wording" in words


def test_a_submitted_result_shows_the_source_of_each_criterion(app, client, auth, world):
    world["at"](AFTER_DISCUSSION)
    grade_directly(app, world["discussion"], all_met("discussion"))
    sign_in_as(client, auth, GRACE)
    page = client.get(page_of(world["discussion"])).get_data(as_text=True)
    words = words_of(page)
    assert 'name="criterion-P1"' not in page  # read-only now
    assert words.count(CRITERIA) == 8
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page, re.S)
    judged = [r for r in rows if "Met" in words_of(r)]
    assert len(judged) == 22
    assert all("Published wording" in words_of(r) for r in judged)
