"""receivables: the open balance stored per receivable, indexes for aging and debtors

``rcv_receivables.open_fen`` (fen) is the amount less the allocations, filled here for
the existing rows and then kept by ``ledger.settle``; the pages read it instead of
summing every allocation. ``rcv_open_sums`` holds their sums per site, kind, handler
(0: none) and due day, for the aging grid. ``ix_rcv_allocations_day`` lets aging on a past day add back
what was allocated after it (``ix_rcv_receivables_raised``: less what was raised
after it); ``ix_rcv_receivables_debtor_site`` reads one page of debtors'
receivables; ``ix_rcv_debtors_name`` pages the debtors by name.

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
    with op.batch_alter_table("rcv_receivables") as batch_op:
        batch_op.add_column(sa.Column("open_fen", sa.Integer(), server_default="0", nullable=False))
    op.execute(
        "UPDATE rcv_receivables SET open_fen = amount_fen - COALESCE(("
        "SELECT SUM(a.amount_fen) FROM rcv_allocations a"
        " WHERE a.receivable_id = rcv_receivables.id), 0)"
    )
    op.create_table(
        "rcv_open_sums",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="receivablekind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("handler_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("open_fen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_rcv_open_sums_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rcv_open_sums")),
        sa.UniqueConstraint(
            "site_id",
            "kind",
            "handler_id",
            "due_on",
            name=op.f("uq_rcv_open_sums_site_id_kind_handler_id_due_on"),
        ),
    )
    op.execute(
        "INSERT INTO rcv_open_sums (site_id, kind, handler_id, due_on, open_fen)"
        " SELECT site_id, kind, COALESCE(handler_id, 0), due_on, SUM(open_fen)"
        " FROM rcv_receivables GROUP BY site_id, kind, COALESCE(handler_id, 0), due_on"
        " HAVING SUM(open_fen) != 0"
    )
    op.create_index("ix_rcv_allocations_day", "rcv_allocations", ["paid_on"])
    op.create_index("ix_rcv_receivables_raised", "rcv_receivables", ["raised_on"])
    op.create_index(
        "ix_rcv_receivables_debtor_site",
        "rcv_receivables",
        ["debtor_id", "site_id", "raised_on", "due_on", "open_fen"],
    )
    op.create_index("ix_rcv_debtors_name", "rcv_debtors", ["name", "id"])


def downgrade():
    op.drop_index("ix_rcv_debtors_name", table_name="rcv_debtors")
    op.drop_index("ix_rcv_receivables_raised", table_name="rcv_receivables")
    op.drop_index("ix_rcv_receivables_debtor_site", table_name="rcv_receivables")
    op.drop_table("rcv_open_sums")
    op.drop_index("ix_rcv_allocations_day", table_name="rcv_allocations")
    # Not a batch: SQLite (3.35 and later) drops a column in place, where a batch would
    # copy the table and drop the old one under the foreign keys that point at it.
    op.drop_column("rcv_receivables", "open_fen")
