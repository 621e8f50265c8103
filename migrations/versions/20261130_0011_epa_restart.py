"""EPA rounds: an administrator can restart the whole EPA; earlier assessments stay on record
but no longer count. Method grades of resits and retakes are recorded as judged.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 18:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    # Every existing apprentice and assessment is in its first EPA.
    with op.batch_alter_table("apprentices", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("epa_round", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(sa.Column("epa_restarted_on", sa.Date(), nullable=True))
        batch_op.create_check_constraint("epa_round_positive", "epa_round >= 1")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("epa_round", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_check_constraint("epa_round_positive", "epa_round >= 1")
    with op.batch_alter_table("apprentices", schema=None) as batch_op:
        batch_op.alter_column("epa_round", server_default=None)
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.alter_column("epa_round", server_default=None)
    _record_retry_grades_as_judged()


def downgrade():
    _cap_retry_grades_again()
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
    sa.column("retry", sa.String),
    sa.column("exceptional_circumstances", sa.Boolean),
)
criteria = sa.table(
    "criteria",
    sa.column("method_id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("grade", sa.String),
)


def _capped_retries(grade: str):
    """Submitted results of resits and retakes booked without exceptional circumstances: until
    now their method grade was capped, so a judged distinction was stored as pass."""
    return (
        sa.select(results.c.id, results.c.judgements, assessments.c.method_id)
        .join(assessments, assessments.c.id == results.c.assessment_id)
        .where(
            results.c.is_submitted.is_(True),
            results.c.method_grade == grade,
            assessments.c.retry.is_not(None),
            assessments.c.exceptional_circumstances.is_(False),
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


def _cap_retry_grades_again():
    bind = op.get_bind()
    ids = [row.id for row in bind.execute(_capped_retries("distinction"))]
    if ids:
        bind.execute(results.update().where(results.c.id.in_(ids)).values(method_grade="pass"))
