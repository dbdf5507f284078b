"""receivables: chasing letters, frozen and numbered per year

Revision ID: a9e1c0000002
Revises: a9e1c0000001
Create Date: 2026-11-30 17:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a9e1c0000002"
down_revision = "a9e1c0000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rcv_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("debtor_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["debtor_id"], ["rcv_debtors.id"]),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "number"),
    )
    with op.batch_alter_table("rcv_letters") as batch_op:
        batch_op.create_index("ix_rcv_letters_debtor_id", ["debtor_id"])
        batch_op.create_index("ix_rcv_letters_site_id", ["site_id"])


def downgrade():
    op.drop_table("rcv_letters")
