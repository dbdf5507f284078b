"""Ticket stock as ranges: rolls received, ranges issued to a shift, single voided serials.
The status of one serial is computed (stock/serials.py), never stored.
"""

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from modules.ticketing.models.catalog import Product
from modules.ticketing.models.columns import enum_column
from parkops.auth.models import User
from parkops.db import Base, utcnow

if TYPE_CHECKING:  # the shift refers to its ranges by class
    from modules.ticketing.models.shifts import Shift


class VoidStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class StockRoll(Base):
    """A roll (or box) of pre-printed tickets received from the printer."""

    __tablename__ = "tkt_stock_rolls"
    __table_args__ = (
        CheckConstraint("first_serial >= 1 AND first_serial <= last_serial", name="serial_order"),
        Index("ix_tkt_stock_rolls_product_serials", "product_id", "first_serial"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("tkt_products.id"))
    first_serial: Mapped[int] = mapped_column(BigInteger)
    last_serial: Mapped[int] = mapped_column(BigInteger)
    received_on: Mapped[date]
    received_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship(lazy="joined")
    received_by: Mapped[User] = relationship()

    @property
    def size(self) -> int:
        return self.last_serial - self.first_serial + 1


class StockIssue(Base):
    """A serial range handed to a seller for a shift; ``returned_from`` is the first unsold one
    as the seller declares it.

    The remainder ``returned_from..last_serial`` goes back to the store (empty
    when ``returned_from == last_serial + 1``: everything was sold or voided). It
    stays "returned, unconfirmed" until the stock keeper counts the bundle and
    records the first and last serial seen (``confirmed_from``, ``confirmed_last``;
    ``confirmed_from == last_serial + 1`` and no last one when nothing came back);
    from then on the keeper's count, not the declaration, says what is in the store.
    """

    __tablename__ = "tkt_stock_issues"
    __table_args__ = (
        CheckConstraint("first_serial <= last_serial", name="serial_order"),
        CheckConstraint(
            "returned_from IS NULL OR "
            "(returned_from >= first_serial AND returned_from <= last_serial + 1)",
            name="returned_inside",
        ),
        Index("ix_tkt_stock_issues_product_serials", "product_id", "first_serial"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("tkt_products.id"))
    roll_id: Mapped[int] = mapped_column(ForeignKey("tkt_stock_rolls.id"), index=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("tkt_shifts.id"), index=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    first_serial: Mapped[int] = mapped_column(BigInteger)
    last_serial: Mapped[int] = mapped_column(BigInteger)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    returned_from: Mapped[int | None] = mapped_column(BigInteger)
    returned_at: Mapped[datetime | None]
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_from: Mapped[int | None] = mapped_column(BigInteger)
    confirmed_last: Mapped[int | None] = mapped_column(BigInteger)
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    product: Mapped[Product] = relationship(lazy="joined")
    shift: Mapped["Shift"] = relationship(back_populates="issues")
    seller: Mapped[User] = relationship(foreign_keys=[seller_id])
    issued_by: Mapped[User] = relationship(foreign_keys=[issued_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])

    @property
    def size(self) -> int:
        return self.last_serial - self.first_serial + 1

    @property
    def returned(self) -> bool:
        return self.returned_from is not None

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def return_differs(self) -> bool:
        """Whether the keeper's count differs from the seller's declaration (or the bundle
        does not run to the range's last serial)."""
        if not self.confirmed:
            return False
        ends = self.confirmed_from > self.last_serial or self.confirmed_last == self.last_serial
        return self.confirmed_from != self.returned_from or not ends

    @property
    def held_last(self) -> int:
        """The last serial this range still takes out of the store: up to the first one
        the keeper counted back, else the one the seller declared."""
        first_back = self.confirmed_from if self.confirmed else self.returned_from
        return self.last_serial if first_back is None else first_back - 1


class SerialVoid(Base):
    """作废: one spoiled ticket, with its reason; it counts only once a supervisor approves."""

    __tablename__ = "tkt_serial_voids"
    __table_args__ = (
        Index(
            "uq_tkt_serial_voids_live",
            "product_id",
            "serial",
            unique=True,
            sqlite_where=text("status <> 'rejected'"),
            postgresql_where=text("status <> 'rejected'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("tkt_products.id"))
    issue_id: Mapped[int] = mapped_column(ForeignKey("tkt_stock_issues.id"), index=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("tkt_shifts.id"), index=True)
    serial: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(300))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[VoidStatus] = mapped_column(enum_column(VoidStatus), default=VoidStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]

    product: Mapped[Product] = relationship(lazy="joined")
    shift: Mapped["Shift"] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
