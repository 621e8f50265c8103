"""EPA rounds: an administrator can restart the whole EPA; earlier assessments stay on record
but no longer count. Method grades of resits and retakes are recorded as judged.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 18:00:00

"""

from alembic import op
import sqlalchemy as sa

from epa import clock


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    # Every existing apprentice and assessment is in its first EPA.
    with op.batch_alter_table("apprentices", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("epa_round", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.add_column(sa.Column("epa_restarted_on", sa.Date(), nullable=True))
        batch_op.create_check_constraint("epa_round_positive", "epa_round >= 1")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("epa_round", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.create_check_constraint("epa_round_positive", "epa_round >= 1")
    # An outcome per EPA: a restart leaves the earlier EPA's sign-off on record. The cap's
    # effect is kept as confirmed; outcomes confirmed before were under the earlier rule (the
    # cap lay on the method grade), so the grade they were confirmed with is their own.
    # The server defaults stay, so a process still on the release before can insert rows while
    # a rolling deploy replaces it.
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("epa_round", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.add_column(sa.Column("uncapped_grade", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("cap_reason", sa.Text(), nullable=True))
        batch_op.drop_constraint("uq_outcomes_apprentice_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_outcomes_apprentice_id_epa_round", ["apprentice_id", "epa_round"]
        )
    op.execute("UPDATE outcomes SET uncapped_grade = overall_grade")
    _record_retry_grades_as_judged()


def downgrade():
    _cap_retry_grades_again()
    # Only the latest EPA's outcome can stay when each apprentice has one again.
    op.execute(
        "DELETE FROM outcomes WHERE epa_round < "
        "(SELECT MAX(o.epa_round) FROM outcomes o WHERE o.apprentice_id = outcomes.apprentice_id)"
    )
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.drop_constraint("uq_outcomes_apprentice_id_epa_round", type_="unique")
        batch_op.create_unique_constraint("uq_outcomes_apprentice_id", ["apprentice_id"])
        batch_op.drop_column("cap_reason")
        batch_op.drop_column("uncapped_grade")
        batch_op.drop_column("epa_round")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_constraint("epa_round_positive", type_="check")
        batch_op.drop_column("epa_round")
    with op.batch_alter_table("apprentices", schema=None) as batch_op:
        batch_op.drop_constraint("epa_round_positive", type_="check")
        batch_op.drop_column("epa_restarted_on")
        batch_op.drop_column("epa_round")


results = sa.table(
    "results",
    sa.column("id", sa.Integer),
    sa.column("assessment_id", sa.Integer),
    sa.column("judgements", sa.JSON),
    sa.column("method_grade", sa.String),
    sa.column("is_submitted", sa.Boolean),
)
assessments = sa.table(
    "assessments",
    sa.column("id", sa.Integer),
    sa.column("method_id", sa.Integer),
    sa.column("apprentice_id", sa.Integer),
    sa.column("retry", sa.String),
    sa.column("exceptional_circumstances", sa.Boolean),
)
criteria = sa.table(
    "criteria",
    sa.column("method_id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("grade", sa.String),
)


outcomes = sa.table(
    "outcomes",
    sa.column("apprentice_id", sa.Integer),
    sa.column("confirmed_at", sa.DateTime),
)
audit_events = sa.table(
    "audit_events",
    sa.column("occurred_at", sa.DateTime),
    sa.column("channel", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_id", sa.String),
    sa.column("action", sa.String),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
    sa.column("reason", sa.Text),
)
REGRADE_REASON = (
    "The retry cap now lies on the EPA grade, so the method grade of a resit or retake is "
    "recorded as judged (results under a confirmed outcome keep the grade signed off)."
)


def _capped_retries(grade: str):
    """Submitted results of resits and retakes booked without exceptional circumstances, whose
    outcome is not confirmed: until now their method grade was capped, so a judged distinction
    was stored as pass. A confirmed outcome's results stay as they were signed off."""
    signed_off = (
        sa.select(outcomes.c.apprentice_id)
        .where(
            outcomes.c.apprentice_id == assessments.c.apprentice_id,
            outcomes.c.confirmed_at.is_not(None),
        )
        .exists()
    )
    return (
        sa.select(results.c.id, results.c.judgements, assessments.c.method_id)
        .join(assessments, assessments.c.id == results.c.assessment_id)
        .where(
            results.c.is_submitted.is_(True),
            results.c.method_grade == grade,
            assessments.c.retry.is_not(None),
            assessments.c.exceptional_circumstances.is_(False),
            ~signed_off,
        )
    )


def _audit_regrade(bind, result_id: int, before: str, after: str) -> None:
    bind.execute(
        audit_events.insert().values(
            occurred_at=clock.now().replace(tzinfo=None),  # stored as naive UTC
            channel="cli",
            entity="result",
            entity_id=str(result_id),
            action="regrade",
            before={"method_grade": before},
            after={"method_grade": after},
            reason=REGRADE_REASON,
        )
    )


def _record_retry_grades_as_judged():
    """Give such results the grade their judgements give (the cap now applies to the EPA grade).
    The only grade the cap changed was distinction (every pass and distinction criterion met)."""
    bind = op.get_bind()
    rows = bind.execute(_capped_retries("pass")).all()
    method_criteria: dict[int, list[tuple[str, str]]] = {}
    for method_id in {row.method_id for row in rows}:
        method_criteria[method_id] = [
            (c.code, c.grade)
            for c in bind.execute(
                sa.select(criteria.c.code, criteria.c.grade).where(
                    criteria.c.method_id == method_id
                )
            )
        ]
    for row in rows:
        codes = method_criteria[row.method_id]
        judgements = row.judgements or {}
        has_distinction = any(grade == "distinction" for _, grade in codes)
        if has_distinction and all(judgements.get(code) is True for code, _ in codes):
            bind.execute(
                results.update().where(results.c.id == row.id).values(method_grade="distinction")
            )
            _audit_regrade(bind, row.id, "pass", "distinction")


def _cap_retry_grades_again():
    bind = op.get_bind()
    ids = [row.id for row in bind.execute(_capped_retries("distinction"))]
    if ids:
        bind.execute(results.update().where(results.c.id.in_(ids)).values(method_grade="pass"))
