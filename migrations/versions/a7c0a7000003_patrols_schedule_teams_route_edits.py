"""patrols: schedules for a team or a person, and their end; routes edited (checkpoints
removed, labels re-issued, scans keeping the checkpoint as it was); runs started offline;
the item of a gate-duty checklist that counts the touts

Revision ID: a7c0a7000003
Revises: a7c0a7000002
Create Date: 2026-11-30 18:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c0a7000003"
down_revision = "a7c0a7000002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pat_schedules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column("assignee_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_pat_schedules_department_id_departments"),
            "departments",
            ["department_id"],
            ["id"],
        )
    # A schedule switched off before is one that ended (when is not known: at its start).
    op.execute("UPDATE pat_schedules SET ended_at = created_at WHERE active = false")
    with op.batch_alter_table("pat_schedules", schema=None) as batch_op:
        batch_op.drop_column("active")

    with op.batch_alter_table("pat_checkpoints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("pat_scans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("code", sa.String(length=30), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("name", sa.String(length=100), nullable=False, server_default="")
        )
    for column in ("position", "code", "name"):
        op.execute(
            f"UPDATE pat_scans SET {column} = (SELECT pat_checkpoints.{column} "  # noqa: S608  (fixed names)
            "FROM pat_checkpoints WHERE pat_checkpoints.id = pat_scans.checkpoint_id)"
        )
    op.create_table(
        "pat_retired_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checkpoint_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"],
            ["pat_checkpoints.id"],
            name=op.f("fk_pat_retired_labels_checkpoint_id_pat_checkpoints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pat_retired_labels")),
        sa.UniqueConstraint("token", name=op.f("uq_pat_retired_labels_token")),
    )
    with op.batch_alter_table("pat_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_pat_runs_start_key"), ["start_key"])
    with op.batch_alter_table("pat_findings", schema=None) as batch_op:
        batch_op.create_index("ix_pat_findings_recorded", ["recorded_at", "id"], unique=False)
    with op.batch_alter_table("pat_checklist_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("counts_touts", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Until now indicator 32 summed every number item of a gate-duty checklist: its first
    # number item is taken as the touts (the demo's and the usual checklist's only one).
    op.execute(
        "UPDATE pat_checklist_items SET counts_touts = true WHERE answer_type = 'number' "
        "AND position = (SELECT MIN(i.position) FROM pat_checklist_items i "
        "WHERE i.version_id = pat_checklist_items.version_id AND i.answer_type = 'number') "
        "AND version_id IN (SELECT v.id FROM pat_checklist_versions v "
        "JOIN pat_checklists c ON c.id = v.checklist_id WHERE c.purpose = 'gate_duty')"
    )


def downgrade():
    with op.batch_alter_table("pat_checklist_items", schema=None) as batch_op:
        batch_op.drop_column("counts_touts")
    with op.batch_alter_table("pat_findings", schema=None) as batch_op:
        batch_op.drop_index("ix_pat_findings_recorded")
    with op.batch_alter_table("pat_runs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_pat_runs_start_key"), type_="unique")
        batch_op.drop_column("start_key")
    op.drop_table("pat_retired_labels")
    with op.batch_alter_table("pat_scans", schema=None) as batch_op:
        batch_op.drop_column("name")
        batch_op.drop_column("code")
        batch_op.drop_column("position")
    with op.batch_alter_table("pat_checkpoints", schema=None) as batch_op:
        batch_op.drop_column("removed_at")
    with op.batch_alter_table("pat_schedules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.execute("UPDATE pat_schedules SET active = false WHERE ended_at IS NOT NULL")
    op.execute(
        "UPDATE pat_runs SET schedule_id = NULL, due_at = NULL WHERE schedule_id IN "
        "(SELECT id FROM pat_schedules WHERE assignee_id IS NULL)"
    )
    op.execute("DELETE FROM pat_schedules WHERE assignee_id IS NULL")
    with op.batch_alter_table("pat_schedules", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_pat_schedules_department_id_departments"), type_="foreignkey"
        )
        batch_op.alter_column("assignee_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("ended_at")
        batch_op.drop_column("department_id")
