"""Migrations are the only way the schema is made: upgrading an empty database to head gives
exactly the models' schema, and every downgrade undoes its upgrade."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, UniqueConstraint, inspect

from epa import create_app
from epa.extensions import db
from epa.types import UTCDateTime
from tests.conftest import fresh_database
from tests.conftest import test_settings as settings_for  # its own name is not a test


def model_differences() -> list:
    """What alembic finds between the app's database and the models."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "render_as_batch": True},
        )
        return compare_metadata(context, db.metadata)


def check_constraint_differences() -> list:
    """compare_metadata ignores CHECK constraints, so compare their names directly."""
    inspector = inspect(db.engine)
    differences = []
    for table in db.metadata.sorted_tables:
        expected = {c.name for c in table.constraints if isinstance(c, CheckConstraint) and c.name}
        found = {c["name"] for c in inspector.get_check_constraints(table.name)}
        if found != expected:
            differences.append((table.name, sorted(found), sorted(expected)))
    return differences


def test_upgraded_database_matches_the_models(app):
    with app.app_context():
        diff = model_differences()
    assert diff == [], f"models and migrations disagree: {diff}"


@pytest.fixture
def own_app(tmp_path):
    """The app on an empty database of this test's own (an SQLite file, or a PostgreSQL database
    made and dropped for it), so going down to base cannot disturb the run's shared database."""
    with fresh_database(tmp_path) as url:
        app = create_app(settings_for(url, tmp_path))
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_migrations_go_down_to_base_and_up_again(own_app):
    with own_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade()
        assert model_differences() == []
        assert check_constraint_differences() == []


def schema() -> dict:
    """Everything reflection tells about each table, as comparable values."""
    inspector = inspect(db.engine)

    def words(value) -> str:
        # A partial index's condition is an SQL expression object: compare its text.
        if isinstance(value, dict):
            return str(sorted((key, str(v)) for key, v in value.items()))
        return str(value)

    def plain(items, *keys):
        return sorted(tuple(words(item.get(key)) for key in keys) for item in items)

    return {
        table: {
            "columns": plain(inspector.get_columns(table), "name", "type", "nullable", "default"),
            "primary key": inspector.get_pk_constraint(table)["constrained_columns"],
            "indexes": plain(
                inspector.get_indexes(table), "name", "column_names", "unique", "dialect_options"
            ),
            "unique": plain(inspector.get_unique_constraints(table), "name", "column_names"),
            "foreign keys": plain(
                inspector.get_foreign_keys(table),
                "name",
                "constrained_columns",
                "referred_table",
                "referred_columns",
                "options",
            ),
            "checks": plain(inspector.get_check_constraints(table), "name", "sqltext"),
        }
        for table in inspector.get_table_names()
        if table != "alembic_version"
    }


def test_each_downgrade_gives_back_the_schema_before_its_upgrade(own_app):
    """Down to base and up again passes even when a downgrade forgets what a later upgrade
    drops anyway (an index put back, say); so each step down is compared with the way up."""
    with own_app.app_context():
        config = own_app.extensions["migrate"].migrate.get_config()
        revisions = [r.revision for r in ScriptDirectory.from_config(config).walk_revisions()]
        before = {}
        for revision in reversed(revisions):  # walk_revisions goes from head to base
            before[revision] = schema()
            upgrade(revision=revision)
        for revision in revisions:
            downgrade(revision="-1")
            after = schema()
            changed = sorted(
                t for t in {*after, *before[revision]} if after.get(t) != before[revision].get(t)
            )
            assert after == before[revision], f"the downgrade of {revision} changes {changed}"


def test_database_is_at_the_newest_migration(app):
    with app.app_context(), db.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
        config = app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    assert set(current) == set(heads) and len(heads) == 1


def test_every_constraint_is_named_as_the_models_name_it(app):
    """Batch mode on SQLite can only alter what it can name. PostgreSQL names an unnamed
    constraint itself (`users_email_key`), so the names must be the models', not just present."""
    with app.app_context():
        inspector = inspect(db.engine)
        for table in db.metadata.sorted_tables:
            found = {fk["name"] for fk in inspector.get_foreign_keys(table.name)}
            assert found == {fk.name for fk in table.foreign_key_constraints}, table.name
            found = {uq["name"] for uq in inspector.get_unique_constraints(table.name)}
            expected = {c.name for c in table.constraints if isinstance(c, UniqueConstraint)}
            assert found == expected, table.name


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
    with app.app_context():
        assert check_constraint_differences() == []


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
