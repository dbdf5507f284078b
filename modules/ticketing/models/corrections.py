"""Corrections of a signed day: a reasoned new entry, approved by a second person."""

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from modules.ticketing.models.catalog import Office, Product, Venue
from modules.ticketing.models.columns import enum_column
from modules.ticketing.models.days import TicketDay
from modules.ticketing.models.sales import SaleStatus
from modules.ticketing.models.shifts import Payment
from parkops.auth.models import User
from parkops.db import Base, utcnow


class CorrectionKind(enum.StrEnum):
    SALE = "sale"
    GATE_COUNT = "gate_count"
    DEPOSIT = "deposit"


class CorrectionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Correction(Base):
    """A reasoned change to a signed day, applied as a new entry once a second person approves.

    The fields used depend on ``kind``: a sale adjustment (product, payment,
    status, quantity, amount, seller), a gate count (venue, entries) or a deposit
    (amount, slip number).
    """

    __tablename__ = "tkt_corrections"
    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("tkt_days.id"), index=True)
    kind: Mapped[CorrectionKind] = mapped_column(enum_column(CorrectionKind))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[CorrectionStatus] = mapped_column(
        enum_column(CorrectionStatus), default=CorrectionStatus.PENDING, index=True
    )
    product_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_products.id"))
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_offices.id"))
    payment: Mapped[Payment | None] = mapped_column(enum_column(Payment))
    sale_status: Mapped[SaleStatus | None] = mapped_column(enum_column(SaleStatus))
    quantity: Mapped[int | None]
    amount_fen: Mapped[int | None]
    # A sale of printed tickets names the serials it books (first to last, one a ticket).
    first_serial: Mapped[int | None] = mapped_column(BigInteger)
    last_serial: Mapped[int | None] = mapped_column(BigInteger)
    # A refund names the sale it reverses: that sales line's id. No foreign key: the sales
    # lines already point at their correction, and a cycle of keys cannot be created in order.
    reverses_line_id: Mapped[int | None] = mapped_column(index=True)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_venues.id"))
    entries: Mapped[int | None]
    slip_number: Mapped[str] = mapped_column(String(60), default="")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]

    day: Mapped[TicketDay] = relationship()
    product: Mapped[Product | None] = relationship()
    seller: Mapped[User | None] = relationship(foreign_keys=[seller_id])
    office: Mapped[Office | None] = relationship()
    venue: Mapped[Venue | None] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
