"""greening scoring rules, rounds, assessments, deductions, appeals, corrections

Revision ID: e6ee0000a003
Revises: e6ee0000a002
Create Date: 2026-11-30 18:52:14.007930

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e6ee0000a003"
down_revision = "e6ee0000a002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "grn_rule_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_grn_rule_versions_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grn_rule_versions")),
        sa.UniqueConstraint("effective_from", name=op.f("uq_grn_rule_versions_effective_from")),
    )
    op.create_table(
        "grn_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("rule_version_id", sa.Integer(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["users.id"], name=op.f("fk_grn_rounds_closed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_grn_rounds_opened_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["rule_version_id"],
            ["grn_rule_versions.id"],
            name=op.f("fk_grn_rounds_rule_version_id_grn_rule_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_grn_rounds_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grn_rounds")),
        sa.UniqueConstraint("site_id", "month", name=op.f("uq_grn_rounds_site_id_month")),
    )
    with op.batch_alter_table("grn_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grn_rounds_site_id"), ["site_id"], unique=False)

    op.create_table(
        "grn_rule_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("checks", sa.Text(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("deduction", sa.Integer(), nullable=False),
        sa.Column("photo_required", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["grn_rule_versions.id"],
            name=op.f("fk_grn_rule_items_version_id_grn_rule_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grn_rule_items")),
        sa.UniqueConstraint(
            "version_id", "position", name=op.f("uq_grn_rule_items_version_id_position")
        ),
    )
    op.create_table(
        "grn_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("team", sa.String(length=100), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessor_id"], ["users.id"], name=op.f("fk_grn_assessments_assessor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"], ["users.id"], name=op.f("fk_grn_assessments_responsible_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["grn_rounds.id"], name=op.f("fk_grn_assessments_round_id_grn_rounds")
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["grn_zones.id"], name=op.f("fk_grn_assessments_zone_id_grn_zones")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grn_assessments")),
        sa.UniqueConstraint(
            "round_id", "zone_id", name=op.f("uq_grn_assessments_round_id_zone_id")
        ),
    )
    with op.batch_alter_table("grn_assessments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grn_assessments_zone_id"), ["zone_id"], unique=False)

    op.create_table(
        "grn_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("old_score", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["grn_assessments.id"],
            name=op.f("fk_grn_corrections_assessment_id_grn_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_grn_corrections_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["users.id"], name=op.f("fk_grn_corrections_proposed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grn_corrections")),
    )
    with op.batch_alter_table("grn_corrections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grn_corrections_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "grn_deductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("defects", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["grn_assessments.id"],
            name=op.f("fk_grn_deductions_assessment_id_grn_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["grn_rule_items.id"],
            name=op.f("fk_grn_deductions_item_id_grn_rule_items"),
        ),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["attachments.id"], name=op.f("fk_grn_deductions_photo_id_attachments")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_grn_deductions_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grn_deductions")),
    )
    with op.batch_alter_table("grn_deductions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grn_deductions_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "grn_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deduction_id", sa.Integer(), nullable=False),
        sa.Column("appellant_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "decision",
            sa.Enum("upheld", "dismissed", name="appealdecision", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["appellant_id"], ["users.id"], name=op.f("fk_grn_appeals_appellant_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_grn_appeals_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["deduction_id"],
            ["grn_deductions.id"],
            name=op.f("fk_grn_appeals_deduction_id_grn_deductions"),
        ),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["attachments.id"], name=op.f("fk_grn_appeals_photo_id_attachments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grn_appeals")),
        sa.UniqueConstraint("deduction_id", name=op.f("uq_grn_appeals_deduction_id")),
    )


def downgrade():
    op.drop_table("grn_appeals")
    with op.batch_alter_table("grn_deductions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grn_deductions_assessment_id"))

    op.drop_table("grn_deductions")
    with op.batch_alter_table("grn_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grn_corrections_assessment_id"))

    op.drop_table("grn_corrections")
    with op.batch_alter_table("grn_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grn_assessments_zone_id"))

    op.drop_table("grn_assessments")
    op.drop_table("grn_rule_items")
    with op.batch_alter_table("grn_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grn_rounds_site_id"))

    op.drop_table("grn_rounds")
    op.drop_table("grn_rule_versions")
