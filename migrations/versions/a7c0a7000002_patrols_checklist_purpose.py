"""patrols: a checklist's purpose (conduct, water, gate duty, …) for the ledger

Revision ID: a7c0a7000002
Revises: a7c0a7000001
Create Date: 2026-11-30 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c0a7000002"
down_revision = "a7c0a7000001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pat_checklists", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "purpose",
                sa.Enum(
                    "conduct",
                    "water",
                    "gate_duty",
                    "sanitation",
                    "merchant",
                    "other",
                    name="checklistpurpose",
                    native_enum=False,
                    length=20,
                ),
                nullable=False,
                server_default="other",
            )
        )


def downgrade():
    with op.batch_alter_table("pat_checklists", schema=None) as batch_op:
        batch_op.drop_column("purpose")
