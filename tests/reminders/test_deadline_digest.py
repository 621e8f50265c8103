"""Staff get one digest a day of the apprentices whose EPA deadline is 30 days away or nearer
with a method not booked; nothing when nothing is at risk."""

import pytest

from epa.auth.models import User
from epa.extensions import db
from epa.reminders import services
from epa.reminders.services import send_deadline_digest
from epa.scheduling import services as scheduling
from epa.scheduling.models import Assessment
from epa.scheduling.schemas import BookingCancellation
from tests.pages.test_scheduling_pages import book_directly
from tests.reminders.conftest import outbox

DIGEST = "EPA deadlines at risk"
PROJECT = "Project and Practical Assessment"
DISCUSSION = "Professional discussion"


@pytest.fixture
def priya(make_gateway_passed, booking_world):
    """An apprentice through gateway a day before Sam: EPA deadline 1 March 2027."""
    return make_gateway_passed(
        "2026-11-01",
        uln="1000000000",
        given_names="Priya",
        family_name="Shah",
        start_date="2025-06-02",
    )


@pytest.fixture
def staff(make_user):
    return make_user("staff", email="sofia@epao.example", name="Sofia Reyes")


def test_the_digest_lists_each_apprentice_at_risk_nearest_deadline_first(
    app, run, booking_world, priya, staff
):
    book_directly(app, booking_world, starts_at="2026-12-10T10:00")  # Sam's discussion
    assert run(send_deadline_digest, "2027-01-31") == 1
    [digest] = outbox(app, DIGEST)
    assert (digest.to_address, digest.to_name) == ("sofia@epao.example", "Sofia Reyes")
    assert digest.subject == "EPA deadlines at risk: 2 apprentices"
    sam = booking_world["apprentice"]
    expected = f"""Priya Shah, ULN 1000000000
  Not booked: {PROJECT}, {DISCUSSION}
  EPA deadline: 1 March 2027 (29 days left)
  Book: http://127.0.0.1:5000/apprentices/{priya}/assessments/new

Sam Taylor, ULN 1234567899
  Not booked: {PROJECT}
  EPA deadline: 2 March 2027 (30 days left)
  Book: http://127.0.0.1:5000/apprentices/{sam}/assessments/new
"""
    assert expected in digest.body
    assert digest.body.startswith("Hello Sofia Reyes,")
    assert "http://127.0.0.1:5000/dashboard/deadlines" in digest.body


def test_the_digest_holds_no_more_personal_data_than_staff_book_with(
    app, run, booking_world, staff
):
    run(send_deadline_digest, "2027-01-31")
    [digest] = outbox(app, DIGEST)
    for private in ("2000-01-10", "10 January 2000", "sam.taylor@", "Northwind", "Midlands"):
        assert private not in digest.body


@pytest.mark.parametrize(
    "day, sent, days_left",
    [
        ("2027-01-30", 0, None),  # 31 days before the deadline: not yet at risk
        ("2027-01-31", 1, "30 days left"),  # exactly 30 days
        ("2027-03-01", 1, "1 day left"),
        ("2027-03-02", 1, "today is the last day"),
        ("2027-03-03", 0, None),  # passed: missed, which the digest does not repeat for ever
    ],
)
def test_at_risk_from_thirty_days_before_the_deadline(
    app, run, booking_world, staff, day, sent, days_left
):
    assert run(send_deadline_digest, day) == sent
    if days_left:
        assert f"EPA deadline: 2 March 2027 ({days_left})" in outbox(app, DIGEST)[0].body


def test_nothing_at_risk_sends_nothing(app, run, booking_world, staff):
    book_directly(app, booking_world, starts_at="2026-12-10T10:00")
    book_directly(app, booking_world, method="project", starts_at="2027-02-09T09:00")
    assert run(send_deadline_digest, "2027-02-01") == 0
    assert outbox(app, DIGEST) == []


def test_a_cancelled_booking_leaves_the_method_at_risk(app, run, booking_world, staff):
    book_directly(app, booking_world, starts_at="2026-12-10T10:00")
    project = book_directly(app, booking_world, method="project", starts_at="2027-02-09T09:00")
    with app.app_context():
        scheduling.cancel_assessment(
            db.session.get(Assessment, project), BookingCancellation(reason="Project late")
        )
        db.session.commit()
    assert run(send_deadline_digest, "2027-02-01") == 1
    assert f"Not booked: {PROJECT}\n" in outbox(app, DIGEST)[0].body


def test_each_enabled_member_of_staff_gets_one(app, run, booking_world, staff, make_user):
    make_user("staff", email="tom@epao.example", name="Tom Hale")
    away = make_user("staff", email="away@epao.example")
    make_user("admin")
    with app.app_context():
        db.session.get(User, away).is_enabled = False
        db.session.commit()
    assert run(send_deadline_digest, "2027-01-31") == 2
    assert [m.to_address for m in outbox(app, DIGEST)] == ["sofia@epao.example", "tom@epao.example"]


def test_once_a_day(app, run, booking_world, staff):
    assert run(send_deadline_digest, "2027-01-31") == 1
    assert run(send_deadline_digest, "2027-01-31", hour=15) == 0
    assert run(send_deadline_digest, "2027-02-01") == 1
    assert len(outbox(app, DIGEST)) == 2


def test_a_long_list_is_cut_and_counted(app, run, booking_world, priya, staff, monkeypatch):
    monkeypatch.setattr(services, "DIGEST_LIMIT", 1)
    assert run(send_deadline_digest, "2027-01-31") == 1
    [digest] = outbox(app, DIGEST)
    assert digest.subject == "EPA deadlines at risk: 2 apprentices"
    assert "Priya Shah" in digest.body and "Sam Taylor" not in digest.body
    assert "And 1 more." in digest.body
