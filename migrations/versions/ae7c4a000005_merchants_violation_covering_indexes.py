"""merchants: the violations' indexes widened with what the pages read beside the key,
so the merchants list, a merchant's page and the open violations read the index alone
(the 12 months' repeats of a merchant, its open violations, the open ones counted)

Revision ID: ae7c4a000005
Revises: ae7c4a000004
Create Date: 2026-12-02 09:10:00.000000

"""

from alembic import op

revision = "ae7c4a000005"
down_revision = "ae7c4a000004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mer_violations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mer_violations_merchant_strikes",
            ["merchant_id", "found_at", "repeat", "failed_rechecks"],
            unique=False,
        )
        batch_op.create_index(
            "ix_mer_violations_state_deadline_site", ["state", "deadline", "site_id"], unique=False
        )
        batch_op.create_index(
            "ix_mer_violations_merchant_state_deadline",
            ["merchant_id", "state", "deadline"],
            unique=False,
        )
        batch_op.drop_index("ix_mer_violations_merchant_found")
        batch_op.drop_index("ix_mer_violations_state_deadline")


def downgrade():
    with op.batch_alter_table("mer_violations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mer_violations_state_deadline", ["state", "deadline"], unique=False
        )
        batch_op.create_index(
            "ix_mer_violations_merchant_found", ["merchant_id", "found_at"], unique=False
        )
        batch_op.drop_index("ix_mer_violations_merchant_state_deadline")
        batch_op.drop_index("ix_mer_violations_state_deadline_site")
        batch_op.drop_index("ix_mer_violations_merchant_strikes")
