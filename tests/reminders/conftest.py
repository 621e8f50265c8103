"""Helpers for the reminders' tests: bookings made through the service, and the outbox read."""

from datetime import datetime

import pytest
from sqlalchemy import select

from epa.extensions import db
from epa.mail.models import OutboxMessage
from epa.rules.local_time import LONDON


def at(day: str, hour: int = 7) -> datetime:
    """An instant on the London clock (the periodic run is early in the morning)."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=LONDON)


def outbox(app, subject_starts: str) -> list[OutboxMessage]:
    """The queued messages whose subject starts so, oldest first."""
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return [m for m in rows if m.subject.startswith(subject_starts)]


@pytest.fixture
def run(app, move_clock):
    """run(service, "YYYY-MM-DD", hour=7) -> what the service returned, run as the periodic job
    would: at that London time, in a transaction of its own, committed."""

    def call(service, day: str, hour: int = 7):
        move_clock(at(day, hour))
        with app.app_context():
            count = service(datetime.fromisoformat(day).date())
            db.session.commit()
            return count

    return call
