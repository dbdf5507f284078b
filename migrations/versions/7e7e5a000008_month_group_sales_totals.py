"""ticketing branch: the day totals by office, product and payment method summed per site,
calendar month and status (``tkt_month_group_sales``), filled from them, so that a year of
the sales report by office, product, kind, payment or venue reads twelve months of rows
instead of 365 days of them

Revision ID: 7e7e5a000008
Revises: 7e7e5a000007
Create Date: 2026-12-02 04:15:00.000000

"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "7e7e5a000008"
down_revision = "7e7e5a000007"
branch_labels = None
depends_on = None

GROUPED = (("office", "office_id"), ("product", "product_id"), ("payment", "payment"))


def upgrade():
    op.create_table(
        "tkt_month_group_sales",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column(
            "payment",
            sa.Enum(
                "cash",
                "card",
                "wechat",
                "alipay",
                "other",
                name="payment",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column(
            "status",
            sa.Enum("sold", "void", "refund", name="salestatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_tkt_month_group_sales_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["tkt_offices.id"],
            name=op.f("fk_tkt_month_group_sales_office_id_tkt_offices"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["tkt_products.id"],
            name=op.f("fk_tkt_month_group_sales_product_id_tkt_products"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tkt_month_group_sales")),
    )
    op.create_index(
        "ix_tkt_month_group_sales_site_month", "tkt_month_group_sales", ["site_id", "month"]
    )
    for name, column in GROUPED:
        op.create_index(
            f"ix_tkt_month_group_sales_{name}",
            "tkt_month_group_sales",
            [column, "month", "site_id"],
        )
    # Month by month: truncating a date to its month is spelled differently by each database.
    bind = op.get_bind()
    days = sa.table("tkt_day_group_sales", sa.column("business_day", sa.Date()))
    first, last = bind.execute(
        sa.select(sa.func.min(days.c.business_day), sa.func.max(days.c.business_day))
    ).one()
    if first is None:
        return
    month = first.replace(day=1)
    while month <= last:
        following = (month + timedelta(days=32)).replace(day=1)
        bind.execute(
            sa.text(
                "INSERT INTO tkt_month_group_sales (site_id, month, office_id, product_id,"
                " payment, status, lines, quantity, amount_fen)"
                " SELECT site_id, :month, office_id, product_id, payment, status, SUM(lines),"
                " SUM(quantity), SUM(amount_fen) FROM tkt_day_group_sales"
                " WHERE business_day >= :month AND business_day < :following"
                " GROUP BY site_id, office_id, product_id, payment, status"
            ).bindparams(
                sa.bindparam("month", type_=sa.Date()), sa.bindparam("following", type_=sa.Date())
            ),
            {"month": month, "following": following},
        )
        month = following


def downgrade():
    for name, _column in GROUPED:
        op.drop_index(f"ix_tkt_month_group_sales_{name}", table_name="tkt_month_group_sales")
    op.drop_index("ix_tkt_month_group_sales_site_month", table_name="tkt_month_group_sales")
    op.drop_table("tkt_month_group_sales")
