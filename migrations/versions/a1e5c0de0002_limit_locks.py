"""limit locks: one row per limited action, locked while a request counts

Revision ID: a1e5c0de0002
Revises: a1e5c0de0001
Create Date: 2026-11-30 12:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a1e5c0de0002"
down_revision = "a1e5c0de0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "limit_locks",
        sa.Column("scope", sa.String(length=60), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_limit_locks")),
    )


def downgrade():
    op.drop_table("limit_locks")
