"""Claiming a notice: the database's unique key decides who sends it, whoever asks first."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from epa import clock
from epa.extensions import db
from epa.reminders.models import Notice

#: the service runs on these two; each says "insert unless the key is taken" its own way
_UPSERTING = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def already_sent(keys: list[str]) -> set[str]:
    """Which of the keys have a notice, in one query (so a second run reads, not writes)."""
    if not keys:
        return set()
    return set(db.session.scalars(select(Notice.key).where(Notice.key.in_(keys))))


def claim(key: str, today: date) -> bool:
    """Record the notice in the current transaction; False when it is already recorded.

    On PostgreSQL a claim that meets another transaction's uncommitted claim waits for it:
    it gets the key if that one rolls back, and gives way if it commits. A read before the
    insert could not tell, so the insert itself decides.
    """
    values = {"key": key, "sent_on": today, "created_at": clock.now()}
    insert = _UPSERTING[db.session.get_bind().dialect.name]
    statement = (
        insert(Notice.__table__)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        # rowcount is not reliable here across drivers (psycopg gives -1); a returned row is
        .returning(Notice.__table__.c.id)
    )
    return db.session.execute(statement).first() is not None
