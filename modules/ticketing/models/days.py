"""A site's business day and what the auditor records on it: gate counts, bank deposits,
findings.
"""

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from modules.ticketing.models.catalog import Venue
from modules.ticketing.models.columns import enum_column
from modules.ticketing.models.shifts import Shift
from parkops.auth.models import Site, User
from parkops.db import Base, utcnow

if TYPE_CHECKING:  # corrections refer to the day
    from modules.ticketing.models.corrections import Correction


class DayStatus(enum.StrEnum):
    OPEN = "open"
    SIGNED = "signed"


class FindingStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class EntrySource(enum.StrEnum):
    ENTERED = "entered"
    IMPORTED = "imported"
    CORRECTION = "correction"


class TicketDay(Base):
    """日结日清: one site's business day, reconciled and signed off by an auditor."""

    __tablename__ = "tkt_days"
    __table_args__ = (UniqueConstraint("site_id", "business_day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    business_day: Mapped[date] = mapped_column(index=True)
    status: Mapped[DayStatus] = mapped_column(enum_column(DayStatus), default=DayStatus.OPEN)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None]
    # The figures and flags as the auditor saw them when signing: what later
    # corrections are measured against.
    signed_figures: Mapped[dict | None] = mapped_column(JSON)
    escalated_at: Mapped[datetime | None]

    site: Mapped[Site] = relationship(lazy="joined")
    signed_by: Mapped[User | None] = relationship()

    @property
    def signed(self) -> bool:
        return self.status == DayStatus.SIGNED


class GateCount(Base):
    """检票: entries counted at a venue on a day. Append-only: the latest entry counts."""

    __tablename__ = "tkt_gate_counts"
    __table_args__ = (
        CheckConstraint("entries >= 0", name="entries_not_negative"),
        Index("ix_tkt_gate_counts_site_day", "site_id", "business_day"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    venue_id: Mapped[int] = mapped_column(ForeignKey("tkt_venues.id"))
    business_day: Mapped[date]
    entries: Mapped[int]
    source: Mapped[EntrySource] = mapped_column(enum_column(EntrySource))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_imports.id"))
    correction_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_corrections.id"))

    venue: Mapped[Venue] = relationship(lazy="joined")
    recorded_by: Mapped[User] = relationship()  # an approved correction: its approver
    correction: Mapped["Correction | None"] = relationship()  # its requester


class Deposit(Base):
    """The day's cash paid into the bank. Append-only: the latest entry counts."""

    __tablename__ = "tkt_deposits"
    __table_args__ = (CheckConstraint("amount_fen >= 0", name="amount_not_negative"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("tkt_days.id"), index=True)
    amount_fen: Mapped[int]
    slip_number: Mapped[str] = mapped_column(String(60))
    source: Mapped[EntrySource] = mapped_column(enum_column(EntrySource))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    correction_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_corrections.id"))

    recorded_by: Mapped[User] = relationship()  # an approved correction: its approver
    correction: Mapped["Correction | None"] = relationship()  # its requester


class Finding(Base):
    """稽核发现: what the auditor found on a day, open until resolved."""

    __tablename__ = "tkt_findings"
    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("tkt_days.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_shifts.id"))
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    flag_key: Mapped[str] = mapped_column(String(60), default="")
    text: Mapped[str] = mapped_column(Text)
    amount_fen: Mapped[int | None]
    status: Mapped[FindingStatus] = mapped_column(
        enum_column(FindingStatus), default=FindingStatus.OPEN, index=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str] = mapped_column(Text, default="")

    day: Mapped[TicketDay] = relationship()
    shift: Mapped[Shift | None] = relationship()
    seller: Mapped[User | None] = relationship(foreign_keys=[seller_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
