"""users, sites and departments count their edits: a stale admin form cannot overwrite

Revision ID: 5ec2e0d1a004
Revises: a1e5c0de0003
Create Date: 2026-11-30 13:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5ec2e0d1a004"
down_revision = "a1e5c0de0003"
branch_labels = None
depends_on = None

TABLES = ("users", "sites", "departments")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("edit_version", sa.Integer(), server_default="1", nullable=False)
            )


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("edit_version")
