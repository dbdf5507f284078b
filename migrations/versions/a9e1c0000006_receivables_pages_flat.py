"""receivables: the waiting write-offs newest first along an index

``ix_rcv_write_offs_state`` (state, id) reads the write-offs awaiting a decision newest
first, a page at a time, and counts them, without sorting every write-off.

Revision ID: a9e1c0000006
Revises: a9e1c0000005
Create Date: 2026-12-02 04:00:00

"""

from alembic import op

revision = "a9e1c0000006"
down_revision = "a9e1c0000005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_rcv_write_offs_state", "rcv_write_offs", ["state", "id"])


def downgrade():
    op.drop_index("ix_rcv_write_offs_state", table_name="rcv_write_offs")
