"""facilities: fault categories on orders and reports; a visitor's report keeps its own
reference, text, phone and photo, so it can be looked up and split into its own order

Revision ID: fa17c0000001
Revises: d400e98fe039
Create Date: 2026-11-30 15:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "fa17c0000001"
down_revision = "d400e98fe039"
branch_labels = ("facilities",)
depends_on = None

CATEGORY = sa.Enum(
    "lighting",
    "fence",
    "seating",
    "sanitation",
    "water_electric",
    "signage",
    "other",
    name="faultcategory",
    native_enum=False,
    length=20,
)


def upgrade():
    with op.batch_alter_table("fac_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category", CATEGORY, server_default="other", nullable=False))
    with op.batch_alter_table("fac_visitor_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("category", CATEGORY, server_default="other", nullable=False))
        batch_op.add_column(sa.Column("description", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("phone", sa.String(length=30), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("photo_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("opened_order", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_unique_constraint(op.f("uq_fac_visitor_reports_reference"), ["reference"])
        batch_op.create_foreign_key(
            op.f("fk_fac_visitor_reports_photo_id_attachments"),
            "attachments",
            ["photo_id"],
            ["id"],
        )
        batch_op.create_index("ix_fac_visitor_reports_order_id", ["order_id"], unique=False)


def downgrade():
    with op.batch_alter_table("fac_visitor_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_fac_visitor_reports_order_id")
        batch_op.drop_constraint(
            op.f("fk_fac_visitor_reports_photo_id_attachments"), type_="foreignkey"
        )
        batch_op.drop_constraint(op.f("uq_fac_visitor_reports_reference"), type_="unique")
        for column in ("opened_order", "photo_id", "phone", "description", "category", "reference"):
            batch_op.drop_column(column)
    with op.batch_alter_table("fac_orders", schema=None) as batch_op:
        batch_op.drop_column("category")
