"""Maintenance zones (养护责任区) and their roster: who answered for a zone on which day."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parkops.attachments import Attachment
from parkops.auth.models import Site, User
from parkops.db import Base, utcnow


def _enum(cls):
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class ZoneKind(enum.StrEnum):
    LAWN = "lawn"
    FLOWER_BED = "flower_bed"
    WOODLAND = "woodland"
    HEDGE = "hedge"
    WATERSIDE = "waterside"
    ROADSIDE = "roadside"


class Grade(enum.StrEnum):
    """The maintenance standard a zone is kept to: 一级 is the strictest."""

    FIRST = "first"
    SECOND = "second"
    THIRD = "third"


class Zone(Base):
    """养护责任区: one piece of the park a team keeps, at one site."""

    __tablename__ = "grn_zones"
    __table_args__ = (UniqueConstraint("site_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))  # unique within its site
    name: Mapped[str] = mapped_column(String(100))
    area_m2: Mapped[int]  # whole square metres
    kind: Mapped[ZoneKind] = mapped_column(_enum(ZoneKind))
    grade: Mapped[Grade] = mapped_column(_enum(Grade))
    notes: Mapped[str] = mapped_column(Text, default="")
    # The zone drawn on its site's plan: [[x, y], …], each 0..1 of the image's width
    # and height from its top left corner, so a re-scanned plan keeps the drawings.
    outline: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


class RosterEntry(Base):
    """From ``starts_on`` (a local date) until the zone's next entry starts, ``responsible``
    and ``team`` answer for the zone. Entries are added, never changed once their first
    day has passed, so any past day keeps the person who answered on it."""

    __tablename__ = "grn_roster"
    __table_args__ = (
        UniqueConstraint("zone_id", "starts_on"),
        # Who answers today, for every zone of a list: the latest start per zone.
        Index("ix_grn_roster_zone_start", "zone_id", "starts_on", "responsible_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("grn_zones.id"))
    starts_on: Mapped[date]
    responsible_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    team: Mapped[str] = mapped_column(String(100), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    responsible: Mapped[User] = relationship(foreign_keys=[responsible_id], lazy="joined")


class SitePlan(Base):
    """平面图: the park's own plan image of one site, zones are drawn over it."""

    __tablename__ = "grn_site_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), unique=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id"))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    attachment: Mapped[Attachment] = relationship(lazy="joined")


class TaskType(Base):
    """A recurring kind of work (mowing, hedge pruning, sowing 二月兰 …) for every zone of
    one kind: due every ``frequency_days`` from the first day of its season, within
    the season. A season is month-day to month-day and may run over the new year
    (11-15 → 02-15)."""

    __tablename__ = "grn_task_types"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    zone_kind: Mapped[ZoneKind] = mapped_column(_enum(ZoneKind))
    start_month: Mapped[int]
    start_day: Mapped[int]
    end_month: Mapped[int]
    end_day: Mapped[int]
    frequency_days: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Task(Base):
    """One piece of work due in a zone on a local date: generated from a ``task_type``
    (at most one per zone, type and day) or a one-off the lead added (no type)."""

    __tablename__ = "grn_tasks"
    __table_args__ = (
        UniqueConstraint("zone_id", "task_type_id", "due_on"),
        Index("ix_grn_tasks_zone_due", "zone_id", "due_on"),
        # The tasks of a week or month in every zone (the lead's completion), with what
        # it counts of them: read from the index alone, not a table row a task.
        Index("ix_grn_tasks_due_zone_done", "due_on", "zone_id", "done_at"),
        # The open tasks of a zone, without walking the years of done ones.
        Index(
            "ix_grn_tasks_open",
            "zone_id",
            "due_on",
            sqlite_where=text("done_at IS NULL"),
            postgresql_where=text("done_at IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("grn_zones.id"))
    task_type_id: Mapped[int | None] = mapped_column(ForeignKey("grn_task_types.id"))
    title: Mapped[str] = mapped_column(String(100))  # the type's name, or the one-off's
    due_on: Mapped[date]
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # one-offs
    done_at: Mapped[datetime | None]  # UTC
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    zone: Mapped[Zone] = relationship(lazy="joined")


class RuleVersion(Base):
    """考评细则: one version of the scoring rules, in force from ``effective_from`` (a local
    date) until the next version's. Never changed once stored: an edit is a new version,
    so a round keeps scoring by the version it was opened with."""

    __tablename__ = "grn_rule_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list["RuleItem"]] = relationship(
        order_by="RuleItem.position", lazy="selectin", back_populates="version"
    )

    @property
    def total_points(self) -> int:
        return sum(item.points for item in self.items)


class RuleItem(Base):
    """One assessment item of a rule version: what is checked, the points it carries and
    the points one defect takes off (whole points), whether a deduction needs a photo."""

    __tablename__ = "grn_rule_items"
    __table_args__ = (UniqueConstraint("version_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("grn_rule_versions.id"))
    position: Mapped[int]  # 1, 2, … in the order the office listed them
    name: Mapped[str] = mapped_column(String(100))
    checks: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[int]
    deduction: Mapped[int]  # points per defect, 1..points
    photo_required: Mapped[bool] = mapped_column(default=True)

    version: Mapped[RuleVersion] = relationship(back_populates="items")


class Round(Base):
    """考评轮次: one month's assessment of every zone of a site, scored by the rule version
    in force on the day it was opened."""

    __tablename__ = "grn_rounds"
    __table_args__ = (UniqueConstraint("site_id", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    month: Mapped[date]  # the first day of the month assessed
    rule_version_id: Mapped[int] = mapped_column(ForeignKey("grn_rule_versions.id"))
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]  # UTC; a closed round is read-only
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    site: Mapped[Site] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"


class Assessment(Base):
    """One zone scored in a round: who answered for the zone on the day it was assessed
    (from the roster) and its score, the version's points minus its deductions (each
    item at least 0), kept up to date by the service, never typed."""

    __tablename__ = "grn_assessments"
    __table_args__ = (UniqueConstraint("round_id", "zone_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("grn_rounds.id"))
    zone_id: Mapped[int] = mapped_column(ForeignKey("grn_zones.id"), index=True)
    assessed_on: Mapped[date]  # local date
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team: Mapped[str] = mapped_column(String(100), default="")
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    score: Mapped[int]

    responsible: Mapped[User | None] = relationship(foreign_keys=[responsible_id], lazy="joined")


class Deduction(Base):
    """扣分: defects found against one rule item in an assessed zone, with the note and the
    photo; ``points`` = defects × the item's deduction (the score caps an item at 0)."""

    __tablename__ = "grn_deductions"
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("grn_assessments.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("grn_rule_items.id"))
    defects: Mapped[int]
    points: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Withdrawn as recorded by mistake (open round only): kept, shown struck through,
    # never counted in the score (``withdrawals.py``).
    withdrawn_at: Mapped[datetime | None]  # UTC
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdraw_reason: Mapped[str | None] = mapped_column(Text)


class AppealDecision(enum.StrEnum):
    UPHELD = "upheld"  # the deduction falls: its points are restored
    DISMISSED = "dismissed"  # the deduction stands


class Appeal(Base):
    """申诉: the responsible person contesting one deduction, within the set number of
    days, with a reason and maybe a photo; the lead decides, never the assessor who
    recorded the deduction nor the appellant."""

    __tablename__ = "grn_appeals"
    id: Mapped[int] = mapped_column(primary_key=True)
    deduction_id: Mapped[int] = mapped_column(ForeignKey("grn_deductions.id"), unique=True)
    appellant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[AppealDecision | None] = mapped_column(_enum(AppealDecision))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]

    deduction: Mapped[Deduction] = relationship(lazy="joined")
    appellant: Mapped[User] = relationship(foreign_keys=[appellant_id], lazy="joined")


class ScoreCorrection(Base):
    """更正: a zone's score in a closed round set anew, with a reason, by one person and
    approved (or refused) by a second; until approved the score stands."""

    __tablename__ = "grn_corrections"
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("grn_assessments.id"), index=True)
    old_score: Mapped[int]
    score: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved: Mapped[bool | None]  # None: awaiting the second person
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]

    assessment: Mapped[Assessment] = relationship(lazy="joined")
