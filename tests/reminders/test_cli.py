"""`flask --app app epa send-reminders`: both reminders, counted, once a day."""

import pytest
from sqlalchemy import event

from epa.extensions import db
from epa.reminders.services import due_reminders
from tests.pages.test_scheduling_pages import book_directly
from tests.reminders.conftest import at, outbox


def test_send_reminders_queues_both_and_says_how_many(
    app, runner, booking_world, make_user, move_clock
):
    book_directly(app, booking_world, starts_at="2027-02-02T10:00")
    make_user("staff")
    make_user("staff")
    # A Sunday: Tuesday's reminder (due on Friday) is made up; Sam's deadline is 30 days away.
    move_clock(at("2027-01-31"))
    result = runner.invoke(args=["epa", "send-reminders", "--date", "2027-01-31"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "2027-01-31: queued 1 assessor reminder and 2 deadline digests; "
        "`epa send-mail` sends them.\n"
    )
    again = runner.invoke(args=["epa", "send-reminders", "--date", "2027-01-31"])
    assert "queued 0 assessor reminders and 0 deadline digests" in again.output
    assert len(outbox(app, "Reminder:")) == 1 and len(outbox(app, "EPA deadlines")) == 2


def test_send_reminders_runs_as_of_today_by_default(app, runner, booking_world, move_clock):
    move_clock(at("2026-12-08"))
    result = runner.invoke(args=["epa", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2026-12-08: queued 0 assessor reminders and 0 deadline")


@pytest.mark.parametrize("given", ["31/01/2027", "2027-02-30", "tomorrow"])
def test_a_date_that_is_not_one_is_refused_in_words(runner, ctx, given):
    result = runner.invoke(args=["epa", "send-reminders", "--date", given])
    assert result.exit_code == 1
    assert f"--date must be a date written YYYY-MM-DD, such as 2026-12-01, not '{given}'." in (
        result.output
    )


def test_finding_the_reminders_due_takes_the_same_statements_however_many(
    app, booking_world, make_gateway_passed, move_clock
):
    with app.app_context():
        engine = db.engine

    def statements_to_find(expected: int) -> int:
        statements = []

        def count(*_):
            statements.append(1)

        move_clock(at("2026-12-08"))
        event.listen(engine, "before_cursor_execute", count)
        try:
            with app.app_context():
                assert len(due_reminders(at("2026-12-08").date())) == expected
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    book_directly(app, booking_world, starts_at="2026-12-10T10:00")
    few = statements_to_find(1)
    move_clock(at("2026-11-26", 9))  # back to the booking world's day, to book two more
    for n, uln in enumerate(("1000000000", "2000000001")):
        other = make_gateway_passed(start_date="2025-06-02", uln=uln, given_names=f"N{n}")
        book_directly(
            app,
            booking_world,
            apprentice_id=other,
            assessor_id=booking_world["other_assessor"],
            starts_at=f"2026-12-10T{10 + 2 * n}:00",
        )
    assert statements_to_find(3) == few
