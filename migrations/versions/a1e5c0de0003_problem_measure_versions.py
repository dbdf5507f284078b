"""problems and measures carry a version: a stale edit form cannot overwrite

Revision ID: a1e5c0de0003
Revises: a1e5c0de0002
Create Date: 2026-11-30 12:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a1e5c0de0003"
down_revision = "a1e5c0de0002"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("rect_problems", "rect_measures"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), server_default="1", nullable=False)
            )


def downgrade():
    for table in ("rect_problems", "rect_measures"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
