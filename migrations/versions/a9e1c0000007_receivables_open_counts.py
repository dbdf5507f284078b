"""receivables: how many receivables owe, beside each aging sum

``rcv_open_sums.open_count`` holds, per site, kind, handler and due day, the receivables
whose ``open_fen`` is above zero (kept by ``sums.add``), so the count of debts over a
year past due reads the sums instead of every such receivable. The sums are refilled
from the receivables: a key whose balances cancel out (sum 0) may still have some that
owe. ``ix_rcv_allocations_day`` covers the receivable and the fen, so what was allocated
after a day is read from the index alone (nothing for today).

Revision ID: a9e1c0000007
Revises: a9e1c0000006
Create Date: 2026-12-02 05:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a9e1c0000007"
down_revision = "a9e1c0000006"
branch_labels = None
depends_on = None


def upgrade():
    # Not a batch: added in place (SQLite adds a column with a constant default).
    op.add_column(
        "rcv_open_sums",
        sa.Column("open_count", sa.Integer(), server_default="0", nullable=False),
    )
    op.execute("DELETE FROM rcv_open_sums")
    op.execute(
        "INSERT INTO rcv_open_sums (site_id, kind, handler_id, due_on, open_fen, open_count)"
        " SELECT site_id, kind, COALESCE(handler_id, 0), due_on, SUM(open_fen),"
        " SUM(CASE WHEN open_fen > 0 THEN 1 ELSE 0 END)"
        " FROM rcv_receivables GROUP BY site_id, kind, COALESCE(handler_id, 0), due_on"
        " HAVING SUM(open_fen) != 0 OR SUM(CASE WHEN open_fen > 0 THEN 1 ELSE 0 END) != 0"
    )
    _day_index(["paid_on", "receivable_id", "amount_fen"])


def _day_index(columns):
    op.drop_index("ix_rcv_allocations_day", table_name="rcv_allocations")
    op.create_index("ix_rcv_allocations_day", "rcv_allocations", columns)


def downgrade():
    _day_index(["paid_on"])
    # Not a batch: SQLite (3.35 and later) drops a column in place.
    op.drop_column("rcv_open_sums", "open_count")
