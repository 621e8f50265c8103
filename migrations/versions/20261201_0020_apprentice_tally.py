"""apprentice_tally: how many apprentices there are, kept by triggers on apprentices

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 00:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# PostgreSQL: one trigger per statement (COPY and multi-row inserts included), reading the
# statement's rows from its transition table. Each writes its change as a row of its own, with
# every tally row no other transaction holds folded into it (SKIP LOCKED), so concurrent writers
# never wait on one another and the table stays a few rows long. The sum of `n` is exact: a row
# is folded only by the transaction that locked it, and only once it is committed.
POSTGRESQL_FUNCTION = """
CREATE FUNCTION apprentice_tally_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change bigint;
BEGIN
    SELECT {sign}count(*) INTO change FROM {rows};
    IF change <> 0 THEN
        WITH folded AS (
            DELETE FROM apprentice_tally
            WHERE id IN (SELECT id FROM apprentice_tally FOR UPDATE SKIP LOCKED)
            RETURNING n
        )
        INSERT INTO apprentice_tally (n) SELECT change + coalesce(sum(n), 0) FROM folded;
    END IF;
    RETURN NULL;
END
$$
"""
POSTGRESQL_TRIGGER = """
CREATE TRIGGER apprentice_tally_{name} AFTER {event} ON apprentices
REFERENCING {side} TABLE AS {rows} FOR EACH STATEMENT EXECUTE FUNCTION apprentice_tally_{name}()
"""
POSTGRESQL_TRUNCATE = """
CREATE FUNCTION apprentice_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM apprentice_tally;
    RETURN NULL;
END
$$
"""
# SQLite: one row, id 1, moved by each row inserted or deleted.
SQLITE_TRIGGER = """
CREATE TRIGGER apprentice_tally_{name} AFTER {event} ON apprentices BEGIN
    INSERT INTO apprentice_tally (id, n) VALUES (1, {sign}1)
    ON CONFLICT (id) DO UPDATE SET n = n {sign_or_plus} 1;
END
"""
CHANGES = {"insert": ("INSERT", "NEW", "added", ""), "delete": ("DELETE", "OLD", "removed", "-")}


def upgrade():
    op.create_table(
        "apprentice_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apprentice_tally")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for name, (event, side, rows, sign) in CHANGES.items():
            op.execute(POSTGRESQL_FUNCTION.format(name=name, sign=sign, rows=rows))
            op.execute(POSTGRESQL_TRIGGER.format(name=name, event=event, side=side, rows=rows))
        op.execute(POSTGRESQL_TRUNCATE)
        op.execute(
            "CREATE TRIGGER apprentice_tally_truncate AFTER TRUNCATE ON apprentices "
            "FOR EACH STATEMENT EXECUTE FUNCTION apprentice_tally_truncate()"
        )
        # The triggers' lock keeps writers out until this commits, so the count stays right.
        op.execute("INSERT INTO apprentice_tally (n) SELECT count(*) FROM apprentices")
    else:
        for name, (event, _, _, sign) in CHANGES.items():
            op.execute(
                SQLITE_TRIGGER.format(name=name, event=event, sign=sign, sign_or_plus=sign or "+")
            )
        op.execute("INSERT INTO apprentice_tally (id, n) SELECT 1, count(*) FROM apprentices")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in (*CHANGES, "truncate"):
            op.execute(f"DROP TRIGGER apprentice_tally_{name} ON apprentices")
            op.execute(f"DROP FUNCTION apprentice_tally_{name}()")
    else:
        for name in CHANGES:
            op.execute(f"DROP TRIGGER apprentice_tally_{name}")
    op.drop_table("apprentice_tally")
