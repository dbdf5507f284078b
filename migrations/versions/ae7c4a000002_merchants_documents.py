"""merchants: merchant documents with expiry (licences, permits); exit approval;
turnover reports

Revision ID: ae7c4a000002
Revises: ae7c4a000001
Create Date: 2026-11-30 22:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "ae7c4a000002"
down_revision = "ae7c4a000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mer_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "licence",
                "food_permit",
                "fire",
                "other",
                name="documentkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["attachments.id"],
            name=op.f("fk_mer_documents_attachment_id_attachments"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_mer_documents_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["mer_merchants.id"],
            name=op.f("fk_mer_documents_merchant_id_mer_merchants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mer_documents")),
    )
    with op.batch_alter_table("mer_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mer_documents_merchant_id"), ["merchant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mer_documents_valid_until"), ["valid_until"], unique=False
        )
    with op.batch_alter_table("mer_exits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("approved_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_mer_exits_approved_by_id_users"), "users", ["approved_by_id"], ["id"]
        )
    op.create_table(
        "mer_turnover_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("period_starts_on", sa.Date(), nullable=False),
        sa.Column("turnover_fen", sa.BigInteger(), nullable=False),
        sa.Column("minimum_fen", sa.Integer(), nullable=False),
        sa.Column("topup_fen", sa.BigInteger(), nullable=False),
        sa.Column("receivable_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["mer_contracts.id"],
            name=op.f("fk_mer_turnover_reports_contract_id_mer_contracts"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_mer_turnover_reports_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mer_turnover_reports")),
        sa.UniqueConstraint(
            "contract_id",
            "period_starts_on",
            name=op.f("uq_mer_turnover_reports_contract_id_period_starts_on"),
        ),
    )
    with op.batch_alter_table("mer_turnover_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mer_turnover_reports_contract_id"), ["contract_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("mer_turnover_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mer_turnover_reports_contract_id"))
    op.drop_table("mer_turnover_reports")
    with op.batch_alter_table("mer_exits", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_mer_exits_approved_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("approved_by_id")
        batch_op.drop_column("approved_at")
    with op.batch_alter_table("mer_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mer_documents_valid_until"))
        batch_op.drop_index(batch_op.f("ix_mer_documents_merchant_id"))
    op.drop_table("mer_documents")
