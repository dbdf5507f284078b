"""merchants: an index of the pieces of merchants' names, contacts and phones, so the
merchants' search does not read every merchant

Revision ID: ae7c4a000004
Revises: ae7c4a000003
Create Date: 2026-12-01 05:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "ae7c4a000004"
down_revision = "ae7c4a000003"
branch_labels = None
depends_on = None


def _grams(*texts):
    """modules/merchants/search.py's grams() as it was at this revision."""
    found = set()
    for text in texts:
        folded = "".join(c.lower() if c.isascii() else c for c in text or "")
        found.update(folded)
        found.update(folded[i : i + 2] for i in range(len(folded) - 1))
    return found


def upgrade():
    grams = op.create_table(
        "mer_merchant_grams",
        sa.Column("gram", sa.String(length=2), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["mer_merchants.id"],
            name=op.f("fk_mer_merchant_grams_merchant_id_mer_merchants"),
        ),
        sa.PrimaryKeyConstraint("gram", "merchant_id", name=op.f("pk_mer_merchant_grams")),
    )
    merchants = sa.table(
        "mer_merchants",
        sa.column("id"),
        sa.column("name"),
        sa.column("contact"),
        sa.column("phone"),
    )
    found = op.get_bind().execute(sa.select(merchants))
    rows = [
        {"gram": g, "merchant_id": m.id} for m in found for g in _grams(m.name, m.contact, m.phone)
    ]
    if rows:
        op.bulk_insert(grams, rows)


def downgrade():
    op.drop_table("mer_merchant_grams")
