"""assessors' working patterns, and the cohort planner's plans

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 21:17:10.931172

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assessor_patterns",
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("weekday_mask", sa.Integer(), nullable=False),
        sa.Column("starts_minute", sa.Integer(), nullable=False),
        sa.Column("ends_minute", sa.Integer(), nullable=False),
        sa.Column("max_per_day", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "max_per_day BETWEEN 1 AND 10", name=op.f("ck_assessor_patterns_max_per_day_range")
        ),
        sa.CheckConstraint(
            "starts_minute >= 480 AND ends_minute <= 1080 AND starts_minute < ends_minute",
            name=op.f("ck_assessor_patterns_within_the_service_day"),
        ),
        sa.CheckConstraint(
            "weekday_mask BETWEEN 1 AND 127", name=op.f("ck_assessor_patterns_some_weekday")
        ),
        sa.ForeignKeyConstraint(
            ["assessor_id"], ["users.id"], name=op.f("fk_assessor_patterns_assessor_id_users")
        ),
        sa.PrimaryKeyConstraint("assessor_id", name=op.f("pk_assessor_patterns")),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("solver_status", sa.String(length=20), nullable=False),
        sa.Column("booked_at", sa.DateTime(), nullable=True),
        sa.Column("booked_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('proposed', 'booked')", name=op.f("ck_plans_status_known")),
        sa.ForeignKeyConstraint(
            ["booked_by_id"], ["users.id"], name=op.f("fk_plans_booked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_plans_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_table(
        "plan_unplaced",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("apprentice_id", sa.Integer(), nullable=False),
        sa.Column("method_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["apprentice_id"],
            ["apprentices.id"],
            name=op.f("fk_plan_unplaced_apprentice_id_apprentices"),
        ),
        sa.ForeignKeyConstraint(
            ["method_id"],
            ["assessment_methods.id"],
            name=op.f("fk_plan_unplaced_method_id_assessment_methods"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_unplaced_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_unplaced")),
    )
    with op.batch_alter_table("plan_unplaced", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_unplaced_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("apprentice_id", sa.Integer(), nullable=False),
        sa.Column("method_id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["apprentice_id"],
            ["apprentices.id"],
            name=op.f("fk_plan_items_apprentice_id_apprentices"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_plan_items_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["assessor_id"], ["users.id"], name=op.f("fk_plan_items_assessor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["method_id"],
            ["assessment_methods.id"],
            name=op.f("fk_plan_items_method_id_assessment_methods"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_items_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_items")),
        sa.UniqueConstraint("plan_id", "position", name=op.f("uq_plan_items_plan_id_position")),
    )
    with op.batch_alter_table("plan_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_items_plan_id"), ["plan_id"], unique=False)


def downgrade():
    with op.batch_alter_table("plan_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_items_plan_id"))

    op.drop_table("plan_items")
    with op.batch_alter_table("plan_unplaced", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_unplaced_plan_id"))

    op.drop_table("plan_unplaced")
    op.drop_table("plans")
    op.drop_table("assessor_patterns")
