"""plan facts: the longest time on programme before gateway, the time limit for all methods,
and the overall grades in order

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 16:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows get the values the ST0825 plan states; loading a fixture sets them anew.
    with op.batch_alter_table("standard_versions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "max_months_before_gateway", sa.Integer(), nullable=False, server_default="24"
            )
        )
        batch_op.add_column(
            sa.Column("all_methods_within_months", sa.Integer(), nullable=False, server_default="6")
        )
        batch_op.add_column(
            sa.Column(
                "overall_grades",
                sa.JSON(),
                nullable=False,
                server_default='["fail", "pass", "merit", "distinction"]',
            )
        )
    with op.batch_alter_table("standard_versions", schema=None) as batch_op:
        batch_op.alter_column("max_months_before_gateway", server_default=None)
        batch_op.alter_column("all_methods_within_months", server_default=None)
        batch_op.alter_column("overall_grades", server_default=None)


def downgrade():
    with op.batch_alter_table("standard_versions", schema=None) as batch_op:
        batch_op.drop_column("overall_grades")
        batch_op.drop_column("all_methods_within_months")
        batch_op.drop_column("max_months_before_gateway")
