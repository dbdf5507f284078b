"""Facilities, their patrol inspections and repair orders."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    Column,
    Enum,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parkops.auth.models import Site, User
from parkops.db import Base, utcnow


def _enum(cls):
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class FacilityStatus(enum.StrEnum):
    IN_SERVICE = "in_service"
    DAMAGED = "damaged"
    UNDER_REPAIR = "under_repair"
    OUT_OF_SERVICE = "out_of_service"


class OrderState(enum.StrEnum):
    REPORTED = "reported"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    REPAIRED = "repaired"
    VERIFIED = "verified"  # closed
    REJECTED = "rejected"  # closed


OPEN_STATES = (
    OrderState.REPORTED,
    OrderState.ASSIGNED,
    OrderState.IN_PROGRESS,
    OrderState.REPAIRED,
)
CLOSED_STATES = (OrderState.VERIFIED, OrderState.REJECTED)


class Priority(enum.StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class RejectReason(enum.StrEnum):
    DUPLICATE = "duplicate"
    NOT_A_FAULT = "not_a_fault"


class FaultCategory(enum.StrEnum):
    """What is wrong, as a visitor or the crew picks it with one tap: a report joins an
    open order only of the same facility and category (never OTHER)."""

    LIGHTING = "lighting"
    FENCE = "fence"  # fences, railings, posts
    SEATING = "seating"
    SANITATION = "sanitation"  # toilets, bins, litter
    WATER_ELECTRIC = "water_electric"  # taps, pumps, sockets, cables
    SIGNAGE = "signage"
    OTHER = "other"


class InspectionResult(enum.StrEnum):
    FINE = "fine"
    DAMAGE = "damage"


class FacilityType(Base):
    """Ride, bench, toilet …: how often one is inspected and whether it is safety-critical."""

    __tablename__ = "fac_types"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    interval_days: Mapped[int] = mapped_column(default=7)
    safety_critical: Mapped[bool] = mapped_column(default=False)


class Facility(Base):
    __tablename__ = "fac_facilities"
    __table_args__ = (
        # The patrol's due list and the coverage figures: by site, what is due by a day.
        Index("ix_fac_facilities_site_due", "site_id", "due_on", "area", "code"),
        # The due list in page order (site, area, longest overdue first): walked, not sorted.
        Index("ix_fac_facilities_site_area_due", "site_id", "area", "due_on", "code"),
        Index("ix_fac_facilities_site_type_code", "site_id", "type_id", "code"),
        # The register's list in page order (site, code): walked, not sorted.
        Index("ix_fac_facilities_site_code", "site_id", "code"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    code: Mapped[str] = mapped_column(String(30), unique=True)  # printed on the label
    name: Mapped[str] = mapped_column(String(100))
    type_id: Mapped[int] = mapped_column(ForeignKey("fac_types.id"), index=True)
    area: Mapped[str] = mapped_column(String(60), default="")  # groups the due list
    location: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    status: Mapped[FacilityStatus] = mapped_column(
        _enum(FacilityStatus), default=FacilityStatus.IN_SERVICE
    )
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    installed_on: Mapped[date | None]
    team: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # What the QR code carries; re-issuing it makes printed labels stop working.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    token_issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Kept up to date by each inspection so the due list needs no scan of inspections.
    last_inspected_at: Mapped[datetime | None]
    due_on: Mapped[date]  # the local day by which the next inspection is due
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship(lazy="joined")
    type: Mapped[FacilityType] = relationship(lazy="joined")


class FacilityGram(Base):
    """A piece of one or two characters (ASCII lowercased) of a facility's code or name,
    with the facility's place in the register's order (site, code): the index the
    register's search walks in page order (``search.py``). Kept by ``search.py``'s
    listeners whenever a facility is added or its code, name or site change."""

    __tablename__ = "fac_facility_grams"
    __table_args__ = (
        Index("ix_fac_facility_grams_page", "gram", "site_id", "code", "facility_id"),
    )
    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    facility_id: Mapped[int] = mapped_column(
        ForeignKey("fac_facilities.id", ondelete="CASCADE"), primary_key=True
    )
    site_id: Mapped[int]
    code: Mapped[str] = mapped_column(String(30))


class Inspection(Base):
    """巡查: one crew member's check of one facility."""

    __tablename__ = "fac_inspections"
    __table_args__ = (
        # Coverage counts read this index alone (no table rows).
        Index("ix_fac_inspections_site_day", "site_id", "day", "due_on", "facility_id"),
        Index("ix_fac_inspections_facility_at", "facility_id", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("fac_facilities.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    day: Mapped[date]  # the local business day
    due_on: Mapped[date | None]  # when it was due, for coverage: was it a due inspection?
    result: Mapped[InspectionResult] = mapped_column(_enum(InspectionResult))
    note: Mapped[str] = mapped_column(Text, default="")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("fac_orders.id"))

    facility: Mapped[Facility] = relationship()
    inspector: Mapped[User] = relationship(lazy="joined")


order_assignees = Table(
    "fac_order_assignees",
    Base.metadata,
    Column("order_id", ForeignKey("fac_orders.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    # "Mine": from the user to their orders.
    Index("ix_fac_order_assignees_user_order", "user_id", "order_id"),
)


class RepairOrder(Base):
    """报修 / 维修单: a reported fault and its repair."""

    __tablename__ = "fac_orders"
    __table_args__ = (
        # The lists: newest first within a site and state; overdue by deadline.
        Index("ix_fac_orders_site_state_id", "site_id", "state", "id"),
        Index("ix_fac_orders_site_id", "site_id", "id"),
        Index("ix_fac_orders_state_deadline", "state", "deadline_at"),
        Index("ix_fac_orders_facility_state", "facility_id", "state"),
        Index("ix_fac_orders_closed_at", "closed_at"),
        # The indicators: orders verified in the last 30 days.
        Index("ix_fac_orders_state_closed_at", "state", "closed_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("fac_facilities.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    state: Mapped[OrderState] = mapped_column(_enum(OrderState), default=OrderState.REPORTED)
    priority: Mapped[Priority] = mapped_column(_enum(Priority), default=Priority.NORMAL)
    category: Mapped[FaultCategory] = mapped_column(
        _enum(FaultCategory), default=FaultCategory.OTHER
    )
    # A hazard on a safety-critical facility: out of service until the repair is verified.
    takes_out_of_service: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text)
    from_visitor: Mapped[bool] = mapped_column(default=False)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reporter_phone: Mapped[str] = mapped_column(String(30), default="")
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime]
    labour_minutes: Mapped[int] = mapped_column(default=0)
    completion_note: Mapped[str] = mapped_column(Text, default="")
    repaired_at: Mapped[datetime | None]
    repaired_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reject_reason: Mapped[RejectReason | None] = mapped_column(_enum(RejectReason))
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  SQLAlchemy's own convention

    facility: Mapped[Facility] = relationship(lazy="joined")
    site: Mapped[Site] = relationship()
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])
    repaired_by: Mapped[User | None] = relationship(foreign_keys=[repaired_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    assignees: Mapped[list[User]] = relationship(secondary=order_assignees, order_by=User.id)
    transitions: Mapped[list["Transition"]] = relationship(
        back_populates="order", order_by="Transition.id", cascade="all, delete-orphan"
    )
    parts: Mapped[list["Part"]] = relationship(
        back_populates="order", order_by="Part.id", cascade="all, delete-orphan"
    )
    comments: Mapped[list["Comment"]] = relationship(
        back_populates="order", order_by="Comment.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, now: datetime) -> bool:
        return self.is_open and self.deadline_at < now

    @property
    def parts_cost_fen(self) -> int:
        return sum(p.cost_fen for p in self.parts)


class Transition(Base):
    """One step of an order's life: who moved it, from what to what, when."""

    __tablename__ = "fac_transitions"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("fac_orders.id", ondelete="CASCADE"), index=True
    )
    from_state: Mapped[OrderState | None] = mapped_column(_enum(OrderState))
    to_state: Mapped[OrderState] = mapped_column(_enum(OrderState))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: a visitor
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    order: Mapped[RepairOrder] = relationship(back_populates="transitions")
    by: Mapped[User | None] = relationship(lazy="joined")


class Part(Base):
    """A part or material used on a repair, and what it cost."""

    __tablename__ = "fac_parts"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("fac_orders.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[str] = mapped_column(String(30), default="")  # "2", "3 m", "1 set"
    cost_fen: Mapped[int] = mapped_column(default=0)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[RepairOrder] = relationship(back_populates="parts")


class Comment(Base):
    """A remark on an order (a visitor's report that joined an order was one before
    reports carried a reference; now it is a VisitorReport of that order)."""

    __tablename__ = "fac_comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("fac_orders.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: a visitor
    phone: Mapped[str] = mapped_column(String(30), default="")
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[RepairOrder] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship(lazy="joined")


class VisitorReport(Base):
    """A visitor's report: what they chose and wrote, the order it is on, and its
    reference (the visitor looks its status up by it). Counted by client address, so
    the rate limit holds across workers. Reports from before references carry none."""

    __tablename__ = "fac_visitor_reports"
    __table_args__ = (Index("ix_fac_visitor_reports_ip_at", "ip", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    facility_id: Mapped[int] = mapped_column(ForeignKey("fac_facilities.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(
        ForeignKey("fac_orders.id", ondelete="CASCADE"), index=True
    )
    reference: Mapped[str | None] = mapped_column(String(12), unique=True)  # 8 characters
    category: Mapped[FaultCategory] = mapped_column(
        _enum(FaultCategory), default=FaultCategory.OTHER
    )
    description: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    # True: this report opened its order; False: it joined an order already open.
    opened_order: Mapped[bool] = mapped_column(default=False)


class SquadLead(Base):
    """The repair squad's lead at a site: verifies and rejects, gets the evening notice."""

    __tablename__ = "fac_squad_leads"
    site_id: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))

    user: Mapped[User] = relationship()


class Escalation(Base):
    """An overdue order the hourly job has escalated: once per order."""

    __tablename__ = "fac_escalations"
    order_id: Mapped[int] = mapped_column(
        ForeignKey("fac_orders.id", ondelete="CASCADE"), primary_key=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
