"""greening: withdrawn deductions; payout bands as a versioned table (from the settings)

The three fixed payout settings (greening.reward_top, reward_good, penalty: fen) and
the pass mark become the first band version, in force from 2000-01-01 so every round
closed before keeps its payouts: at least 95 % the top reward, 90 % the good reward,
the pass mark (when below 90) nothing, 0 % the penalty (negative).

Revision ID: e6ee0000a004
Revises: e6ee0000a003
Create Date: 2026-11-30 22:45:00.000000

"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e6ee0000a004"
down_revision = "e6ee0000a003"
branch_labels = None
depends_on = None

FORMER = {"greening.reward_top": 50000, "greening.reward_good": 20000, "greening.penalty": 30000}


def _former_bands(connection) -> dict[int, int]:
    """{lower percent: fen} equal to the former fixed rule with the stored settings."""
    stored = dict(
        connection.execute(
            sa.text("SELECT key, value FROM settings WHERE key LIKE 'greening.%'")
        ).all()
    )
    value = {k: int(stored.get(k, default)) for k, default in FORMER.items()}
    mark = int(stored.get("greening.pass_mark", 80))
    bands = {0: -value["greening.penalty"], 90: value["greening.reward_good"]}
    bands[95] = value["greening.reward_top"]
    if mark < 90:
        bands[mark] = 0
    return bands


def upgrade():
    with op.batch_alter_table("grn_deductions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("withdraw_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_grn_deductions_withdrawn_by_id_users"),
            "users",
            ["withdrawn_by_id"],
            ["id"],
        )
    versions = op.create_table(
        "grn_band_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_grn_band_versions_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grn_band_versions")),
        sa.UniqueConstraint("effective_from", name=op.f("uq_grn_band_versions_effective_from")),
    )
    bands = op.create_table(
        "grn_bands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("lower_percent", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["grn_band_versions.id"],
            name=op.f("fk_grn_bands_version_id_grn_band_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grn_bands")),
        sa.UniqueConstraint(
            "version_id", "lower_percent", name=op.f("uq_grn_bands_version_id_lower_percent")
        ),
    )
    connection = op.get_bind()
    former = _former_bands(connection)
    first = date(2000, 1, 1)
    # No explicit id: PostgreSQL's sequence would not know it.
    connection.execute(versions.insert().values(effective_from=first, created_at=datetime.now(UTC)))
    version_id = connection.execute(
        sa.select(versions.c.id).where(versions.c.effective_from == first)
    ).scalar_one()
    op.bulk_insert(
        bands,
        [
            {"version_id": version_id, "lower_percent": p, "amount_fen": f}
            for p, f in former.items()
        ],
    )
    for key in FORMER:
        connection.execute(sa.text("DELETE FROM settings WHERE key = :key"), {"key": key})


def downgrade():
    op.drop_table("grn_bands")
    op.drop_table("grn_band_versions")
    with op.batch_alter_table("grn_deductions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_grn_deductions_withdrawn_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("withdraw_reason")
        batch_op.drop_column("withdrawn_by_id")
        batch_op.drop_column("withdrawn_at")
