"""ticketing branch: the daily sales summary's day index widened with the status, the site
and the sums, so that the sales report by day or month over a year reads the index alone
(it replaces the plain day index it starts with)

Revision ID: 7e7e5a000006
Revises: 7e7e5a000005
Create Date: 2026-12-01 10:15:00.000000

"""

from alembic import op

revision = "7e7e5a000006"
down_revision = "7e7e5a000005"
branch_labels = None
depends_on = None

DAY_FIGURES = ["business_day", "status", "site_id", "lines", "quantity", "amount_fen"]


def upgrade():
    op.create_index("ix_tkt_daily_sales_day_figures", "tkt_daily_sales", DAY_FIGURES)
    op.drop_index("ix_tkt_daily_sales_day", table_name="tkt_daily_sales")


def downgrade():
    op.create_index("ix_tkt_daily_sales_day", "tkt_daily_sales", ["business_day"])
    op.drop_index("ix_tkt_daily_sales_day_figures", table_name="tkt_daily_sales")
