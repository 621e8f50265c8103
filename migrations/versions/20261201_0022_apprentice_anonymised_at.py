"""apprentices: when their personal data was anonymised at the end of the retention period

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 00:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ALTER, never a batch copy of the table: on SQLite a copy would drop the
    # apprentice tally's triggers (migration 0020) with the old table.
    op.add_column("apprentices", sa.Column("anonymised_at", sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column("apprentices", "anonymised_at")
