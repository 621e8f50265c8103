"""An assessor is reminded of each assessment two working days before it, once for each time
and assessor it has, and never of a cancelled one."""

import pytest

from epa.auth.models import User
from epa.extensions import db
from epa.reminders.services import send_assessor_reminders
from epa.scheduling import services as scheduling
from epa.scheduling.models import Assessment
from epa.scheduling.schemas import BookingCancellation, BookingChange
from tests.pages.test_scheduling_pages import book_directly
from tests.reminders.conftest import at, outbox

REMINDER = "Reminder:"


@pytest.fixture
def thursday(app, booking_world):
    """The discussion booked with Grace for Thursday 10 December 2026 at 10:00, in Room 1: its
    reminder is due on Tuesday 8 December."""
    return book_directly(app, booking_world, starts_at="2026-12-10T10:00")


def _as_admin(app, change, assessment_id: int, command) -> None:
    with app.app_context():
        admin = db.session.scalar(db.select(User).where(User.role == "admin"))
        change(db.session.get(Assessment, assessment_id), command, admin)
        db.session.commit()


def test_an_assessor_is_reminded_two_working_days_before(app, run, thursday, booking_world):
    assert run(send_assessor_reminders, "2026-12-07") == 0  # three working days before
    assert run(send_assessor_reminders, "2026-12-08") == 1
    [reminder] = outbox(app, REMINDER)
    assert (reminder.to_address, reminder.to_name) == ("grace@epao.example", "Grace Okafor")
    assert reminder.assessment_id == thursday and reminder.ics is None
    assert reminder.subject == (
        "Reminder: EPA professional discussion with Sam Taylor, "
        "Thursday 10 December 2026, 10:00 to 11:00"
    )
    assert f"http://127.0.0.1:5000/assessments/{thursday}/result" in reminder.body
    for words in (
        "Hello Grace Okafor,",
        "Apprentice: Sam Taylor",
        "Standard: ST0825 DevOps engineer, version 1.1",
        "Method: Professional discussion (60 minutes)",
        "When: Thursday 10 December 2026, 10:00 to 11:00 (UK time)",
        "Where: Room 1",
    ):
        assert words in reminder.body


def test_an_assessor_hears_only_what_they_need_of_the_apprentice(app, run, thursday):
    run(send_assessor_reminders, "2026-12-08")
    [reminder] = outbox(app, REMINDER)
    # The registration's ULN, date of birth, email and employer stay out of the assessor's inbox.
    for private in ("1234567899", "2000-01-10", "10 January 2000", "sam.taylor@", "Northwind"):
        assert private not in reminder.body and private not in reminder.subject


def test_the_time_is_given_on_the_london_clock_in_summer(
    app, run, booking_world, move_clock, make_gateway_passed
):
    move_clock(at("2027-05-04"))
    summer = make_gateway_passed("2027-04-20", start_date="2026-01-05", uln="1000000000")
    book_directly(app, booking_world, apprentice_id=summer, starts_at="2027-06-10T10:00")
    assert run(send_assessor_reminders, "2027-06-08") == 1
    # 10:00 BST is 09:00 UTC: the reminder says 10:00, as the assessor's clock will.
    assert "When: Thursday 10 June 2027, 10:00 to 11:00" in outbox(app, REMINDER)[0].body


def test_running_twice_sends_nothing_twice(app, run, thursday):
    assert run(send_assessor_reminders, "2026-12-08") == 1
    assert run(send_assessor_reminders, "2026-12-08", hour=9) == 0
    assert run(send_assessor_reminders, "2026-12-09") == 0  # the next day: already reminded
    assert len(outbox(app, REMINDER)) == 1


def test_a_run_missed_over_the_weekend_is_made_up(app, run, booking_world):
    # Monday 14 December's reminder is due on Thursday 10th; no run until Saturday.
    book_directly(app, booking_world, starts_at="2026-12-14T10:00")
    assert run(send_assessor_reminders, "2026-12-09") == 0
    assert run(send_assessor_reminders, "2026-12-12") == 1


def test_no_reminder_once_the_assessment_has_started(app, run, booking_world):
    book_directly(app, booking_world, starts_at="2026-12-14T10:00")
    assert run(send_assessor_reminders, "2026-12-14", hour=11) == 0
    assert run(send_assessor_reminders, "2026-12-14", hour=9) == 1  # still to come: late, sent


def test_no_reminder_of_a_cancelled_assessment(app, run, thursday):
    with app.app_context():
        scheduling.cancel_assessment(
            db.session.get(Assessment, thursday),
            BookingCancellation(reason="The apprentice is ill"),
        )
        db.session.commit()
    assert run(send_assessor_reminders, "2026-12-08") == 0


def test_a_moved_assessment_is_reminded_at_its_new_time(app, run, thursday):
    run(send_assessor_reminders, "2026-12-08")
    # Moved, after its reminder, to Wednesday 23 December: reminded again, of the new time.
    _as_admin(
        app,
        scheduling.reschedule_assessment,
        thursday,
        BookingChange.read({"starts_at": "2026-12-23T14:00"}),
    )
    assert run(send_assessor_reminders, "2026-12-18") == 0
    assert run(send_assessor_reminders, "2026-12-21") == 1
    first, second = outbox(app, REMINDER)
    assert "Thursday 10 December 2026" in first.body
    assert "When: Wednesday 23 December 2026, 14:00 to 15:00" in second.body


def test_a_move_before_the_reminder_gives_one_reminder_of_the_new_time(app, run, thursday):
    _as_admin(
        app,
        scheduling.reschedule_assessment,
        thursday,
        BookingChange.read({"starts_at": "2026-12-11T14:00"}),
    )
    assert run(send_assessor_reminders, "2026-12-08") == 0
    assert run(send_assessor_reminders, "2026-12-09") == 1
    [reminder] = outbox(app, REMINDER)
    assert reminder.subject.endswith("Friday 11 December 2026, 14:00 to 15:00")


def test_a_new_assessor_is_reminded_too(app, run, thursday, booking_world):
    assert run(send_assessor_reminders, "2026-12-08") == 1
    # Grace falls ill on the day of her reminder; Dan takes the assessment at the same time.
    _as_admin(
        app,
        scheduling.reschedule_assessment,
        thursday,
        BookingChange.read({"assessor_id": booking_world["other_assessor"]}),
    )
    assert run(send_assessor_reminders, "2026-12-08", hour=12) == 1
    assert [m.to_address for m in outbox(app, REMINDER)] == [
        "grace@epao.example",
        "dan@epao.example",
    ]


def test_a_disabled_assessor_is_not_reminded(app, run, thursday, booking_world):
    with app.app_context():
        db.session.get(User, booking_world["assessor"]).is_enabled = False
        db.session.commit()
    assert run(send_assessor_reminders, "2026-12-08") == 0


def test_each_assessment_due_is_reminded_in_one_run(app, run, booking_world, make_gateway_passed):
    other = make_gateway_passed(start_date="2025-06-02", uln="1000000000", given_names="Priya")
    book_directly(app, booking_world, starts_at="2026-12-10T10:00")
    book_directly(
        app,
        booking_world,
        apprentice_id=other,
        assessor_id=booking_world["other_assessor"],
        starts_at="2026-12-10T10:00",
    )
    book_directly(
        app, booking_world, apprentice_id=other, method="project", starts_at="2027-02-09T09:00"
    )
    assert run(send_assessor_reminders, "2026-12-08") == 2
    assert sorted(m.to_name for m in outbox(app, REMINDER)) == ["Dan Morgan", "Grace Okafor"]
