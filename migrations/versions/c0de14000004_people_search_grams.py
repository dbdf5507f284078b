"""accounts: an index of the pieces of active accounts' display names and usernames in
the people search's order (``user_grams``), so a person picker's search reads a page of
matches, not every account

Revision ID: c0de14000004
Revises: c0de14000003 (the core branch)
Create Date: 2026-12-02 05:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "c0de14000004"
down_revision = "c0de14000003"
branch_labels = None
depends_on = None


def _grams(*texts):
    """parkops/grams.py's grams(..., folding=lowered) as it was at this revision."""
    found = set()
    for text in texts:
        folded = "".join(c.lower() for c in text or "")
        found.update(folded)
        found.update(folded[i : i + 2] for i in range(len(folded) - 1))
    return found


def upgrade():
    grams = op.create_table(
        "user_grams",
        sa.Column("gram", sa.String(length=2), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("username", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_grams_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("gram", "user_id", name=op.f("pk_user_grams")),
    )
    op.create_index(
        "ix_user_grams_page", "user_grams", ["gram", "display_name", "username", "user_id"]
    )
    users = sa.table(
        "users",
        sa.column("id"),
        sa.column("display_name"),
        sa.column("username"),
        sa.column("active"),
    )
    found = op.get_bind().execute(
        sa.select(users.c.id, users.c.display_name, users.c.username).where(users.c.active)
    )
    rows = [
        {"gram": g, "user_id": u.id, "display_name": u.display_name, "username": u.username}
        for u in found
        for g in _grams(u.display_name, u.username)
    ]
    if rows:
        op.bulk_insert(grams, rows)


def downgrade():
    op.drop_index("ix_user_grams_page", table_name="user_grams")
    op.drop_table("user_grams")
