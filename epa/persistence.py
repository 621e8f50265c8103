"""Writing rows where the database itself guards uniqueness, and the locks that order writes."""

from dataclasses import dataclass

from sqlalchemy import event, inspect, select, text
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


@dataclass(frozen=True)
class Unique:
    """A column no two records share, and the 409 a duplicate gets: `code`, a `message` in
    which `{row.x}` stands for the new record's x, and an `explanation` for the request field
    at fault (`field`, when it is not the column's own name)."""

    code: str
    column: str
    message: str
    explanation: str
    field: str | None = None


def add_unique(row, unique: Unique):
    """Add `row` unless a record already holds its value of the unique column.

    The check before the insert gives the 409; a simultaneous request that wins the race to
    insert is caught by the database's own unique constraint and gets the same 409.
    """
    column = getattr(type(row), unique.column)
    conflict = ServiceError(
        unique.code,
        unique.message.format(row=row),
        status=409,
        fields={unique.field or unique.column: unique.explanation},
    )
    taken = select(column).where(column == getattr(row, unique.column)).limit(1)
    if db.session.scalar(taken) is not None:
        raise conflict
    db.session.add(row)
    flush_or_conflict(conflict)
    return row


def lock_diaries(apprentice_id: int, assessor_ids: list[int]) -> None:
    """Serialise changes that touch the same apprentice or assessor until this one commits.

    Everything that books, moves, cancels, withdraws, restarts, changes a version or confirms an
    outcome takes these locks first, then reads what it decides on afresh.
    PostgreSQL: row locks, always apprentices first, then assessors by id (no deadlocks).
    SQLite: the first write takes the database's write lock, so simultaneous changes queue.
    """
    lock_many_diaries([apprentice_id], assessor_ids)


def lock_many_diaries(apprentice_ids: list[int], assessor_ids: list[int]) -> None:
    """`lock_diaries` for many apprentices at once (a cohort plan's bookings), in the same
    order: every apprentice by id, then every assessor by id, so that no two changes ever wait
    on each other."""
    if db.session.get_bind().dialect.name == "postgresql":
        for apprentice_id in sorted(set(apprentice_ids)):
            db.session.execute(
                text("SELECT id FROM apprentices WHERE id = :id FOR UPDATE"), {"id": apprentice_id}
            )
        for assessor_id in sorted(set(assessor_ids)):
            db.session.execute(
                text("SELECT id FROM users WHERE id = :id FOR UPDATE"), {"id": assessor_id}
            )
    elif apprentice_ids:  # one write takes SQLite's single write lock
        db.session.execute(
            text("UPDATE apprentices SET id = id WHERE id = :id"), {"id": min(apprentice_ids)}
        )


@event.listens_for(Engine, "connect")
def _sqlite_settings(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        # SQLite ignores foreign keys unless asked, per connection; PostgreSQL always does.
        cursor.execute("PRAGMA foreign_keys=ON")
        # Write-ahead logging: pages keep reading while a job (a large import) writes, instead
        # of waiting on the one lock and answering 503.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def id_of(record) -> int | None:
    """A loaded record's id without reading it again: after a commit its attributes are
    expired, and `record.id` would cost a SELECT (the request log and the audit ask for the
    acting user's id after the request's commit)."""
    if record is None:
        return None
    identity = inspect(record).identity
    return identity[0] if identity else record.id
