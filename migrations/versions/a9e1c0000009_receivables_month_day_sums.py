"""receivables: month-end sums per due day, for aging on any past day

``rcv_month_day_sums`` holds, per stored month-end, what was owed at its end per kind,
handler and due day (fen and how many owe): aging on a later day of the next month
re-buckets them by age at that day (``modules/receivables/month_sums.py``). Month-ends
stored before have no such rows, so their marks and rows are deleted here: the
nightly job or the first reader computes them again.

Revision ID: a9e1c0000009
Revises: a9e1c0000008
Create Date: 2026-12-02 12:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a9e1c0000009"
down_revision = "a9e1c0000008"
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


def upgrade():
    op.create_table(
        "rcv_month_day_sums",
        sa.Column("month_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="receivablekind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("handler_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("open_fen", sa.Integer(), nullable=False),
        sa.Column("open_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month_id", "kind", "handler_id", "due_on", name=op.f("pk_rcv_month_day_sums")
        ),
    )
    for table in ("rcv_month_debtor_sums", "rcv_month_sums", "rcv_month_ends"):
        op.execute(sa.table(table).delete())


def downgrade():
    op.drop_table("rcv_month_day_sums")
