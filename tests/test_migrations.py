"""Migrations are the only way the schema is made: upgrading an empty database to head gives
exactly the models' schema."""

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from epa.extensions import NAMING_CONVENTION, db
from epa.types import UTCDateTime
from tests.pages.test_grading_pages import world  # noqa: F401 (a fixture)


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


def test_0013_keeps_the_criteria_results_already_submitted_were_judged_against(app, world):
    """Results submitted before 0013 get the criteria as they stand at the upgrade (which runs
    before the next load of the standard); drafts stay without. On the run's database."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from epa.grading.models import Result
    from epa.scheduling.models import Assessment
    from epa.standards.documents import criterion_document
    from tests.api.test_grading import only_pass

    discussion, project = world["discussion"], world["project"]
    # The results table as 0012 has it, written as the previous release wrote it.
    results = sa.table(
        "results",
        sa.column("assessment_id", sa.Integer),
        sa.column("judgements", sa.JSON),
        sa.column("method_grade", sa.String),
        sa.column("is_submitted", sa.Boolean),
        sa.column("submitted_at", UTCDateTime),
        sa.column("submitted_on", sa.Date),
        sa.column("submitted_by_id", sa.Integer),
        sa.column("updated_at", UTCDateTime),
    )
    when = datetime(2026, 12, 10, 11, 30, tzinfo=UTC)
    submitted = {
        "assessment_id": discussion,
        "judgements": only_pass("discussion"),
        "method_grade": "pass",
        "is_submitted": True,
        "submitted_at": when,
        "submitted_on": when.date(),
        "submitted_by_id": world["assessor"],
        "updated_at": when,
    }
    draft = {
        **submitted,
        "assessment_id": project,
        "judgements": {"P1": True},
        "method_grade": None,
        "is_submitted": False,
        "submitted_at": None,
        "submitted_on": None,
        "submitted_by_id": None,
    }
    with app.app_context():
        db.session.remove()
        try:
            downgrade(revision="0012")
            with db.engine.begin() as conn:
                conn.execute(results.insert(), [submitted, draft])
            upgrade()
            rows = {r.assessment_id: r for r in db.session.scalars(sa.select(Result))}
            method = db.session.get(Assessment, discussion).method
            assert rows[discussion].criteria_judged == [
                criterion_document(c) for c in method.criteria
            ]
            assert len(rows[discussion].criteria_judged) == len(only_pass("discussion"))
            assert rows[project].criteria_judged is None
            with db.engine.connect() as conn:  # SQL NULL, not JSON null
                nulls = conn.execute(
                    sa.text("SELECT count(*) FROM results WHERE criteria_judged IS NULL")
                ).scalar()
            assert nulls == 1
        finally:
            db.session.remove()
            upgrade()  # whatever failed above, the other tests need the newest schema
