"""Backups: `epa backup PATH` copies the SQLite database while the service runs, and the copy
restores every record; on PostgreSQL the command names pg_dump, and the README's pg_dump and
pg_restore commands bring every record back."""

import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from epa import create_app
from epa.apprentices.models import Apprentice
from epa.audit.models import AuditEvent
from epa.extensions import db
from tests.conftest import test_settings as settings_for


def _on_postgres(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


@pytest.fixture
def records(app, booking_world, make_apprentice, client, api):
    """A booked apprentice, another registered one, users, audit events."""
    make_apprentice(uln="9999999999")
    answer = api("staff").post(
        "/api/v1/assessments",
        json={
            "apprentice_id": booking_world["apprentice"],
            "method": "discussion",
            "assessor_id": booking_world["assessor"],
            "starts_at": "2026-12-10T10:00",
            "location": "Online (Teams)",
        },
    )
    assert answer.status_code == 201, answer.get_json()
    return booking_world


def _every_row(connection_rows) -> dict[str, list[tuple]]:
    return {table: sorted(map(tuple, rows), key=repr) for table, rows in connection_rows.items()}


def _rows_in(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return _every_row(
            {table.name: conn.execute(select(table)).all() for table in db.metadata.sorted_tables}
        )


def test_the_copy_holds_every_record_and_restores(app, runner, records, tmp_path):
    if _on_postgres(app):
        pytest.skip("SQLite's online backup; PostgreSQL's is the next test")
    path = tmp_path / "epa-backup.sqlite"
    result = runner.invoke(args=["epa", "backup", str(path)])
    assert result.exit_code == 0, result.output
    assert f"to {path}" in result.output and "stop the service" in result.output
    with app.app_context():
        held = _rows_in(db.engine)
    assert sum(len(rows) for rows in held.values()) > 0
    # Restored: an app on the copy finds every row of every table, and serves the records.
    restored = create_app(settings_for(f"sqlite:///{path}", tmp_path))
    with restored.app_context():
        assert _rows_in(db.engine) == held
        assert db.session.get(Apprentice, records["apprentice"]) is not None
        db.engine.dispose()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_copy_made_while_the_service_writes_is_whole(app, runner, records, tmp_path):
    if _on_postgres(app):
        pytest.skip("SQLite's online backup")
    stop = threading.Event()

    def write():
        with app.app_context():
            while not stop.is_set():
                db.session.add(
                    AuditEvent(
                        channel="cli", entity="user", entity_id="1", action="update", after={}
                    )
                )
                db.session.commit()

    writer = threading.Thread(target=write)
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    writer.start()
    try:
        result = runner.invoke(args=["epa", "backup", str(tmp_path / "busy.sqlite")])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    with sqlite3.connect(tmp_path / "busy.sqlite") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        copied = copy.execute("SELECT count(*) FROM audit_events").fetchone()[0]
    copy.close()
    with app.app_context():
        after = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert before <= copied <= after


def test_an_existing_file_or_a_missing_folder_is_refused_and_nothing_is_written(
    app, runner, tmp_path
):
    if _on_postgres(app):
        pytest.skip("refused before either is looked at")
    kept = tmp_path / "kept.sqlite"
    kept.write_bytes(b"an earlier backup")
    result = runner.invoke(args=["epa", "backup", str(kept)])
    assert result.exit_code == 1
    assert "already exists: name a new file" in result.stderr
    assert kept.read_bytes() == b"an earlier backup"
    result = runner.invoke(args=["epa", "backup", str(tmp_path / "nowhere" / "b.sqlite")])
    assert result.exit_code == 1 and "does not exist" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.sqlite"]


def test_postgresql_is_backed_up_with_pg_dump_and_restores_every_record(
    app, runner, records, tmp_path
):
    if not _on_postgres(app):
        pytest.skip("PostgreSQL's tools")
    result = runner.invoke(args=["epa", "backup", str(tmp_path / "b.sqlite")])
    assert result.exit_code == 1
    assert "pg_dump --format=custom" in result.stderr and "pg_restore" in result.stderr
    assert not (tmp_path / "b.sqlite").exists()
    # The README's commands, on this server: a dump of the test database, restored into a new one.
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = tmp_path / "epa.dump"
    subprocess.run(  # noqa: S603
        ["pg_dump", "--format=custom", f"--file={dump}", libpq],  # noqa: S607
        check=True,
        timeout=120,
    )
    copy_name = f"{url.database}_restored"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{copy_name}"'))
    copy_url = url.set(database=copy_name)
    try:
        subprocess.run(  # noqa: S603
            [  # noqa: S607
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                f"--dbname={copy_url.set(drivername='postgresql').render_as_string(hide_password=False)}",
                str(dump),
            ],
            check=True,
            timeout=120,
        )
        restored = create_engine(copy_url)
        with app.app_context():
            assert _rows_in(restored) == _rows_in(db.engine)
        restored.dispose()
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)'))
        server.dispose()


def test_the_readme_gives_the_commands(app):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "flask --app app epa backup" in readme
    assert "pg_dump --format=custom" in readme and "pg_restore --clean --if-exists" in readme
