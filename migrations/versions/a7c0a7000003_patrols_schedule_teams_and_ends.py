"""patrols: a schedule assigned to a team (a department) or a person, and its end

Revision ID: a7c0a7000003
Revises: a7c0a7000002
Create Date: 2026-11-30 18:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c0a7000003"
down_revision = "a7c0a7000002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pat_schedules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column("assignee_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_pat_schedules_department_id_departments"),
            "departments",
            ["department_id"],
            ["id"],
        )
    # A schedule switched off before is one that ended (when is not known: at its start).
    op.execute("UPDATE pat_schedules SET ended_at = created_at WHERE active = false")
    with op.batch_alter_table("pat_schedules", schema=None) as batch_op:
        batch_op.drop_column("active")


def downgrade():
    with op.batch_alter_table("pat_schedules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.execute("UPDATE pat_schedules SET active = false WHERE ended_at IS NOT NULL")
    op.execute(
        "UPDATE pat_runs SET schedule_id = NULL, due_at = NULL WHERE schedule_id IN "
        "(SELECT id FROM pat_schedules WHERE assignee_id IS NULL)"
    )
    op.execute("DELETE FROM pat_schedules WHERE assignee_id IS NULL")
    with op.batch_alter_table("pat_schedules", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_pat_schedules_department_id_departments"), type_="foreignkey"
        )
        batch_op.alter_column("assignee_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("ended_at")
        batch_op.drop_column("department_id")
