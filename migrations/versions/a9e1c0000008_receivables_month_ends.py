"""receivables: month-end aging sums (月末账龄)

``rcv_month_ends`` marks a site's closed month-end whose sums are stored;
``rcv_month_sums`` (per kind, handler and bucket: fen and how many owe) and
``rcv_month_debtor_sums`` (per debtor, handler and bucket: fen) are its rows;
``rcv_month_stamps`` counts per site the writes that dropped month-ends (see
``modules/receivables/month_sums.py``). Empty here: a month-end is computed by the
nightly job or its first reader.

Revision ID: a9e1c0000008
Revises: a9e1c0000007
Create Date: 2026-12-02 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a9e1c0000008"
down_revision = "a9e1c0000007"
branch_labels = None
depends_on = None

KINDS = (
    "rent",
    "deposit_shortfall",
    "utilities",
    "advance",
    "compensation",
    "other",
    "opening",
)


def _key(*names):
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def upgrade():
    op.create_table(
        "rcv_month_ends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("month_end", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_rcv_month_ends_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rcv_month_ends")),
        sa.UniqueConstraint(
            "site_id", "month_end", name=op.f("uq_rcv_month_ends_site_id_month_end")
        ),
        sqlite_autoincrement=True,  # a dropped mark's id is never given again
    )
    op.create_table(
        "rcv_month_sums",
        sa.Column("month_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="receivablekind", native_enum=False, length=20),
            nullable=False,
        ),
        *_key("handler_id", "bucket", "site_id", "open_fen", "open_count"),
        sa.PrimaryKeyConstraint(
            "month_id", "kind", "handler_id", "bucket", name=op.f("pk_rcv_month_sums")
        ),
    )
    op.create_table(
        "rcv_month_debtor_sums",
        *_key("month_id", "debtor_id", "handler_id", "bucket", "site_id", "open_fen"),
        sa.PrimaryKeyConstraint(
            "month_id", "debtor_id", "handler_id", "bucket", name=op.f("pk_rcv_month_debtor_sums")
        ),
    )
    op.create_table(
        "rcv_month_stamps",
        *_key("site_id", "drops"),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_rcv_month_stamps_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_rcv_month_stamps")),
    )


def downgrade():
    for table in ("rcv_month_stamps", "rcv_month_debtor_sums", "rcv_month_sums", "rcv_month_ends"):
        op.drop_table(table)
