"""Writing rows where the database itself guards uniqueness."""

from sqlalchemy import event
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


@event.listens_for(Engine, "connect")
def _sqlite_enforces_foreign_keys(dbapi_connection, connection_record):
    # SQLite ignores foreign keys unless asked, per connection; PostgreSQL always enforces them.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
