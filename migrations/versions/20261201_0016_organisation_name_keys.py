"""training providers' name keys; employers' keys ignore runs of spaces too

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 00:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _key(name: str) -> str:
    # epa.rules.organisations.organisation_name_key as it is today: a migration keeps its own copy
    return " ".join(name.split()).casefold()[:200]


def _fill_keys(connection, table_name: str) -> None:
    """Give every row its name's key. Rows already recorded under one name (ignoring case and
    spacing) keep loading: the oldest gets the plain key, each later one a key of its own
    (its id appended), until someone renames it, when the duplicate check applies."""
    table = sa.table(table_name, sa.column("id"), sa.column("name"), sa.column("name_key"))
    rows = connection.execute(sa.select(table.c.id, table.c.name).order_by(table.c.id)).all()
    # Every row first takes a key no name gives, so that no update meets a key not yet moved.
    for row_id, _ in rows:
        connection.execute(table.update().where(table.c.id == row_id).values(name_key=f"#{row_id}"))
    taken = set()
    for row_id, name in rows:
        key = _key(name)
        if key in taken:
            key = f"{key[:185]}#{row_id}"
        taken.add(key)
        connection.execute(table.update().where(table.c.id == row_id).values(name_key=key))


def upgrade():
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=200), nullable=True))
    connection = op.get_bind()
    _fill_keys(connection, "providers")
    _fill_keys(connection, "employers")
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=200), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_providers_name_key"), ["name_key"])
        batch_op.create_index(batch_op.f("ix_providers_name"), ["name"], unique=False)


def downgrade():
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_providers_name"))
        batch_op.drop_constraint(batch_op.f("uq_providers_name_key"), type_="unique")
        batch_op.drop_column("name_key")
