"""greening: task types (season, frequency) and tasks per zone

Revision ID: e6ee0000a002
Revises: e6ee0000a001
Create Date: 2026-11-30 17:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e6ee0000a002"
down_revision = "e6ee0000a001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "grn_task_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "zone_kind",
            sa.Enum(
                "lawn",
                "flower_bed",
                "woodland",
                "hedge",
                "waterside",
                "roadside",
                name="zonekind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("start_month", sa.Integer(), nullable=False),
        sa.Column("start_day", sa.Integer(), nullable=False),
        sa.Column("end_month", sa.Integer(), nullable=False),
        sa.Column("end_day", sa.Integer(), nullable=False),
        sa.Column("frequency_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grn_task_types")),
    )
    op.create_table(
        "grn_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("task_type_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("photo_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_grn_tasks_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"], ["users.id"], name=op.f("fk_grn_tasks_done_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["attachments.id"], name=op.f("fk_grn_tasks_photo_id_attachments")
        ),
        sa.ForeignKeyConstraint(
            ["task_type_id"],
            ["grn_task_types.id"],
            name=op.f("fk_grn_tasks_task_type_id_grn_task_types"),
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["grn_zones.id"], name=op.f("fk_grn_tasks_zone_id_grn_zones")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grn_tasks")),
        sa.UniqueConstraint(
            "zone_id",
            "task_type_id",
            "due_on",
            name=op.f("uq_grn_tasks_zone_id_task_type_id_due_on"),
        ),
    )
    op.create_index("ix_grn_tasks_zone_due", "grn_tasks", ["zone_id", "due_on"], unique=False)


def downgrade():
    op.drop_index("ix_grn_tasks_zone_due", table_name="grn_tasks")
    op.drop_table("grn_tasks")
    op.drop_table("grn_task_types")
