"""ticketing branch: reversals (voids and refunds of sales) awaiting approval

Revision ID: 7e7e5a000001
Revises: d400e98fe039
Create Date: 2026-11-30 15:15:21.554046

"""

import sqlalchemy as sa
from alembic import op

revision = "7e7e5a000001"
down_revision = "d400e98fe039"
branch_labels = ("ticketing",)
depends_on = None


def upgrade():
    op.create_table(
        "tkt_reversals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("sale_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("sold", "void", "refund", name="salestatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("sold_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
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
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("natural_key", sa.String(length=64), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "approved", "rejected", name="voidstatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("line_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount_fen >= 0", name=op.f("ck_tkt_reversals_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_tkt_reversals_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["tkt_imports.id"], name=op.f("fk_tkt_reversals_import_id_tkt_imports")
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["tkt_sales_lines.id"],
            name=op.f("fk_tkt_reversals_line_id_tkt_sales_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_tkt_reversals_requested_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["sale_id"],
            ["tkt_sales_lines.id"],
            name=op.f("fk_tkt_reversals_sale_id_tkt_sales_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["tkt_shifts.id"], name=op.f("fk_tkt_reversals_shift_id_tkt_shifts")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_tkt_reversals_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tkt_reversals")),
        sa.UniqueConstraint("natural_key", name=op.f("uq_tkt_reversals_natural_key")),
    )
    with op.batch_alter_table("tkt_reversals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tkt_reversals_import_id"), ["import_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tkt_reversals_sale_id"), ["sale_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tkt_reversals_shift_id"), ["shift_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tkt_reversals_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "uq_tkt_reversals_live_void",
            ["sale_id"],
            unique=True,
            sqlite_where=sa.text("kind = 'void' AND status <> 'rejected'"),
            postgresql_where=sa.text("kind = 'void' AND status <> 'rejected'"),
        )


def downgrade():
    with op.batch_alter_table("tkt_reversals", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_tkt_reversals_live_void",
            sqlite_where=sa.text("kind = 'void' AND status <> 'rejected'"),
            postgresql_where=sa.text("kind = 'void' AND status <> 'rejected'"),
        )
        batch_op.drop_index(batch_op.f("ix_tkt_reversals_site_id"))
        batch_op.drop_index(batch_op.f("ix_tkt_reversals_shift_id"))
        batch_op.drop_index(batch_op.f("ix_tkt_reversals_sale_id"))
        batch_op.drop_index(batch_op.f("ix_tkt_reversals_import_id"))

    op.drop_table("tkt_reversals")
