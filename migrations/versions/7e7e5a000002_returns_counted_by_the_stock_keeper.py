"""ticketing branch: returned ranges counted by the stock keeper (first and last serial seen)

Revision ID: 7e7e5a000002
Revises: 7e7e5a000001
Create Date: 2026-11-30 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "7e7e5a000002"
down_revision = "7e7e5a000001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tkt_stock_issues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_from", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("confirmed_last", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_tkt_stock_issues_confirmed_by_id_users"),
            "users",
            ["confirmed_by_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("tkt_stock_issues", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_tkt_stock_issues_confirmed_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("confirmed_by_id")
        batch_op.drop_column("confirmed_at")
        batch_op.drop_column("confirmed_last")
        batch_op.drop_column("confirmed_from")
