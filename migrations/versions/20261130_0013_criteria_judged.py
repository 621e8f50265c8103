"""a submitted result keeps the criteria it was judged against

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 17:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# The tables as they stand at this revision, for the data step: the models may change later.
results = sa.table(
    "results",
    sa.column("id", sa.Integer),
    sa.column("assessment_id", sa.Integer),
    sa.column("is_submitted", sa.Boolean),
    sa.column("criteria_judged", sa.JSON(none_as_null=True)),
)
assessments = sa.table(
    "assessments", sa.column("id", sa.Integer), sa.column("method_id", sa.Integer)
)
criteria = sa.table(
    "criteria",
    sa.column("id", sa.Integer),
    sa.column("method_id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("theme", sa.String),
    sa.column("grade", sa.String),
    sa.column("text", sa.Text),
    sa.column("source", sa.String),
    sa.column("source_reference", sa.Text),
    sa.column("position", sa.Integer),
)
criterion_ksbs = sa.table(
    "criterion_ksbs", sa.column("criterion_id", sa.Integer), sa.column("ksb_id", sa.Integer)
)
ksbs = sa.table(
    "ksbs",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("position", sa.Integer),
)


def upgrade():
    with op.batch_alter_table("results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("criteria_judged", sa.JSON(none_as_null=True), nullable=True))
    # Results already submitted were judged against the criteria as they are now: this runs
    # before the next `load-standard`, which may reword them. Drafts stay null.
    conn = op.get_bind()
    submitted = conn.execute(
        sa.select(results.c.id, assessments.c.method_id)
        .join(assessments, assessments.c.id == results.c.assessment_id)
        .where(results.c.is_submitted == sa.true())
    ).all()
    if not submitted:
        return
    snapshots = _snapshots(conn, {method_id for _, method_id in submitted})
    conn.execute(
        results.update()
        .where(results.c.id == sa.bindparam("result_id"))
        .values(criteria_judged=sa.bindparam("snapshot", type_=sa.JSON(none_as_null=True))),
        [
            {"result_id": result_id, "snapshot": snapshots.get(method_id, [])}
            for result_id, method_id in submitted
        ],
    )


def _snapshots(conn, method_ids: set[int]) -> dict[int, list[dict]]:
    """Each method's criteria in the plan's order, in the shape the app writes on submission
    (epa.standards.documents.criterion_document), read with SQL as this revision has them."""
    rows = conn.execute(
        sa.select(criteria)
        .where(criteria.c.method_id.in_(method_ids))
        .order_by(criteria.c.method_id, criteria.c.position)
    ).all()
    codes: dict[int, list[str]] = {}
    for criterion_id, code in conn.execute(
        sa.select(criterion_ksbs.c.criterion_id, ksbs.c.code)
        .join(ksbs, ksbs.c.id == criterion_ksbs.c.ksb_id)
        .where(criterion_ksbs.c.criterion_id.in_([row.id for row in rows]))
        .order_by(ksbs.c.position)
    ):
        codes.setdefault(criterion_id, []).append(code)
    found: dict[int, list[dict]] = {}
    for row in rows:
        found.setdefault(row.method_id, []).append(
            {
                "id": row.code,
                "theme": row.theme,
                "ksbs": codes.get(row.id, []),
                "grade": row.grade,
                "text": row.text,
                "source": row.source,
                "reference": row.source_reference,
            }
        )
    return found


def downgrade():
    with op.batch_alter_table("results", schema=None) as batch_op:
        batch_op.drop_column("criteria_judged")
