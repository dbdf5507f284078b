"""A seller's shift at a window and its count per payment method."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from modules.ticketing.models.catalog import Office, Window
from modules.ticketing.models.columns import enum_column
from modules.ticketing.models.stock import StockIssue
from parkops.auth.models import User
from parkops.db import Base, utcnow


class Payment(enum.StrEnum):
    CASH = "cash"
    CARD = "card"  # bank card on the POS terminal
    WECHAT = "wechat"
    ALIPAY = "alipay"
    OTHER = "other"  # vouchers, group accounts


class ShiftStatus(enum.StrEnum):
    OPEN = "open"
    EXPLAINING = "explaining"  # counted; the difference is beyond tolerance
    SECOND_COUNT = "second_count"  # explained; a second person must count
    CLOSED = "closed"


class Shift(Base):
    __tablename__ = "tkt_shifts"
    __table_args__ = (
        CheckConstraint("opening_float_fen >= 0", name="float_not_negative"),
        Index("ix_tkt_shifts_site_day", "site_id", "business_day"),
        Index("ix_tkt_shifts_seller_day", "seller_id", "business_day"),
        # A seller works one shift at a time.
        Index(
            "uq_tkt_shifts_seller_unclosed",
            "seller_id",
            unique=True,
            sqlite_where=text("status <> 'closed'"),
            postgresql_where=text("status <> 'closed'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("tkt_offices.id"), index=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("tkt_windows.id"))
    seller_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    business_day: Mapped[date]
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opening_float_fen: Mapped[int] = mapped_column(default=0)
    status: Mapped[ShiftStatus] = mapped_column(enum_column(ShiftStatus), default=ShiftStatus.OPEN)
    counted_at: Mapped[datetime | None]
    # The thresholds in force when the count was made: a later change does not rewrite history.
    tolerance_fen: Mapped[int | None]
    second_count_fen: Mapped[int | None]
    explanation: Mapped[str] = mapped_column(Text, default="")
    explained_at: Mapped[datetime | None]
    second_counter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    second_counted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    office: Mapped[Office] = relationship(lazy="joined")
    window: Mapped[Window] = relationship(lazy="joined")
    seller: Mapped[User] = relationship(foreign_keys=[seller_id], lazy="joined")
    second_counter: Mapped[User | None] = relationship(foreign_keys=[second_counter_id])
    issues: Mapped[list[StockIssue]] = relationship(back_populates="shift", order_by=StockIssue.id)
    tallies: Mapped[list["ShiftTally"]] = relationship(
        cascade="all, delete-orphan", order_by="ShiftTally.position"
    )


class ShiftTally(Base):
    """One payment method of a shift's close: expected, counted blind, counted again."""

    __tablename__ = "tkt_shift_tallies"
    shift_id: Mapped[int] = mapped_column(
        ForeignKey("tkt_shifts.id", ondelete="CASCADE"), primary_key=True
    )
    method: Mapped[Payment] = mapped_column(enum_column(Payment), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    expected_fen: Mapped[int]
    counted_fen: Mapped[int]
    second_counted_fen: Mapped[int | None]

    @property
    def final_fen(self) -> int:
        """What counts: the second person's count where there is one."""
        return self.counted_fen if self.second_counted_fen is None else self.second_counted_fen

    @property
    def difference_fen(self) -> int:
        return self.final_fen - self.expected_fen
