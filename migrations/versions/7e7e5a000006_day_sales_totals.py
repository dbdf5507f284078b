"""ticketing branch: the daily sales summary summed per site, day and status
(``tkt_day_sales``), filled from the daily summary, so that the sales report by day,
month or site reads three rows a site's day whatever its volume

Revision ID: 7e7e5a000006
Revises: 7e7e5a000005
Create Date: 2026-12-01 10:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "7e7e5a000006"
down_revision = "7e7e5a000005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tkt_day_sales",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("sold", "void", "refund", name="salestatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_tkt_day_sales_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tkt_day_sales")),
        sa.UniqueConstraint(
            "business_day",
            "site_id",
            "status",
            name=op.f("uq_tkt_day_sales_business_day_site_id_status"),
        ),
    )
    op.create_index("ix_tkt_day_sales_site_day", "tkt_day_sales", ["site_id", "business_day"])
    op.execute(
        "INSERT INTO tkt_day_sales"
        " (site_id, business_day, status, lines, quantity, amount_fen)"
        " SELECT site_id, business_day, status, SUM(lines), SUM(quantity), SUM(amount_fen)"
        " FROM tkt_daily_sales GROUP BY site_id, business_day, status"
    )


def downgrade():
    op.drop_index("ix_tkt_day_sales_site_day", table_name="tkt_day_sales")
    op.drop_table("tkt_day_sales")
