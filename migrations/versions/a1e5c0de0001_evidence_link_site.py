"""evidence links carry their record's site

Links made before this revision keep no site (NULL): the ledger shows them only
to readers who see every site.

Revision ID: a1e5c0de0001
Revises: fab379145744
Create Date: 2026-11-30 12:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a1e5c0de0001"
down_revision = "fab379145744"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rect_evidence_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("site_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_rect_evidence_links_site_id"), ["site_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_rect_evidence_links_site_id_sites"), "sites", ["site_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("rect_evidence_links", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_rect_evidence_links_site_id_sites"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_rect_evidence_links_site_id"))
        batch_op.drop_column("site_id")
