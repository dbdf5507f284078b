"""greening: an index of the open tasks, so a gardener's list skips the done ones

Revision ID: e6ee0000a005
Revises: e6ee0000a004
Create Date: 2026-12-01 02:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e6ee0000a005"
down_revision = "e6ee0000a004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_grn_tasks_open",
        "grn_tasks",
        ["zone_id", "due_on"],
        unique=False,
        sqlite_where=sa.text("done_at IS NULL"),
        postgresql_where=sa.text("done_at IS NULL"),
    )


def downgrade():
    op.drop_index("ix_grn_tasks_open", table_name="grn_tasks")
