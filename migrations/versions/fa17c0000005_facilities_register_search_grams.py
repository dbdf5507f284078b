"""facilities: an index of the pieces of facilities' codes and names in the register's
order, so the register's search reads a page of matches, not every facility

Revision ID: fa17c0000005
Revises: fa17c0000004
Create Date: 2026-12-02 04:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "fa17c0000005"
down_revision = "fa17c0000004"
branch_labels = None
depends_on = None


def _grams(*texts):
    """parkops/grams.py's grams() as it was at this revision."""
    found = set()
    for text in texts:
        folded = "".join(c.lower() if c.isascii() else c for c in text or "")
        found.update(folded)
        found.update(folded[i : i + 2] for i in range(len(folded) - 1))
    return found


def upgrade():
    grams = op.create_table(
        "fac_facility_grams",
        sa.Column("gram", sa.String(length=2), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["fac_facilities.id"],
            name=op.f("fk_fac_facility_grams_facility_id_fac_facilities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("gram", "facility_id", name=op.f("pk_fac_facility_grams")),
    )
    op.create_index(
        "ix_fac_facility_grams_page",
        "fac_facility_grams",
        ["gram", "site_id", "code", "facility_id"],
    )
    facilities = sa.table(
        "fac_facilities",
        sa.column("id"),
        sa.column("site_id"),
        sa.column("code"),
        sa.column("name"),
    )
    found = op.get_bind().execute(sa.select(facilities))
    rows = [
        {"gram": g, "facility_id": f.id, "site_id": f.site_id, "code": f.code}
        for f in found
        for g in _grams(f.code, f.name)
    ]
    if rows:
        op.bulk_insert(grams, rows)


def downgrade():
    op.drop_index("ix_fac_facility_grams_page", table_name="fac_facility_grams")
    op.drop_table("fac_facility_grams")
