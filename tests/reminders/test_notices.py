"""A notice is queued once, however many runs ask at the same moment: the database's unique key
decides, not a read before the write."""

import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select, text

from epa.extensions import db
from epa.reminders.models import Notice
from epa.reminders.notices import already_sent, claim
from epa.reminders.services import send_assessor_reminders
from tests.pages.test_scheduling_pages import book_directly
from tests.reminders.conftest import at, outbox

DAY = date(2026, 12, 8)


def test_a_key_is_claimed_once(ctx):
    assert claim("digest:2026-12-08:user:1", DAY) is True
    assert claim("digest:2026-12-08:user:1", DAY) is False  # the same transaction
    db.session.commit()
    assert claim("digest:2026-12-08:user:1", DAY) is False  # a later one
    assert claim("digest:2026-12-08:user:2", DAY) is True
    db.session.commit()
    assert already_sent(["digest:2026-12-08:user:2", "digest:2026-12-09:user:2"]) == {
        "digest:2026-12-08:user:2"
    }
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 2


def test_a_claim_rolled_back_is_not_taken(ctx):
    assert claim("digest:2026-12-08:user:1", DAY) is True
    db.session.rollback()  # the run failed after claiming: its email was not queued either
    assert claim("digest:2026-12-08:user:1", DAY) is True


def _in_threads(app, jobs) -> list[int]:
    """Run each job in a thread of its own (its own session and connection), all at once."""
    barrier = threading.Barrier(len(jobs))
    results = []

    def go(job):
        with app.app_context():
            barrier.wait()
            results.append(job(DAY))
            db.session.commit()

    threads = [threading.Thread(target=go, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_workers_running_at_once_queue_each_email_once(app, booking_world, make_user, move_clock):
    book_directly(app, booking_world, starts_at="2026-12-10T10:00")
    make_user("staff")
    move_clock(at("2026-12-08"))
    results = _in_threads(app, [send_assessor_reminders] * 4)
    assert sorted(results) == [0, 0, 0, 1]
    assert len(outbox(app, "Reminder:")) == 1


def _wait_until_a_session_waits_on_a_lock(app) -> None:
    """Return once another session is blocked on a row lock (polled on a connection of its own)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with app.app_context(), db.engine.connect() as conn:
        for _ in range(1200):
            if conn.execute(query).scalar():
                return
            time.sleep(0.05)
    raise AssertionError("the second worker never waited on the first one's claim")


def test_a_worker_waits_for_another_worker_s_claim_and_gives_way(app, booking_world, move_clock):
    """On PostgreSQL, exactly this interleaving: the first worker has claimed and not committed
    when the second claims; the second waits on the row, then finds it taken."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite lets one writer in at a time: the race above covers it")
    book_directly(app, booking_world, starts_at="2026-12-10T10:00")
    move_clock(at("2026-12-08"))
    second = {}

    def second_worker():
        with app.app_context():
            second["queued"] = send_assessor_reminders(DAY)
            db.session.commit()

    thread = threading.Thread(target=second_worker)
    with app.app_context():
        assert send_assessor_reminders(DAY) == 1  # claimed and queued, not yet committed
        thread.start()
        _wait_until_a_session_waits_on_a_lock(app)
        db.session.commit()
    thread.join(timeout=60)
    assert second == {"queued": 0}
    assert len(outbox(app, "Reminder:")) == 1
