"""facilities: an index on facilities by site and code, so the register's list is read
in page order and stops after a page (20,000 facilities: no sort of all of them)

Revision ID: fa17c0000004
Revises: fa17c0000003
Create Date: 2026-12-01 23:30:00

"""

from alembic import op

revision = "fa17c0000004"
down_revision = "fa17c0000003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_fac_facilities_site_code", "fac_facilities", ["site_id", "code"])


def downgrade():
    op.drop_index("ix_fac_facilities_site_code", table_name="fac_facilities")
