"""greening: an index of the tasks by due day, so the lead's completion of a week or a
month reads that period's tasks only

Revision ID: e6ee0000a006
Revises: e6ee0000a005
Create Date: 2026-12-01 05:50:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "e6ee0000a006"
down_revision = "e6ee0000a005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_grn_tasks_due_on", "grn_tasks", ["due_on"], unique=False)


def downgrade():
    op.drop_index("ix_grn_tasks_due_on", table_name="grn_tasks")
