"""The result page reads a submitted result against the criteria it was judged against, however
the plan has changed since; a draft shows the criteria of the day."""

import html as html_module
import re

from tests.api.test_criteria_judged import corrected_plan, load
from tests.api.test_grading import PLAN, all_met, only_pass
from tests.pages.test_grading_pages import (  # noqa: F401 (world is a fixture)
    AFTER_DISCUSSION,
    AFTER_PROJECT,
    DAN,
    grade_directly,
    page_of,
    reopen,
    sign_in_as,
    text_of,
    world,
)

CHANGED = "The plan’s criteria for this method have changed since this result was submitted."
NEW = "A criterion new to the plan."


def words(page: str) -> str:
    return html_module.unescape(text_of(page))


def judgement_rows(page: str) -> list[str]:
    """The read-only table's rows, as words: id, text, KSBs, source, judgement."""
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page, re.S)
    return [words(row) for row in rows if "<td" in row]


def test_a_submitted_result_reads_as_judged_after_the_plan_changes(
    app, client, runner, signed_in, tmp_path, world
):
    world["at"](AFTER_DISCUSSION)
    grade_directly(app, world["discussion"], all_met("discussion", D1=False))
    signed_in("admin")
    before = client.get(page_of(world["discussion"])).get_data(as_text=True)
    assert CHANGED not in before
    load(runner, tmp_path, corrected_plan())

    page = client.get(page_of(world["discussion"])).get_data(as_text=True)
    assert judgement_rows(page) == judgement_rows(before)  # word for word, judgement by judgement
    rows = {row.split()[0]: row for row in judgement_rows(page)}
    assert len(rows) == len(PLAN["discussion"]["criteria"])
    for criterion in PLAN["discussion"]["criteria"]:
        row = rows[criterion["id"]]
        assert row.startswith(f"{criterion['id']} {html_module.unescape(criterion['text'])}")
        assert row.endswith("Not met" if criterion["id"] == "D1" else " Met")
    assert "As published:" not in page and NEW not in page and "Not judged" not in page
    assert CHANGED in words(page) and "Grade Pass" in words(page)
    # Reopening says the result will be judged against today's criteria, then shows them.
    note = "Once reopened, the result is judged against the criteria as they are now"
    assert note in words(client.get(page_of(world["discussion"], "/reopen")).text)
    assert reopen(client, world["discussion"], "The plan was corrected").status_code == 302
    page = client.get(page_of(world["discussion"])).get_data(as_text=True)
    assert "As published:" in page and NEW in page and "Not judged" in page
    assert CHANGED not in words(page)


def test_a_draft_shows_the_corrected_plan_s_criteria(
    app, client, auth, runner, signed_in, tmp_path, world
):
    world["at"](AFTER_PROJECT)
    grade_directly(app, world["project"], only_pass("project"), submit=False)
    load(runner, tmp_path, corrected_plan())
    signed_in("staff")
    page = client.get(page_of(world["project"])).get_data(as_text=True)
    rows = judgement_rows(page)
    assert all(" As published: " in row or NEW in row for row in rows)
    assert rows[-1].endswith("Not judged") and NEW in rows[-1]
    assert CHANGED not in words(page)
    sign_in_as(client, auth, DAN)
    page = client.get(page_of(world["project"])).get_data(as_text=True)
    assert "P1: As published:" in words(page)
    assert 'name="criterion-P1" type="radio" value="met" checked' in page
    new_id = re.findall(r'name="criterion-([A-Z][0-9]+)"', page)[-1]
    assert f'name="criterion-{new_id}" type="radio" value="met" checked' not in page
