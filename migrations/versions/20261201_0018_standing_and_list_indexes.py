"""where each apprentice's EPA stands, kept on the row; indexes for the start pages and lists

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 00:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# epa.dashboard.standing's judgement as it is today, for the rows already recorded: a migration
# keeps its own copy.
_LIVE = (
    "s.apprentice_id = apprentices.id AND s.epa_round = apprentices.epa_round"
    " AND s.status <> 'cancelled'"
)
_FILL = """
UPDATE apprentices SET
  method_unbooked = EXISTS (
    SELECT 1 FROM assessment_methods m WHERE m.version_id = apprentices.version_id
    AND NOT EXISTS (SELECT 1 FROM assessments s WHERE @LIVE AND s.method_id = m.id)),
  outcome_provisional = (
    apprentices.status = 'in_epa'
    AND NOT EXISTS (
      SELECT 1 FROM assessments s LEFT JOIN results r ON r.assessment_id = s.id
      WHERE @LIVE AND (r.id IS NULL OR r.is_submitted = false))
    AND NOT EXISTS (
      SELECT 1 FROM assessment_methods m WHERE m.version_id = apprentices.version_id
      AND NOT EXISTS (
        SELECT 1 FROM assessments s JOIN results r ON r.assessment_id = s.id
        WHERE @LIVE AND s.method_id = m.id AND r.is_submitted = true))
    AND NOT EXISTS (
      SELECT 1 FROM outcomes o WHERE o.apprentice_id = apprentices.id
      AND o.epa_round = apprentices.epa_round AND o.confirmed_at IS NOT NULL))
""".replace("@LIVE", _LIVE)


def upgrade():
    with op.batch_alter_table("apprentices", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("method_unbooked", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "outcome_provisional", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    op.execute(_FILL)
    with op.batch_alter_table("apprentices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_apprentices_unbooked_order",
            ["epa_deadline", "family_name", "given_names", "id"],
            unique=False,
            sqlite_where=sa.text("method_unbooked"),
            postgresql_where=sa.text("method_unbooked"),
        )
        batch_op.create_index(
            "ix_apprentices_provisional",
            ["id"],
            unique=False,
            sqlite_where=sa.text("outcome_provisional"),
            postgresql_where=sa.text("outcome_provisional"),
        )
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.create_index("ix_outcomes_epa_date", ["epa_date"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_apprentices_search_name_trgm",
        "apprentices",
        ["search_name"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"search_name": "gin_trgm_ops"},
    )


def downgrade():
    op.drop_index("ix_apprentices_search_name_trgm", table_name="apprentices")
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.drop_index("ix_outcomes_epa_date")
    with op.batch_alter_table("apprentices", schema=None) as batch_op:
        batch_op.drop_index("ix_apprentices_provisional")
        batch_op.drop_index("ix_apprentices_unbooked_order")
        batch_op.drop_column("outcome_provisional")
        batch_op.drop_column("method_unbooked")
