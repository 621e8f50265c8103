"""gateway evidence as published: the provider's confirmation, the project summary, and
warnings on an attempt

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 16:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    # Attempts recorded before these columns existed had neither check, and no warnings. The
    # server defaults stay, so an app process still running the previous release can keep
    # recording attempts while the new one rolls out.
    with op.batch_alter_table("gateway_attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("provider_confirmed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column(
                "project_summary_submitted",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
        batch_op.add_column(
            sa.Column("warnings", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade():
    with op.batch_alter_table("gateway_attempts", schema=None) as batch_op:
        batch_op.drop_column("warnings")
        batch_op.drop_column("project_summary_submitted")
        batch_op.drop_column("provider_confirmed")
