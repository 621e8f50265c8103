"""the sources a standard's plan cites, listed once

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 16:50:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    # A standard loaded before gets an empty list; loading its fixture again fills it.
    with op.batch_alter_table("standards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sources", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("standards", schema=None) as batch_op:
        batch_op.alter_column("sources", server_default=None)


def downgrade():
    with op.batch_alter_table("standards", schema=None) as batch_op:
        batch_op.drop_column("sources")
