"""ticketing branch: the daily sales summary summed per site, day, seller and status, with
the admitting, card-entry and free entries split out (``tkt_seller_day_sales``), and the
entries sold per site, day, venue and seller (``tkt_venue_day_sales``), both filled from
the daily summary, so that the sellers report, the gate gaps, the share patterns and the
sales report by seller read a few rows a seller's day whatever its volume; and its totals
per site's day by office, by product and by payment method (``tkt_day_group_sales``) for
the sales report by office, product, kind, payment or venue

Revision ID: 7e7e5a000007
Revises: 7e7e5a000006
Create Date: 2026-12-01 23:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "7e7e5a000007"
down_revision = "7e7e5a000006"
branch_labels = None
depends_on = None

GROUPED = (("office", "office_id"), ("product", "product_id"), ("payment", "payment"))


def upgrade():
    op.create_table(
        "tkt_seller_day_sales",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("seller_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("sold", "void", "refund", name="salestatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("admitted", sa.BigInteger(), nullable=False),
        sa.Column("card_entries", sa.BigInteger(), nullable=False),
        sa.Column("free_entries", sa.BigInteger(), nullable=False),
        sa.Column("free_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_tkt_seller_day_sales_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["users.id"], name=op.f("fk_tkt_seller_day_sales_seller_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tkt_seller_day_sales")),
        sa.UniqueConstraint(
            "business_day",
            "site_id",
            "seller_id",
            "status",
            name=op.f("uq_tkt_seller_day_sales_business_day_site_id_seller_id_status"),
        ),
    )
    op.create_index(
        "ix_tkt_seller_day_sales_site_day", "tkt_seller_day_sales", ["site_id", "business_day"]
    )
    # The kinds as stored (enum values): cards and passes admit no one.
    op.execute(
        "INSERT INTO tkt_seller_day_sales (site_id, business_day, seller_id, status, lines,"
        " quantity, amount_fen, admitted, card_entries, free_entries, free_fen)"
        " SELECT s.site_id, s.business_day, s.seller_id, s.status, SUM(s.lines),"
        " SUM(s.quantity), SUM(s.amount_fen),"
        " SUM(CASE WHEN p.kind NOT IN ('discount_card', 'pass') THEN s.quantity ELSE 0 END),"
        " SUM(CASE WHEN p.kind = 'card_entry' THEN s.quantity ELSE 0 END),"
        " SUM(CASE WHEN p.kind = 'concession' THEN s.quantity ELSE 0 END),"
        " SUM(CASE WHEN p.kind = 'concession' THEN s.amount_fen ELSE 0 END)"
        " FROM tkt_daily_sales s JOIN tkt_products p ON p.id = s.product_id"
        " GROUP BY s.site_id, s.business_day, s.seller_id, s.status"
    )

    op.create_table(
        "tkt_venue_day_sales",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("seller_id", sa.Integer(), nullable=True),
        sa.Column("admitted", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_tkt_venue_day_sales_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["tkt_venues.id"], name=op.f("fk_tkt_venue_day_sales_venue_id_tkt_venues")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["users.id"], name=op.f("fk_tkt_venue_day_sales_seller_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tkt_venue_day_sales")),
        sa.UniqueConstraint(
            "business_day",
            "site_id",
            "venue_id",
            "seller_id",
            name=op.f("uq_tkt_venue_day_sales_business_day_site_id_venue_id_seller_id"),
        ),
    )
    op.create_index(
        "ix_tkt_venue_day_sales_site_day", "tkt_venue_day_sales", ["site_id", "business_day"]
    )
    op.execute(
        "INSERT INTO tkt_venue_day_sales (site_id, business_day, venue_id, seller_id, admitted)"
        " SELECT s.site_id, s.business_day, v.venue_id, s.seller_id,"
        " SUM(CASE WHEN s.status = 'sold' THEN s.quantity"
        " WHEN s.status = 'refund' THEN -s.quantity ELSE 0 END)"
        " FROM tkt_daily_sales s JOIN tkt_product_venues v ON v.product_id = s.product_id"
        " GROUP BY s.site_id, s.business_day, v.venue_id, s.seller_id"
    )

    op.create_table(
        "tkt_day_group_sales",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
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
            ["site_id"], ["sites.id"], name=op.f("fk_tkt_day_group_sales_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["tkt_offices.id"],
            name=op.f("fk_tkt_day_group_sales_office_id_tkt_offices"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["tkt_products.id"],
            name=op.f("fk_tkt_day_group_sales_product_id_tkt_products"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tkt_day_group_sales")),
    )
    op.create_index(
        "ix_tkt_day_group_sales_site_day", "tkt_day_group_sales", ["site_id", "business_day"]
    )
    for name, column in GROUPED:
        op.create_index(
            f"ix_tkt_day_group_sales_{name}",
            "tkt_day_group_sales",
            [column, "business_day", "site_id", "status", "lines", "quantity", "amount_fen"],
        )
    for _name, column in GROUPED:  # fixed names, no input
        op.execute(
            "INSERT INTO tkt_day_group_sales"  # noqa: S608
            f" (site_id, business_day, {column}, status, lines, quantity, amount_fen)"
            f" SELECT site_id, business_day, {column}, status, SUM(lines), SUM(quantity),"
            f" SUM(amount_fen) FROM tkt_daily_sales"
            f" GROUP BY site_id, business_day, {column}, status"
        )


def downgrade():
    for name, _column in GROUPED:
        op.drop_index(f"ix_tkt_day_group_sales_{name}", table_name="tkt_day_group_sales")
    op.drop_index("ix_tkt_day_group_sales_site_day", table_name="tkt_day_group_sales")
    op.drop_table("tkt_day_group_sales")
    op.drop_index("ix_tkt_venue_day_sales_site_day", table_name="tkt_venue_day_sales")
    op.drop_table("tkt_venue_day_sales")
    op.drop_index("ix_tkt_seller_day_sales_site_day", table_name="tkt_seller_day_sales")
    op.drop_table("tkt_seller_day_sales")
