"""audit log: indexes by (action, seq) and (actor, seq), so the viewer's filters read a
page newest first and stop, however many years of entries there are (they replace the
one-column indexes on action and actor)

Revision ID: c0de14000003
Revises: c0de14000002 (the core branch)
Create Date: 2026-12-01 23:45:00.000000

"""

from alembic import op

revision = "c0de14000003"
down_revision = "c0de14000002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_audit_entries_action_seq", "audit_entries", ["action", "seq"])
    op.create_index("ix_audit_entries_actor_seq", "audit_entries", ["actor_id", "seq"])
    op.drop_index("ix_audit_entries_action", table_name="audit_entries")
    op.drop_index("ix_audit_entries_actor_id", table_name="audit_entries")


def downgrade():
    op.create_index("ix_audit_entries_actor_id", "audit_entries", ["actor_id"])
    op.create_index("ix_audit_entries_action", "audit_entries", ["action"])
    op.drop_index("ix_audit_entries_actor_seq", table_name="audit_entries")
    op.drop_index("ix_audit_entries_action_seq", table_name="audit_entries")
