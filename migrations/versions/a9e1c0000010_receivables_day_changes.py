"""receivables: the change of what is owed per day, for aging on any past day

``rcv_day_changes`` holds, per local day, site, kind, handler and due day, the change
of what the receivables with that key owe (+ the amount on the day one was raised,
− each allocation on its day, or its receivable's raised day when later) and of how
many owe (+1 on a day one starts owing, -1 on a day it stops); kept by
``sums.add_days`` in every writer's transaction. Aging and the count over a year past
due, on a day that is not a month-end, add the changes of the days since the
month-end before it to that month-end's sums per due day: a month of days at most,
whatever the ledger (``modules/receivables/aging.py``, ``indicators.py``). Filled here
from the receivables and allocations.

Revision ID: a9e1c0000010
Revises: a9e1c0000009
Create Date: 2026-12-02 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a9e1c0000010"
down_revision = "a9e1c0000009"
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
        "rcv_day_changes",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="receivablekind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("handler_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("fen", sa.Integer(), nullable=False),
        sa.Column("owing", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "site_id", "kind", "handler_id", "due_on", name=op.f("pk_rcv_day_changes")
        ),
    )
    # Each receivable's moves per day (+ raised, − allocated), its balance after each
    # day, whether it owes then, and so the days it starts (+1) or stops (-1) owing.
    op.execute(
        "INSERT INTO rcv_day_changes (day, site_id, kind, handler_id, due_on, fen, owing)"
        " WITH moves AS ("
        " SELECT id AS rid, raised_on AS day, amount_fen AS fen FROM rcv_receivables"
        " UNION ALL"
        " SELECT a.receivable_id,"
        " CASE WHEN a.paid_on > r.raised_on THEN a.paid_on ELSE r.raised_on END,"
        " -a.amount_fen"
        " FROM rcv_allocations a JOIN rcv_receivables r ON r.id = a.receivable_id),"
        " daily AS (SELECT rid, day, SUM(fen) AS fen FROM moves GROUP BY rid, day),"
        " running AS (SELECT rid, day, fen, CASE WHEN"
        " SUM(fen) OVER (PARTITION BY rid ORDER BY day) > 0 THEN 1 ELSE 0 END AS owes"
        " FROM daily),"
        " changes AS (SELECT rid, day, fen,"
        " owes - COALESCE(LAG(owes) OVER (PARTITION BY rid ORDER BY day), 0) AS owing"
        " FROM running)"
        " SELECT c.day, r.site_id, r.kind, COALESCE(r.handler_id, 0), r.due_on,"
        " SUM(c.fen), SUM(c.owing)"
        " FROM changes c JOIN rcv_receivables r ON r.id = c.rid"
        " GROUP BY c.day, r.site_id, r.kind, COALESCE(r.handler_id, 0), r.due_on"
        " HAVING SUM(c.fen) != 0 OR SUM(c.owing) != 0"
    )


def downgrade():
    op.drop_table("rcv_day_changes")
