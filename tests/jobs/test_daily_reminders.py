"""The morning's reminders run as a job: once a day from 07:00 UK time, however often the
timed task fires (beat once at 07:00, the embedded ticker every minute)."""

from sqlalchemy import select

from epa.extensions import db
from epa.jobs import tasks
from epa.jobs.models import Job
from tests.pages.test_scheduling_pages import book_directly
from tests.reminders.conftest import at, outbox


def reminder_jobs(app) -> list[Job]:
    with app.app_context():
        jobs = db.session.scalars(select(Job).where(Job.kind == "send_reminders")).all()
        db.session.expunge_all()
        return jobs


def test_the_reminders_job_runs_once_a_day_from_seven(
    app, booking_world, make_user, move_clock, held_tasks
):
    book_directly(app, booking_world, starts_at="2027-02-02T10:00")
    make_user("staff")
    held_tasks.clear()  # the booking's own invitation
    move_clock(at("2027-01-29", hour=6).replace(minute=59))  # a Friday, before seven
    with app.app_context():
        assert tasks.daily_reminders() is None
    assert reminder_jobs(app) == []

    move_clock(at("2027-01-29", hour=7))
    with app.app_context():
        job_id = tasks.daily_reminders()
    [job] = reminder_jobs(app)
    assert job.id == job_id and job.status == "succeeded" and job.params == {"date": "2027-01-29"}
    assert job.result == {"assessor_reminders": 1, "deadline_digests": 0}  # 32 days to go
    assert len(outbox(app, "Reminder:")) == 1
    # The mail goes to a worker once the job's transaction has committed.
    assert [name for name, _ in held_tasks] == ["epa.mail.send"]

    move_clock(at("2027-01-29", hour=16))
    with app.app_context():
        assert tasks.daily_reminders() is None
    move_clock(at("2027-01-30", hour=7))
    with app.app_context():
        assert tasks.daily_reminders() is not None
    assert [job.params["date"] for job in reminder_jobs(app)] == ["2027-01-29", "2027-01-30"]
    assert len(outbox(app, "Reminder:")) == 1  # nothing twice
