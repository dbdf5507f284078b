"""indicator readings: each indicator's figure stored per site set and language

Revision ID: c0de14000001
Revises: c0de13000001 (the core branch)
Create Date: 2026-12-01 02:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c0de14000001"
down_revision = "c0de13000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "indicator_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=80), nullable=False),
        sa.Column("sites_key", sa.String(length=40), nullable=False),
        sa.Column("sites", sa.Text(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_readings")),
        sa.UniqueConstraint(
            "indicator",
            "sites_key",
            "locale",
            name=op.f("uq_indicator_readings_indicator_sites_key_locale"),
        ),
    )


def downgrade():
    op.drop_table("indicator_readings")
