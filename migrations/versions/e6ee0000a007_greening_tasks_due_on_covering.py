"""greening: the tasks' index by due day widened with the zone and the time done, so the
lead's completion of a week or a month counts the period's tasks from the index alone

Revision ID: e6ee0000a007
Revises: e6ee0000a006
Create Date: 2026-12-02 09:20:00.000000

"""

from alembic import op

revision = "e6ee0000a007"
down_revision = "e6ee0000a006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_grn_tasks_due_zone_done", "grn_tasks", ["due_on", "zone_id", "done_at"], unique=False
    )
    op.drop_index("ix_grn_tasks_due_on", table_name="grn_tasks")


def downgrade():
    op.create_index("ix_grn_tasks_due_on", "grn_tasks", ["due_on"], unique=False)
    op.drop_index("ix_grn_tasks_due_zone_done", table_name="grn_tasks")
