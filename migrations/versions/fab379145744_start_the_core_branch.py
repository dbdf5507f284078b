"""start the core branch

The base revision d400e98fe039 holds the schema of the first installations
(core, facilities, ticketing). Every later change of the core's own tables is a
revision on this branch (``parkops db revision --head core@head``); each module's
changes live on a branch named after the module. See the README, "How to add a
migration".

Revision ID: fab379145744
Revises: d400e98fe039
Create Date: 2026-11-30 12:30:00

"""

# revision identifiers, used by Alembic.
revision = "fab379145744"
down_revision = "d400e98fe039"
branch_labels = ("core",)
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
