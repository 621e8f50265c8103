"""The retry cap on the pages: the apprentice's outcome and the sign-off queue say the EPA grade
was capped and why, and confirming keeps the capped grade."""

from datetime import UTC, datetime

from sqlalchemy import select

from epa.extensions import db
from epa.grading.models import Outcome
from tests.api.test_grading import all_met, only_pass
from tests.api.test_retry_cap import PROJECT_RESIT
from tests.pages.test_grading_pages import (
    AFTER_DISCUSSION,
    AFTER_PROJECT,
    confirm_outcome,
    grade_directly,
    text_of,
    world,  # noqa: F401  (the fixture)
)
from tests.pages.test_scheduling_pages import book_directly

AFTER_RESIT = datetime(2027, 2, 22, 14, 0, tzinfo=UTC)
REASON = PROJECT_RESIT


def capped_after_a_resit(app, world) -> None:
    """Discussion pass; project failed on 1 February 2027, resat on 22 February and judged
    distinction: a provisional Pass, Merit without the cap."""
    world["at"](AFTER_DISCUSSION)
    grade_directly(app, world["discussion"], only_pass("discussion"))
    world["at"](AFTER_PROJECT)
    grade_directly(app, world["project"], all_met("project", P1=False))
    resit = book_directly(
        app,
        world,
        method="project",
        assessor_id=world["other_assessor"],
        starts_at="2027-02-22T09:00",
        retry="resit",
    )
    world["at"](AFTER_RESIT)
    grade_directly(app, resit, all_met("project"))


def test_the_apprentice_page_says_the_grade_was_capped_and_why(app, client, signed_in, world):
    capped_after_a_resit(app, world)
    signed_in("staff")
    words = text_of(client.get(f"/apprentices/{world['apprentice']}").get_data(as_text=True))
    assert "Result Distinction (submitted)" in words  # the resit, as judged
    assert "Overall grade Pass (capped)" in words
    assert f"Grade cap {REASON}" in words


def test_the_queue_shows_the_cap_and_confirming_keeps_the_capped_grade(
    app, client, signed_in, world
):
    capped_after_a_resit(app, world)
    signed_in("staff")
    words = text_of(client.get("/sign-off").get_data(as_text=True))
    assert f"Pass Capped: {REASON}" in words
    assert confirm_outcome(client, world["apprentice"]).status_code == 302
    html = client.get("/sign-off").get_data(as_text=True)
    assert "outcome confirmed, Pass (capped). Achievement date: 22 February 2027." in html
    with app.app_context():
        assert db.session.scalar(select(Outcome.overall_grade)) == "pass"
