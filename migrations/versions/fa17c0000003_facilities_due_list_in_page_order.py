"""facilities: an index on facilities by site, area and due day, so the patrol's due list
is read in page order and stops after a page (20,000 facilities: no sort of the due ones)

Revision ID: fa17c0000003
Revises: fa17c0000002
Create Date: 2026-12-01 02:10:00

"""

from alembic import op

revision = "fa17c0000003"
down_revision = "fa17c0000002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_fac_facilities_site_area_due",
        "fac_facilities",
        ["site_id", "area", "due_on", "code"],
    )


def downgrade():
    op.drop_index("ix_fac_facilities_site_area_due", table_name="fac_facilities")
