"""ticketing branch: indexes for the day page at 30,000 lines a day and years of them (a
shift's lines that name a serial, for the sold-twice check)

Revision ID: 7e7e5a000005
Revises: 7e7e5a000004
Create Date: 2026-12-01 02:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "7e7e5a000005"
down_revision = "7e7e5a000004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_tkt_sales_lines_shift_serial",
        "tkt_sales_lines",
        ["shift_id", "product_id", "serial"],
        sqlite_where=sa.text("serial IS NOT NULL"),
        postgresql_where=sa.text("serial IS NOT NULL"),
    )


def downgrade():
    op.drop_index("ix_tkt_sales_lines_shift_serial", table_name="tkt_sales_lines")
