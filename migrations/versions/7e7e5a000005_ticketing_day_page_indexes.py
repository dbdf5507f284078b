"""ticketing branch: indexes for the day page at 30,000 lines a day and years of them: a
shift's lines that name a serial (the sold-twice and outside-range checks), and the site's
day of sales and statement lines widened with the columns the page sums (read from the
index alone; they replace the plain (site, day) indexes they start with)

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

SALES_FIGURES = [
    "site_id",
    "business_day",
    "source",
    "status",
    "payment",
    "shift_id",
    "seller_id",
    "import_id",
    "amount_fen",
    "list_price_fen",
    "quantity",
]
STATEMENT_FIGURES = ["site_id", "business_day", "method", "window_id", "import_id", "amount_fen"]


def upgrade():
    op.create_index(
        "ix_tkt_sales_lines_shift_serial",
        "tkt_sales_lines",
        ["shift_id", "product_id", "serial"],
        sqlite_where=sa.text("serial IS NOT NULL"),
        postgresql_where=sa.text("serial IS NOT NULL"),
    )
    op.create_index("ix_tkt_sales_lines_day_figures", "tkt_sales_lines", SALES_FIGURES)
    op.drop_index("ix_tkt_sales_lines_site_day", table_name="tkt_sales_lines")
    op.create_index("ix_tkt_statement_lines_day_figures", "tkt_statement_lines", STATEMENT_FIGURES)
    op.drop_index("ix_tkt_statement_lines_site_day", table_name="tkt_statement_lines")


def downgrade():
    op.create_index(
        "ix_tkt_statement_lines_site_day", "tkt_statement_lines", ["site_id", "business_day"]
    )
    op.drop_index("ix_tkt_statement_lines_day_figures", table_name="tkt_statement_lines")
    op.create_index("ix_tkt_sales_lines_site_day", "tkt_sales_lines", ["site_id", "business_day"])
    op.drop_index("ix_tkt_sales_lines_day_figures", table_name="tkt_sales_lines")
    op.drop_index("ix_tkt_sales_lines_shift_serial", table_name="tkt_sales_lines")
