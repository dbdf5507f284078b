"""patrols: when the server received a scan, an answer, a run's start and its
submission (the rows' own times are when the phone made them, offline or not)

Revision ID: a7c0a7000004
Revises: a7c0a7000003
Create Date: 2026-11-30 22:35:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c0a7000004"
down_revision = "a7c0a7000003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pat_scans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("received_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("pat_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("received_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("pat_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("start_received_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("submit_received_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("pat_runs", schema=None) as batch_op:
        batch_op.drop_column("submit_received_at")
        batch_op.drop_column("start_received_at")
    with op.batch_alter_table("pat_answers", schema=None) as batch_op:
        batch_op.drop_column("received_at")
    with op.batch_alter_table("pat_scans", schema=None) as batch_op:
        batch_op.drop_column("received_at")
