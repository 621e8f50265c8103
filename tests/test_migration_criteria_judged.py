"""Migration 0013: results submitted before it keep the criteria as they stand at the upgrade,
which runs before the next load of the standard (`make run`, docker/start.sh); drafts stay
without. On the run's database: SQLite, or PostgreSQL when the run is given one."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from epa.extensions import db
from epa.grading.models import Result
from epa.scheduling.models import Assessment
from epa.standards.documents import criterion_document
from epa.standards.services import load_standard
from epa.types import UTCDateTime
from tests.api.test_criteria_judged import corrected_plan
from tests.api.test_grading import only_pass
from tests.pages.test_grading_pages import world  # noqa: F401 (a fixture)

#: the results table as 0012 has it
RESULTS_0012 = sa.table(
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
WHEN = datetime(2026, 12, 10, 11, 30, tzinfo=UTC)


def rows_0012(world) -> list[dict]:
    """A submitted discussion and a draft project, as the previous release wrote them."""
    submitted = {
        "assessment_id": world["discussion"],
        "judgements": only_pass("discussion"),
        "method_grade": "pass",
        "is_submitted": True,
        "submitted_at": WHEN,
        "submitted_on": WHEN.date(),
        "submitted_by_id": world["assessor"],
        "updated_at": WHEN,
    }
    draft = {
        **submitted,
        "assessment_id": world["project"],
        "judgements": {"P1": True},
        "method_grade": None,
        "is_submitted": False,
        "submitted_at": None,
        "submitted_on": None,
        "submitted_by_id": None,
    }
    return [submitted, draft]


def test_results_submitted_before_0013_keep_the_criteria_as_they_stood(app, world):
    with app.app_context():
        db.session.remove()
        try:
            downgrade(revision="0012")
            with db.engine.begin() as conn:
                conn.execute(RESULTS_0012.insert(), rows_0012(world))
            upgrade()
            results = {r.assessment_id: r for r in db.session.scalars(sa.select(Result))}
            submitted, draft = results[world["discussion"]], results[world["project"]]
            method = db.session.get(Assessment, world["discussion"]).method
            as_judged = [criterion_document(c) for c in method.criteria]
            assert submitted.criteria_judged == as_judged  # as the app would have kept them
            assert {c["id"] for c in as_judged} == set(submitted.judgements)
            assert draft.criteria_judged is None
            with db.engine.connect() as conn:  # SQL NULL, not a JSON null
                nulls = conn.execute(
                    sa.text("SELECT count(*) FROM results WHERE criteria_judged IS NULL")
                ).scalar()
            assert nulls == 1
            # The load that follows the upgrade rewords the criteria; the result keeps its own.
            load_standard(corrected_plan())
            db.session.commit()
            db.session.expire_all()
            assert db.session.get(Result, submitted.id).criteria_judged == as_judged
            assert [c.text for c in method.criteria] != [c["text"] for c in as_judged]
        finally:
            db.session.remove()
            upgrade()  # whatever failed above, the other tests need the newest schema
