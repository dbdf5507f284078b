"""receivables: the campaigns' progress stored, their items by due day, the waiting
write-offs along an index

``rcv_campaign_counts`` holds per campaign and verification the items' figures (kept by
``campaign_counts``), filled here from the items; each item gets its receivable's due
day (``ix_rcv_campaign_items_due``: a page of items oldest due first) and its balance
and written-off amount as counted. ``ix_rcv_write_offs_state`` (state, id) reads the
write-offs awaiting a decision newest first, a page at a time.

Revision ID: a9e1c0000006
Revises: a9e1c0000005
Create Date: 2026-12-02 04:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a9e1c0000006"
down_revision = "a9e1c0000005"
branch_labels = None
depends_on = None

VERIFICATIONS = ("to_verify", "owed", "disputed", "paperwork", "paperwork_done", "write_off")
FIGURES = ("items", "start_fen", "collected", "collected_fen", "written_off", "written_off_fen")


def upgrade():
    op.create_index("ix_rcv_write_offs_state", "rcv_write_offs", ["state", "id"])
    # Not a batch: added in place (a batch would copy the table under the write-offs'
    # foreign key to it); due_on stays nullable in the definition for the same reason.
    op.add_column("rcv_campaign_items", sa.Column("due_on", sa.Date(), nullable=True))
    for name in ("counted_fen", "written_fen"):
        op.add_column(
            "rcv_campaign_items",
            sa.Column(name, sa.Integer(), server_default="0", nullable=False),
        )
    op.execute(
        "UPDATE rcv_campaign_items SET"
        " due_on = (SELECT r.due_on FROM rcv_receivables r"
        " WHERE r.id = rcv_campaign_items.receivable_id),"
        " counted_fen = (SELECT r.open_fen FROM rcv_receivables r"
        " WHERE r.id = rcv_campaign_items.receivable_id),"
        " written_fen = COALESCE((SELECT SUM(w.amount_fen) FROM rcv_write_offs w"
        " WHERE w.receivable_id = rcv_campaign_items.receivable_id"
        " AND w.state = 'approved'), 0)"
    )
    op.create_index(
        "ix_rcv_campaign_items_due", "rcv_campaign_items", ["campaign_id", "due_on", "id"]
    )
    op.create_table(
        "rcv_campaign_counts",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(*VERIFICATIONS, name="verification", native_enum=False, length=20),
            nullable=False,
        ),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in FIGURES],
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["rcv_campaigns.id"],
            name=op.f("fk_rcv_campaign_counts_campaign_id_rcv_campaigns"),
        ),
        sa.PrimaryKeyConstraint("campaign_id", "state", name=op.f("pk_rcv_campaign_counts")),
    )
    op.execute(
        "INSERT INTO rcv_campaign_counts (campaign_id, state, items, start_fen, collected,"
        " collected_fen, written_off, written_off_fen)"
        " SELECT campaign_id, state, COUNT(*), SUM(start_fen),"
        " SUM(CASE WHEN counted_fen <= 0 AND written_fen = 0 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN start_fen - counted_fen - written_fen > 0"
        " THEN start_fen - counted_fen - written_fen ELSE 0 END),"
        " SUM(CASE WHEN written_fen > 0 THEN 1 ELSE 0 END), SUM(written_fen)"
        " FROM rcv_campaign_items GROUP BY campaign_id, state"
    )


def downgrade():
    op.drop_table("rcv_campaign_counts")
    op.drop_index("ix_rcv_campaign_items_due", table_name="rcv_campaign_items")
    # Not a batch: SQLite (3.35 and later) drops a column in place.
    for name in ("written_fen", "counted_fen", "due_on"):
        op.drop_column("rcv_campaign_items", name)
    op.drop_index("ix_rcv_write_offs_state", table_name="rcv_write_offs")
