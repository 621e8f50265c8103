"""The six-month limit on the booking pages: a retake moved past the EPA's last day is refused
beside the date, in the words the API uses, and nothing changes."""

from datetime import UTC, datetime

from epa.extensions import db
from epa.scheduling.models import Assessment
from tests.api.test_grading import all_met, only_pass
from tests.pages.test_apprentice_pages import error_beside
from tests.pages.test_grading_pages import grade_directly
from tests.pages.test_scheduling_pages import book_directly, reschedule


def test_moving_a_retake_past_the_limit_is_refused_beside_the_date(
    app, client, signed_in, booking_world, move_clock
):
    discussion = book_directly(app, booking_world)  # 10 December 2026: the first assessment
    project = book_directly(
        app,
        booking_world,
        method="project",
        starts_at="2027-03-01T09:00",
        assessor_id=booking_world["other_assessor"],
    )
    move_clock(datetime(2026, 12, 10, 12, 0, tzinfo=UTC))
    grade_directly(app, discussion, only_pass("discussion"))
    move_clock(datetime(2027, 3, 1, 14, 0, tzinfo=UTC))
    grade_directly(app, project, all_met("project", P1=False))
    retake = book_directly(
        app,
        booking_world,
        method="project",
        starts_at="2027-06-10T09:00",
        assessor_id=booking_world["other_assessor"],
        retry="retake",
    )
    signed_in("staff")
    response = reschedule(client, retake, starts_on=["11", "6", "2027"])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert error_beside(html, "starts_on") == (
        "Every assessment, resits and retakes included, must be held by 10 June 2027: 6 months "
        "after the first assessment on 10 December 2026"
    )
    with app.app_context():
        unchanged = db.session.get(Assessment, retake)
        assert unchanged.sequence == 0 and unchanged.starts_at.day == 10
