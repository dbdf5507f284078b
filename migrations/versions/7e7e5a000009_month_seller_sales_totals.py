"""ticketing branch: the per-seller day totals summed per site, calendar month, seller and
status (``tkt_month_seller_sales``), filled from them, so that a year of the sales report by
seller reads twelve months of rows instead of 365 days of them

Revision ID: 7e7e5a000009
Revises: 7e7e5a000008
Create Date: 2026-12-02 12:45:00.000000

"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "7e7e5a000009"
down_revision = "7e7e5a000008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tkt_month_seller_sales",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("seller_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("sold", "void", "refund", name="salestatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_tkt_month_seller_sales_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["users.id"], name=op.f("fk_tkt_month_seller_sales_seller_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tkt_month_seller_sales")),
        sa.UniqueConstraint(
            "month",
            "site_id",
            "seller_id",
            "status",
            name=op.f("uq_tkt_month_seller_sales_month_site_id_seller_id_status"),
        ),
    )
    # Month by month: truncating a date to its month is spelled differently by each database.
    bind = op.get_bind()
    days = sa.table("tkt_seller_day_sales", sa.column("business_day", sa.Date()))
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
                "INSERT INTO tkt_month_seller_sales (site_id, month, seller_id, status, lines,"
                " quantity, amount_fen)"
                " SELECT site_id, :month, seller_id, status, SUM(lines), SUM(quantity),"
                " SUM(amount_fen) FROM tkt_seller_day_sales"
                " WHERE business_day >= :month AND business_day < :following"
                " GROUP BY site_id, seller_id, status"
            ).bindparams(
                sa.bindparam("month", type_=sa.Date()), sa.bindparam("following", type_=sa.Date())
            ),
            {"month": month, "following": following},
        )
        month = following


def downgrade():
    op.drop_table("tkt_month_seller_sales")
