"""data version: one row that every committing write moves on (the page cache's key)

Revision ID: c0de14000002
Revises: c0de14000001 (the core branch)
Create Date: 2026-12-01 05:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c0de14000002"
down_revision = "c0de14000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )


def downgrade():
    op.drop_table("data_version")
