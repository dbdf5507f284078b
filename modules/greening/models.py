"""Maintenance zones (养护责任区) and their roster: who answered for a zone on which day."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
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
