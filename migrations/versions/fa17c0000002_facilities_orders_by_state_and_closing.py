"""facilities: an index on orders by state and closing time, for the ledger's indicators
(orders verified in the last 30 days) at hundreds of thousands of orders

Revision ID: fa17c0000002
Revises: fa17c0000001
Create Date: 2026-12-01 00:05:00

"""

from alembic import op

revision = "fa17c0000002"
down_revision = "fa17c0000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_fac_orders_state_closed_at", "fac_orders", ["state", "closed_at"])


def downgrade():
    op.drop_index("ix_fac_orders_state_closed_at", table_name="fac_orders")
