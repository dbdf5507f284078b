"""Checklists (versioned), routes with checkpoints, and patrol runs with their answers.

A checklist (检查表) is a name at a site; its items live in numbered versions.
Editing a checklist adds a version; a run points at the version it was started
with, so a submitted run always shows the questions it answered.
"""

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parkops.auth.models import Department, Site, User
from parkops.db import Base, utcnow


def _enum(cls):
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class AnswerType(enum.StrEnum):
    PASS_FAIL = "pass_fail"  # noqa: S105  (not a password)
    NUMBER = "number"  # with the item's unit
    CHOICE = "choice"  # one of the item's choices
    TEXT = "text"
    PHOTO = "photo"  # a photo is required


class ChecklistPurpose(enum.StrEnum):
    """What a checklist is for: the ledger's indicators pick checklists by it (32: gate
    duty and its touts; 5: the water patrol's intake clearances)."""

    CONDUCT = "conduct"  # staff conduct (明察暗访)
    WATER = "water"  # the water patrol and the pump-station intake
    GATE_DUTY = "gate_duty"  # parking duty at a gate; its number item counts the touts
    SANITATION = "sanitation"
    MERCHANT = "merchant"
    OTHER = "other"


class Checklist(Base):
    """检查表: what a patrol checks; its items are in ``versions`` (newest is current)."""

    __tablename__ = "pat_checklists"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # Unannounced inspections (明察暗访) are seen only by inspectors and leaders until done.
    unannounced: Mapped[bool] = mapped_column(default=False)
    purpose: Mapped[ChecklistPurpose] = mapped_column(
        _enum(ChecklistPurpose), default=ChecklistPurpose.OTHER
    )
    # The number of the newest version, the one new runs use (0: none yet).
    version_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship(lazy="joined")
    current_version: Mapped["ChecklistVersion | None"] = relationship(
        primaryjoin="and_(ChecklistVersion.checklist_id == Checklist.id, "
        "ChecklistVersion.number == Checklist.version_count)",
        viewonly=True,
        uselist=False,
    )


class ChecklistVersion(Base):
    """One frozen set of items: never changed once written."""

    __tablename__ = "pat_checklist_versions"
    __table_args__ = (UniqueConstraint("checklist_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("pat_checklists.id"))
    number: Mapped[int]  # 1, 2, … within its checklist
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    checklist: Mapped[Checklist] = relationship()
    items: Mapped[list["ChecklistItem"]] = relationship(
        order_by="ChecklistItem.position", back_populates="version"
    )


# Units of number items whose answers may be negative (temperatures); see allows_negative.
SIGNED_UNITS = frozenset({"°C", "℃", "°F", "℉", "°"})


class ChecklistItem(Base):
    __tablename__ = "pat_checklist_items"
    __table_args__ = (UniqueConstraint("version_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("pat_checklist_versions.id"))
    position: Mapped[int]  # 1, 2, … as asked
    text: Mapped[str] = mapped_column(String(200))
    answer_type: Mapped[AnswerType] = mapped_column(_enum(AnswerType))
    unit: Mapped[str] = mapped_column(String(20), default="")  # number items: "m²", "人"
    choices: Mapped[str] = mapped_column(Text, default="")  # choice items: one per line
    weight: Mapped[int] = mapped_column(default=1)  # share of the run's score
    fail_is_finding: Mapped[bool] = mapped_column(default=True)
    # The one number item of a gate-duty checklist whose answer is the touts seen (32).
    counts_touts: Mapped[bool] = mapped_column(default=False)

    version: Mapped[ChecklistVersion] = relationship(back_populates="items")

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.splitlines() if c.strip()]

    @property
    def allows_negative(self) -> bool:
        """A number item's answer may be below 0 only for a signed measure (a temperature):
        anything counted or measured out (kg, m, 人, no unit) is 0 or more."""
        return self.unit.strip() in SIGNED_UNITS


class Route(Base):
    """巡查路线: checkpoints in the order a patrol reaches them."""

    __tablename__ = "pat_routes"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship(lazy="joined")
    # The checkpoints on it now (a removed one stays in the table for the scans of it).
    checkpoints: Mapped[list["Checkpoint"]] = relationship(
        primaryjoin="and_(Checkpoint.route_id == Route.id, Checkpoint.removed_at.is_(None))",
        order_by="Checkpoint.position",
        back_populates="route",
    )


class Checkpoint(Base):
    """打卡点: a place on a route with its own QR label (``token``). A checkpoint removed
    from its route keeps its row (``removed_at``, UTC; its ``position`` then -id) so the
    runs that scanned it still read it; its label no longer records a scan."""

    __tablename__ = "pat_checkpoints"
    __table_args__ = (UniqueConstraint("route_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("pat_routes.id"))
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(30), unique=True)  # printed on the label
    name: Mapped[str] = mapped_column(String(100))
    token: Mapped[str] = mapped_column(String(64), unique=True)  # what the QR code carries
    removed_at: Mapped[datetime | None]

    route: Mapped[Route] = relationship(back_populates="checkpoints", lazy="joined")


class RetiredLabel(Base):
    """A checkpoint label replaced by a re-issued one: its token now only explains that."""

    __tablename__ = "pat_retired_labels"
    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("pat_checkpoints.id"))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    retired_at: Mapped[datetime] = mapped_column(default=utcnow)

    checkpoint: Mapped[Checkpoint] = relationship(lazy="joined")


class Schedule(Base):
    """A checklist on a route at fixed local times (``times``: "08:00 12:00 17:00") on
    set ISO weekdays (``weekdays``: "12345" Monday to Friday), assigned to a person
    (``assignee``) or a team (``department``: its people at the route's site).
    A slot is done when a run of it starts within ``window_minutes`` after its time.
    Its slots are those from ``created_at`` until ``ended_at`` (UTC; None: still on);
    changing a schedule ends it and starts the changed one, so past slots keep theirs."""

    __tablename__ = "pat_schedules"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("pat_checklists.id"))
    route_id: Mapped[int] = mapped_column(ForeignKey("pat_routes.id"))
    times: Mapped[str] = mapped_column(String(100))
    weekdays: Mapped[str] = mapped_column(String(7), default="1234567")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    window_minutes: Mapped[int] = mapped_column(default=60)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    checklist: Mapped[Checklist] = relationship(lazy="joined")
    route: Mapped["Route"] = relationship(lazy="joined")
    assignee: Mapped[User | None] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")

    @property
    def assigned_to(self) -> str:
        """Who runs it, in words: the person's or the team's name."""
        if self.assignee is not None:
            return self.assignee.display_name or self.assignee.username
        return self.department.name if self.department else ""

    def has_slot(self, due: datetime) -> bool:
        """Whether a slot at ``due`` (UTC) falls in the schedule's life."""
        return self.created_at <= due and (self.ended_at is None or due < self.ended_at)


class Run(Base):
    """巡查记录: one walk of a checklist version along a route; locked once submitted."""

    __tablename__ = "pat_runs"
    __table_args__ = (
        Index("ix_pat_runs_site_started", "site_id", "started_at"),
        # One run per scheduled slot.
        UniqueConstraint("schedule_id", "due_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("pat_checklist_versions.id"), index=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("pat_routes.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("pat_schedules.id"))
    due_at: Mapped[datetime | None]  # the scheduled slot's time (UTC) this run fulfils
    # The key a phone started it with offline: its queued scans and answers name the run
    # by it, as the phone did not know the run's id when it queued them.
    start_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # When the server received the start and the submission (UTC); started_at and
    # submitted_at are when the phone made them (phone_time.py). None: before 2026-12.
    start_received_at: Mapped[datetime | None]
    submit_received_at: Mapped[datetime | None]

    version: Mapped[ChecklistVersion] = relationship(lazy="joined")
    route: Mapped[Route] = relationship(lazy="joined")
    inspector: Mapped[User] = relationship(lazy="joined")

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class Scan(Base):
    """到岗证明: a checkpoint reached during a run, when, and where the phone said it was;
    with the checkpoint's place, code and name as they were then (a route edited later
    leaves a done run as it was walked)."""

    __tablename__ = "pat_scans"
    __table_args__ = (UniqueConstraint("run_id", "checkpoint_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("pat_runs.id"))
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("pat_checkpoints.id"))
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow)  # on the phone (phone_time.py)
    received_at: Mapped[datetime | None]  # by the server (None: before 2026-12)
    latitude: Mapped[float | None]  # degrees (WGS 84), when the browser allowed it
    longitude: Mapped[float | None]
    accuracy_m: Mapped[float | None]  # metres
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(30), default="")
    name: Mapped[str] = mapped_column(String(100), default="")


class Answer(Base):
    """One item answered in a run: the value in the column of its answer type."""

    __tablename__ = "pat_answers"
    __table_args__ = (UniqueConstraint("run_id", "item_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("pat_runs.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("pat_checklist_items.id"))
    passed: Mapped[bool | None]  # pass/fail items
    value: Mapped[str] = mapped_column(String(200), default="")  # number, choice or text
    note: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)  # on the phone (phone_time.py)
    received_at: Mapped[datetime | None]  # by the server (None: before 2026-12)


class Severity(enum.StrEnum):
    """The values ``signals.finding_recorded`` carries."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class FindingState(enum.StrEnum):
    OPEN = "open"  # waiting for its fix
    FIXED = "fixed"  # the owner fixed it; waiting for verification by someone else
    VERIFIED = "verified"  # closed


class Finding(Base):
    """发现问题: a failed item or a free observation, about a subject, and its follow-up
    (整改跟踪): an owner, a deadline (local date), the fix with a photo, verification.

    With ``person_id`` it is a criticism-and-education record (批评教育) about that staff
    member: seen only by inspectors and leaders (``patrols.view``) and that person.
    """

    __tablename__ = "pat_findings"
    __table_args__ = (
        Index("ix_pat_findings_site_state_deadline", "site_id", "state", "deadline"),
        # The lists' order (newest first): read from the index, not sorted per page.
        Index("ix_pat_findings_recorded", "recorded_at", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("pat_runs.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("pat_answers.id"))
    summary: Mapped[str] = mapped_column(String(300))
    # Where: any registered subject (parkops.subjects); the label as it was, for lists.
    subject_kind: Mapped[str] = mapped_column(String(60), default="")
    subject_id: Mapped[int | None]
    subject_label: Mapped[str] = mapped_column(String(200), default="")
    severity: Mapped[Severity] = mapped_column(_enum(Severity), default=Severity.NORMAL)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    deadline: Mapped[date | None]  # local business day by which it is fixed
    state: Mapped[FindingState] = mapped_column(_enum(FindingState), default=FindingState.OPEN)
    fix_note: Mapped[str] = mapped_column(Text, default="")
    fixed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    fixed_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None]
    verify_note: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[User | None] = relationship(foreign_keys=[person_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    fixed_by: Mapped[User | None] = relationship(foreign_keys=[fixed_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    reactions: Mapped[list["FindingReaction"]] = relationship(order_by="FindingReaction.id")


class FindingReaction(Base):
    """What another module did on hearing of a finding (``signals.Reaction``)."""

    __tablename__ = "pat_finding_reactions"
    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("pat_findings.id"), index=True)
    text: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(500), default="")
