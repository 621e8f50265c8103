"""A consistent copy of the embedded SQLite database, made while the service runs.

SQLite's online backup copies every page under one read transaction, so the copy is the
database as it stood at one moment even while requests and workers write (in WAL mode they
carry on meanwhile). The copy is written beside its destination under a temporary name,
checked, and only then given its name: a failed or interrupted backup leaves no file that
looks like a good one. PostgreSQL has its own tools, which the refusal names.
"""

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

PG_DUMP = (
    "This database is PostgreSQL: back it up with pg_dump while the service runs, e.g. "
    'pg_dump --format=custom --file=epa.dump "$DATABASE_URL", and restore with '
    'pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" epa.dump '
    "(README, Backups)."
)


class BackupRefused(Exception):
    """Why no backup was written, in words that say what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    tables: int
    rows: int
    size_bytes: int


def back_up(engine: Engine, destination: Path) -> Backup:
    """Copy the database `engine` reaches to `destination`, a new file."""
    if engine.dialect.name != "sqlite":
        raise BackupRefused(PG_DUMP)
    destination = destination.expanduser()
    if destination.exists():
        raise BackupRefused(f"{destination} already exists: name a new file.")
    folder = destination.parent.resolve()
    if not folder.is_dir():
        raise BackupRefused(f"The folder {folder} does not exist: create it, or name another.")
    handle, partial = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".part", dir=folder)
    os.close(handle)
    try:
        with sqlite3.connect(partial) as copy:
            source = engine.raw_connection()
            try:
                # One step (pages=-1): the whole database under one read transaction.
                source.driver_connection.backup(copy, pages=-1)
            finally:
                source.close()
            tables, rows = _check(copy)
        copy.close()
        os.replace(partial, destination)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return Backup(destination, tables, rows, destination.stat().st_size)


def _check(copy: sqlite3.Connection) -> tuple[int, int]:
    """(tables, rows) of a copy that SQLite's own integrity check passes."""
    verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
    if verdict != "ok":
        raise BackupRefused(f"The copy failed SQLite's integrity check ({verdict}); none was kept.")
    names = [
        name
        for (name,) in copy.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    rows = sum(copy.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names)  # noqa: S608  # nosec B608
    return len(names), rows
