"""where each text comes from: criteria, themes, plan and method facts carry their source

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 18:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Criteria stored before now are the EPAO's own paraphrases, so "epao" is true of them; the next
# load of the fixture sets every source, theme and fact source anew.
UNRECORDED = "Recorded before sources were kept; load the standard again to fill this in."


def upgrade():
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=20), nullable=False, server_default="epao")
        )
        batch_op.add_column(
            sa.Column("source_reference", sa.Text(), nullable=False, server_default=UNRECORDED)
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_criteria_source_known"), "source IN ('published', 'epao')"
        )
    with op.batch_alter_table("assessment_methods", schema=None) as batch_op:
        batch_op.add_column(sa.Column("themes", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(
            sa.Column("fact_sources", sa.JSON(), nullable=False, server_default="{}")
        )
    with op.batch_alter_table("standard_versions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fact_sources", sa.JSON(), nullable=False, server_default="{}")
        )
        batch_op.add_column(sa.Column("plan_note", sa.JSON(), nullable=True))
    # The defaults only fill existing rows; new rows always come with the fixture's values.
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.alter_column("source", server_default=None)
        batch_op.alter_column("source_reference", server_default=None)
    with op.batch_alter_table("assessment_methods", schema=None) as batch_op:
        batch_op.alter_column("themes", server_default=None)
        batch_op.alter_column("fact_sources", server_default=None)
    with op.batch_alter_table("standard_versions", schema=None) as batch_op:
        batch_op.alter_column("fact_sources", server_default=None)


def downgrade():
    with op.batch_alter_table("standard_versions", schema=None) as batch_op:
        batch_op.drop_column("plan_note")
        batch_op.drop_column("fact_sources")
    with op.batch_alter_table("assessment_methods", schema=None) as batch_op:
        batch_op.drop_column("fact_sources")
        batch_op.drop_column("themes")
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_criteria_source_known"), type_="check")
        batch_op.drop_column("source_reference")
        batch_op.drop_column("source")
