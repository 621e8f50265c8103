"""Migrations are the only way the schema is made: upgrading an empty database to head gives
exactly the models' schema."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from epa.extensions import NAMING_CONVENTION, db
from epa.types import UTCDateTime


def test_upgraded_database_matches_the_models(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "render_as_batch": True},
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_database_is_at_the_newest_migration(app):
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate

    with app.app_context(), db.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
        config = app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    assert Migrate  # Flask-Migrate is what `flask db upgrade` runs
    assert set(current) == set(heads) and len(heads) == 1


def test_every_constraint_is_named(app):
    assert set(NAMING_CONVENTION) == {"ix", "uq", "ck", "fk", "pk"}
    with app.app_context():
        inspector = inspect(db.engine)
        for table in inspector.get_table_names():
            if table == "alembic_version":
                continue
            for fk in inspector.get_foreign_keys(table):
                assert fk["name"], f"unnamed foreign key on {table}"
            for uq in inspector.get_unique_constraints(table):
                assert uq["name"], f"unnamed unique constraint on {table}"


def test_instants_are_stored_in_utc_and_read_back_aware(ctx):
    from datetime import UTC, datetime, timedelta, timezone

    from epa.audit.models import AuditEvent

    bst = timezone(timedelta(hours=1))
    event = AuditEvent(
        channel="cli",
        entity="user",
        entity_id="1",
        action="create",
        occurred_at=datetime(2026, 7, 1, 10, 0, tzinfo=bst),
    )
    db.session.add(event)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AuditEvent, event.id).occurred_at
    assert stored == datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    assert stored.utcoffset() == timedelta(0)
    assert isinstance(AuditEvent.__table__.c.occurred_at.type, UTCDateTime)


def test_check_constraints_match_the_models(app):
    """compare_metadata ignores CHECK constraints, so compare their names directly."""
    from sqlalchemy import CheckConstraint

    with app.app_context():
        inspector = inspect(db.engine)
        for table in db.metadata.sorted_tables:
            expected = {
                c.name for c in table.constraints if isinstance(c, CheckConstraint) and c.name
            }
            found = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert found == expected, table.name


def test_the_database_enforces_foreign_keys(app):
    """PostgreSQL always does; SQLite only when each connection asks."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    with app.app_context(), db.engine.connect() as conn:
        with pytest.raises(IntegrityError):
            conn.execute(
                text(
                    "INSERT INTO api_tokens (user_id, token_hash, prefix, created_at) "
                    "VALUES (999999, 'x', 'x', CURRENT_TIMESTAMP)"
                )
            )
        conn.rollback()


def test_the_sources_migration_upgrades_a_database_that_holds_a_standard(app):
    """0009 adds required columns: rows stored before it get defaults that say what they are
    (the EPAO's own criteria, no themes or fact sources yet), and the next load fills them."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import select

    from epa.standards.models import AssessmentMethod, Criterion, StandardVersion
    from epa.standards.services import load_standard
    from tests.conftest import fixture_data

    with app.app_context():
        load_standard(fixture_data())
        db.session.commit()
        db.session.remove()
        try:
            downgrade(revision="0008")
            upgrade()
            criteria = db.session.scalars(select(Criterion)).all()
            assert criteria and {c.source for c in criteria} == {"epao"}
            assert all("load the standard again" in c.source_reference for c in criteria)
            methods = db.session.scalars(select(AssessmentMethod)).all()
            assert {(str(m.themes), str(m.fact_sources)) for m in methods} == {("[]", "{}")}
            versions = db.session.scalars(select(StandardVersion)).all()
            assert [(v.fact_sources, v.plan_note) for v in versions] == [({}, None), ({}, None)]
            _, changes = load_standard(fixture_data())
            assert changes > 0
            db.session.commit()
            assert {c.source for c in db.session.scalars(select(Criterion))} == {"published"}
        finally:
            db.session.remove()
            upgrade()  # whatever failed above, the other tests need the newest schema


def test_attempts_recorded_before_0010_have_neither_new_check_and_no_warnings(tmp_path):
    """The columns added for the published gateway rules fill rows that already exist (on a
    SQLite file of its own, whatever database the run uses)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from epa import create_app
    from tests.conftest import test_settings

    app = create_app(test_settings(f"sqlite:///{tmp_path / 'old.sqlite'}", tmp_path))
    with app.app_context():
        upgrade(revision="0008")
        with db.engine.connect() as conn:
            # One attempt as the previous release wrote it; its parents do not matter here.
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            conn.execute(
                text(
                    "INSERT INTO gateway_attempts (apprentice_id, gateway_date, english, maths, "
                    "bsl, employer_confirmed, portfolio_submitted, passed, reasons, "
                    "recorded_at) VALUES (1, '2025-03-03', 'level2', 'level2', 0, 1, 1, 1, "
                    "'[]', '2025-03-03 10:00:00')"
                )
            )
            conn.commit()
        upgrade()
        with db.engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT provider_confirmed, project_summary_submitted, warnings "
                    "FROM gateway_attempts"
                )
            ).one()
        db.engine.dispose()
    assert (bool(row[0]), bool(row[1]), row[2]) == (False, False, "[]")
