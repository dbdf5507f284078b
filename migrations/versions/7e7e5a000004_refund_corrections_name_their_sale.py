"""ticketing branch: a refund correction names the sale it reverses

Revision ID: 7e7e5a000004
Revises: 7e7e5a000003
Create Date: 2026-11-30 22:55:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7e7e5a000004"
down_revision = "7e7e5a000003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tkt_corrections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reverses_line_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_tkt_corrections_reverses_line_id"), ["reverses_line_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("tkt_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tkt_corrections_reverses_line_id"))
        batch_op.drop_column("reverses_line_id")
