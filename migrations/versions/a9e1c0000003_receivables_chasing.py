"""receivables: chasing levels, the follow-up log, clean-up campaigns

Revision ID: a9e1c0000003
Revises: a9e1c0000002
Create Date: 2026-11-30 18:55:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a9e1c0000003"
down_revision = "a9e1c0000002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rcv_receivables") as batch_op:
        batch_op.add_column(sa.Column("level", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "rcv_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receivable_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "call",
                "visit",
                "promise",
                "reply",
                name="followupkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("promised_on", sa.Date(), nullable=True),
        sa.Column("promised_fen", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["receivable_id"], ["rcv_receivables.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rcv_follow_ups") as batch_op:
        batch_op.create_index("ix_rcv_follow_ups_receivable", ["receivable_id", "created_at"])
    op.create_table(
        "rcv_campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("due_before", sa.Date(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rcv_campaigns") as batch_op:
        batch_op.create_index("ix_rcv_campaigns_site_id", ["site_id"])
    op.create_table(
        "rcv_campaign_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("receivable_id", sa.Integer(), nullable=False),
        sa.Column("start_fen", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "to_verify",
                "owed",
                "disputed",
                "paperwork",
                "paperwork_done",
                "write_off",
                name="verification",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["rcv_campaigns.id"]),
        sa.ForeignKeyConstraint(["receivable_id"], ["rcv_receivables.id"]),
        sa.ForeignKeyConstraint(["verified_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "receivable_id"),
    )
    with op.batch_alter_table("rcv_campaign_items") as batch_op:
        batch_op.create_index("ix_rcv_campaign_items_receivable_id", ["receivable_id"])


def downgrade():
    op.drop_table("rcv_campaign_items")
    op.drop_table("rcv_campaigns")
    op.drop_table("rcv_follow_ups")
    with op.batch_alter_table("rcv_receivables") as batch_op:
        batch_op.drop_column("level")
