"""Writing rows where the database itself guards uniqueness, and the locks that order writes."""

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from epa.errors import ServiceError
from epa.extensions import db


def flush_or_conflict(conflict: ServiceError) -> None:
    """Flush; when a unique constraint refuses the row (a simultaneous request won), raise the
    409 the check before it would have raised. The whole request's transaction rolls back."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise conflict from None


def lock_diaries(apprentice_id: int, assessor_ids: list[int]) -> None:
    """Serialise changes that touch the same apprentice or assessor until this one commits.

    Everything that books, moves, cancels, withdraws, restarts, changes a version or confirms an
    outcome takes these locks first, then reads what it decides on afresh.
    PostgreSQL: row locks, always apprentice first, then assessors by id (no deadlocks).
    SQLite: the first write takes the database's write lock, so simultaneous changes queue.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT id FROM apprentices WHERE id = :id FOR UPDATE"), {"id": apprentice_id}
        )
        for assessor_id in sorted(set(assessor_ids)):
            db.session.execute(
                text("SELECT id FROM users WHERE id = :id FOR UPDATE"), {"id": assessor_id}
            )
    else:
        db.session.execute(
            text("UPDATE apprentices SET id = id WHERE id = :id"), {"id": apprentice_id}
        )


@event.listens_for(Engine, "connect")
def _sqlite_enforces_foreign_keys(dbapi_connection, connection_record):
    # SQLite ignores foreign keys unless asked, per connection; PostgreSQL always enforces them.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
