"""receivables: the open balance stored per receivable, indexes for aging and debtors

``rcv_receivables.open_fen`` (fen) is the amount less the allocations, filled here for
the existing rows and then kept by ``ledger.settle``; the pages read it instead of
summing every allocation. ``ix_rcv_allocations_day`` lets aging on a past day add back
what was allocated after it; ``ix_rcv_debtors_name`` pages the debtors by name.

Revision ID: a9e1c0000005
Revises: a9e1c0000004
Create Date: 2026-12-01 23:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a9e1c0000005"
down_revision = "a9e1c0000004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rcv_receivables") as batch_op:
        batch_op.add_column(sa.Column("open_fen", sa.Integer(), server_default="0", nullable=False))
    op.execute(
        "UPDATE rcv_receivables SET open_fen = amount_fen - COALESCE(("
        "SELECT SUM(a.amount_fen) FROM rcv_allocations a"
        " WHERE a.receivable_id = rcv_receivables.id), 0)"
    )
    op.create_index("ix_rcv_allocations_day", "rcv_allocations", ["paid_on"])
    op.create_index("ix_rcv_debtors_name", "rcv_debtors", ["name", "id"])


def downgrade():
    op.drop_index("ix_rcv_debtors_name", table_name="rcv_debtors")
    op.drop_index("ix_rcv_allocations_day", table_name="rcv_allocations")
    # Not a batch: SQLite (3.35 and later) drops a column in place, where a batch would
    # copy the table and drop the old one under the foreign keys that point at it.
    op.drop_column("rcv_receivables", "open_fen")
