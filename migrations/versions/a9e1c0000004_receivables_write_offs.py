"""receivables: write-offs (核销) approved by a leader, closing a balance by an allocation

Revision ID: a9e1c0000004
Revises: a9e1c0000003
Create Date: 2026-11-30 22:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a9e1c0000004"
down_revision = "a9e1c0000003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rcv_write_offs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receivable_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "proposed",
                "approved",
                "refused",
                name="writeoffstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("proposed_fen", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=True),
        sa.Column("written_off_on", sa.Date(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["receivable_id"],
            ["rcv_receivables.id"],
            name=op.f("fk_rcv_write_offs_receivable_id_rcv_receivables"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["rcv_campaign_items.id"],
            name=op.f("fk_rcv_write_offs_item_id_rcv_campaign_items"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["users.id"], name=op.f("fk_rcv_write_offs_proposed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_rcv_write_offs_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rcv_write_offs")),
    )
    with op.batch_alter_table("rcv_write_offs") as batch_op:
        batch_op.create_index(batch_op.f("ix_rcv_write_offs_receivable_id"), ["receivable_id"])
        batch_op.create_index(batch_op.f("ix_rcv_write_offs_item_id"), ["item_id"])
    with op.batch_alter_table("rcv_allocations") as batch_op:
        batch_op.alter_column("payment_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("write_off_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_rcv_allocations_write_off_id_rcv_write_offs"),
            "rcv_write_offs",
            ["write_off_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("rcv_allocations") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_rcv_allocations_write_off_id_rcv_write_offs"), type_="foreignkey"
        )
        batch_op.drop_column("write_off_id")
        batch_op.alter_column("payment_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("rcv_write_offs")
