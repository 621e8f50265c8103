"""sign-in failures: the address each came from, so throttling counts per email and address

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 00:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    # Failures are kept for 15 minutes: the ones already kept have no address to count by.
    op.execute("DELETE FROM sign_in_failures")
    with op.batch_alter_table("sign_in_failures") as batch:
        batch.add_column(sa.Column("address", sa.String(length=45), nullable=False))
        batch.create_index(
            "ix_sign_in_failures_address_occurred_at", ["address", "occurred_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("sign_in_failures") as batch:
        batch.drop_index("ix_sign_in_failures_address_occurred_at")
        batch.drop_column("address")
