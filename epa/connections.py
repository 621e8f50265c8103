"""How a request uses its PostgreSQL connection: as few round trips as the work allows.

A read-only request (GET, HEAD) for a page or JSON is answered in autocommit: no BEGIN before
its first statement and no ROLLBACK after its last, two of the five round trips the busiest
list paid. Its reads are no less consistent for it (READ COMMITTED gives each statement its
own snapshot anyway), and the few writes a GET makes are single statements (a token's last
use, an audit event of a download). Every other request keeps one transaction for all it does.

A connection is checked before use only when it has been idle a while (IDLE_SECONDS), rather
than on every checkout: a busy worker's connections are known good from the last request, and
one a restarted server closed fails its first statement, answered as any database error (503),
after which the pool drops every connection of that server and the next request reconnects.
SQLite (one file, no server) needs neither.
"""

import time

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session

from epa.extensions import db

#: A connection idle longer than this is pinged before use.
IDLE_SECONDS = 10
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})
#: Endpoints that read no database: no connection is taken for them.
NO_DATABASE = frozenset({"static", "ops.assets", "ops.healthz", "ops.metrics"})
#: Downloads keep their transaction: a returns spreadsheet streams its rows through a
#: server-side cursor, which lives only inside one.
FILES = (".xlsx", ".csv", ".ics")


def init_connections(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return
    event.listen(engine, "checkout", _ping_when_idle)
    event.listen(engine, "checkin", _note_idle)

    @app.before_request
    def read_without_a_transaction():
        # Marked now, applied at the first statement: a request that reads nothing (a page
        # drawn from templates alone, the API's document) takes no connection at all.
        if (
            request.method in READ_ONLY_METHODS
            and request.endpoint not in NO_DATABASE
            and not request.path.endswith(FILES)
        ):
            db.session.info[_READS_ONLY] = True


_READS_ONLY = "epa_reads_only"


@event.listens_for(Session, "do_orm_execute")
def _first_statement(state) -> None:
    session = state.session
    if session.info.pop(_READS_ONLY, False) and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def _note_idle(dbapi_connection, record) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_when_idle(dbapi_connection, record, proxy) -> None:
    idle_since = record.info.get("idle_since")
    if idle_since is not None and time.monotonic() - idle_since < IDLE_SECONDS:
        return
    # Outside any transaction, so the connection comes back as it went out.
    autocommit = dbapi_connection.autocommit
    try:
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        dbapi_connection.autocommit = autocommit
    except Exception as error:
        # The pool throws this connection away and checks out another (three tries).
        raise DisconnectionError(str(error)) from error
