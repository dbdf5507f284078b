"""Ticketing tables: what is sold, where, from which stock, by whom, and how each day closed.

Money is fen (int), serials are integers, times are aware UTC, business days are
local dates. Stock is kept as ranges (rolls received, ranges issued and returned,
single voided serials): the status of one serial is computed, never stored.
"""

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parkops.auth.models import Site, User
from parkops.db import Base, utcnow

# Bounds that turn a typing error into a clear message instead of a column overflow.
MAX_SERIAL = 10**12
MAX_QUANTITY = 10_000  # tickets on one sales line
MAX_AMOUNT_FEN = 10**9  # ¥10,000,000: one line, one count, one deposit
MAX_ENTRIES = 10_000_000  # one venue's gate count for a day


def _enum(cls):
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class ProductKind(enum.StrEnum):
    TICKET = "ticket"  # one venue: the gate, the zoo, a ride
    COMBINED = "combined"  # 联票: several venues on one ticket
    DISCOUNT_CARD = "discount_card"  # 打折卡 sold; admits no one by itself
    PASS = "pass"  # noqa: S105  畅玩卡 sold; admits no one by itself
    CARD_ENTRY = "card_entry"  # an entry by a card or pass holder (reduced or free)
    CONCESSION = "concession"  # free or reduced entry after an ID check


# Products whose sale admits no one: the card is used later, as a CARD_ENTRY.
CARD_KINDS = (ProductKind.DISCOUNT_CARD, ProductKind.PASS)


class Payment(enum.StrEnum):
    CASH = "cash"
    CARD = "card"  # bank card on the POS terminal
    WECHAT = "wechat"
    ALIPAY = "alipay"
    OTHER = "other"  # vouchers, group accounts


class SaleStatus(enum.StrEnum):
    SOLD = "sold"
    VOID = "void"  # cancelled in the ticketing system: no money, no entry
    REFUND = "refund"  # money given back, entry cancelled


class SaleSource(enum.StrEnum):
    IMPORT = "import"  # a line of an imported sales file
    RANGE = "range"  # sold = issued − returned − voided, at the day's price, in cash
    CORRECTION = "correction"  # an approved correction entry


class ShiftStatus(enum.StrEnum):
    OPEN = "open"
    EXPLAINING = "explaining"  # counted; the difference is beyond tolerance
    SECOND_COUNT = "second_count"  # explained; a second person must count
    CLOSED = "closed"


class VoidStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class DayStatus(enum.StrEnum):
    OPEN = "open"
    SIGNED = "signed"


class FindingStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class CorrectionKind(enum.StrEnum):
    SALE = "sale"
    GATE_COUNT = "gate_count"
    DEPOSIT = "deposit"


class CorrectionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class EntrySource(enum.StrEnum):
    ENTERED = "entered"
    IMPORTED = "imported"
    CORRECTION = "correction"


# --- what is sold -------------------------------------------------------------------


class Venue(Base):
    """A place entries are counted at: the main gate, the zoo, a ride."""

    __tablename__ = "tkt_venues"
    __table_args__ = (UniqueConstraint("site_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)

    site: Mapped[Site] = relationship()


class ProductVenue(Base):
    """A venue a product admits to; ``weight`` is its share in the revenue allocation."""

    __tablename__ = "tkt_product_venues"
    product_id: Mapped[int] = mapped_column(
        ForeignKey("tkt_products.id", ondelete="CASCADE"), primary_key=True
    )
    venue_id: Mapped[int] = mapped_column(ForeignKey("tkt_venues.id"), primary_key=True)
    weight: Mapped[int] = mapped_column(default=1)

    venue: Mapped[Venue] = relationship(lazy="joined")


class Product(Base):
    __tablename__ = "tkt_products"
    __table_args__ = (UniqueConstraint("site_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[ProductKind] = mapped_column(_enum(ProductKind))
    serialised: Mapped[bool] = mapped_column(default=False)  # sold from pre-printed stock
    id_check: Mapped[str] = mapped_column(String(200), default="")  # what the seller checks
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship()
    venue_links: Mapped[list[ProductVenue]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=ProductVenue.venue_id
    )
    prices: Mapped[list["ProductPrice"]] = relationship(
        back_populates="product", order_by="ProductPrice.valid_from.desc()"
    )

    @property
    def venues(self) -> list[Venue]:
        return [link.venue for link in self.venue_links]


class ProductPrice(Base):
    """A price valid from a date until the next one; a sale takes its business day's price."""

    __tablename__ = "tkt_product_prices"
    __table_args__ = (
        UniqueConstraint("product_id", "valid_from"),
        CheckConstraint("price_fen >= 0", name="price_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("tkt_products.id", ondelete="CASCADE"))
    valid_from: Mapped[date]
    price_fen: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship(back_populates="prices")


# --- where it is sold, by whom ---------------------------------------------------------

office_sellers = Table(
    "tkt_office_sellers",
    Base.metadata,
    Column("office_id", ForeignKey("tkt_offices.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Office(Base):
    """售票点. Codes are unique in the installation: import files name offices by code."""

    __tablename__ = "tkt_offices"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)

    site: Mapped[Site] = relationship(lazy="joined")
    windows: Mapped[list["Window"]] = relationship(
        back_populates="office", order_by="Window.name", cascade="all, delete-orphan"
    )
    sellers: Mapped[list[User]] = relationship(secondary=office_sellers, order_by=User.username)


class Window(Base):
    __tablename__ = "tkt_windows"
    __table_args__ = (UniqueConstraint("office_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("tkt_offices.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(default=True)

    office: Mapped[Office] = relationship(back_populates="windows", lazy="joined")


# --- ticket stock -----------------------------------------------------------------------


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
    """A serial range handed to a seller for a shift; ``returned_from`` is the first unsold one.

    The remainder ``returned_from..last_serial`` goes back to the store (empty
    when ``returned_from == last_serial + 1``: everything was sold or voided).
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

    product: Mapped[Product] = relationship(lazy="joined")
    shift: Mapped["Shift"] = relationship(back_populates="issues")
    seller: Mapped[User] = relationship(foreign_keys=[seller_id])
    issued_by: Mapped[User] = relationship(foreign_keys=[issued_by_id])

    @property
    def size(self) -> int:
        return self.last_serial - self.first_serial + 1

    @property
    def returned(self) -> bool:
        return self.returned_from is not None

    @property
    def held_last(self) -> int:
        """The last serial this range still takes out of the store."""
        return self.last_serial if self.returned_from is None else self.returned_from - 1


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
    status: Mapped[VoidStatus] = mapped_column(_enum(VoidStatus), default=VoidStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]

    product: Mapped[Product] = relationship(lazy="joined")
    shift: Mapped["Shift"] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


# --- shifts and sales ---------------------------------------------------------------------


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
    status: Mapped[ShiftStatus] = mapped_column(_enum(ShiftStatus), default=ShiftStatus.OPEN)
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
    method: Mapped[Payment] = mapped_column(_enum(Payment), primary_key=True)
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


class SalesImport(Base):
    """One imported file; its hash makes a second import of the same file a no-op."""

    __tablename__ = "tkt_imports"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "sales" or "gate"
    file_name: Mapped[str] = mapped_column(String(255))
    file_hash: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int]
    imported: Mapped[int]
    skipped: Mapped[int]
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    imported_by: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("kind", "file_hash"),)


class SalesLine(Base):
    """A line of sales: imported, derived from a returned range, or a correction.

    ``amount_fen`` is the amount as recorded (never negative); its effect on the
    money follows ``status``: sold adds it, refund takes it back, void is nothing.
    """

    __tablename__ = "tkt_sales_lines"
    __table_args__ = (
        CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
        Index("ix_tkt_sales_lines_site_day", "site_id", "business_day"),
        Index("ix_tkt_sales_lines_product_serial", "product_id", "serial"),
        # Only range and correction lines point at an issue: a small partial index.
        Index(
            "ix_tkt_sales_lines_issue",
            "issue_id",
            sqlite_where=text("issue_id IS NOT NULL"),
            postgresql_where=text("issue_id IS NOT NULL"),
        ),
        # A serial is sold once.
        Index(
            "uq_tkt_sales_lines_sold_serial",
            "product_id",
            "serial",
            unique=True,
            sqlite_where=text("status = 'sold' AND serial IS NOT NULL"),
            postgresql_where=text("status = 'sold' AND serial IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    business_day: Mapped[date]
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_shifts.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("tkt_offices.id"))
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("tkt_products.id"))
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_stock_issues.id"))
    sold_at: Mapped[datetime]
    serial: Mapped[int | None] = mapped_column(BigInteger)
    quantity: Mapped[int]
    amount_fen: Mapped[int]
    list_price_fen: Mapped[int]  # the unit price valid on the business day
    payment: Mapped[Payment] = mapped_column(_enum(Payment))
    status: Mapped[SaleStatus] = mapped_column(_enum(SaleStatus))
    source: Mapped[SaleSource] = mapped_column(_enum(SaleSource))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_imports.id"), index=True)
    line_no: Mapped[int | None]
    natural_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    correction_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_corrections.id"))

    product: Mapped[Product] = relationship(lazy="joined")
    seller: Mapped[User | None] = relationship()


class DailySales(Base):
    """Sales summed per day, office, seller, product, payment and status, for fast reports.

    Rebuilt for a site's day whenever its lines change (import, close, correction).
    """

    __tablename__ = "tkt_daily_sales"
    __table_args__ = (
        Index("ix_tkt_daily_sales_site_day", "site_id", "business_day"),
        Index("ix_tkt_daily_sales_day", "business_day"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    business_day: Mapped[date]
    office_id: Mapped[int] = mapped_column(ForeignKey("tkt_offices.id"))
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("tkt_products.id"))
    payment: Mapped[Payment] = mapped_column(_enum(Payment))
    status: Mapped[SaleStatus] = mapped_column(_enum(SaleStatus))
    lines: Mapped[int]
    quantity: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)


# --- the day --------------------------------------------------------------------------------


class TicketDay(Base):
    """日结日清: one site's business day, reconciled and signed off by an auditor."""

    __tablename__ = "tkt_days"
    __table_args__ = (UniqueConstraint("site_id", "business_day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    business_day: Mapped[date] = mapped_column(index=True)
    status: Mapped[DayStatus] = mapped_column(_enum(DayStatus), default=DayStatus.OPEN)
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
    source: Mapped[EntrySource] = mapped_column(_enum(EntrySource))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_imports.id"))
    correction_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_corrections.id"))

    venue: Mapped[Venue] = relationship(lazy="joined")
    recorded_by: Mapped[User] = relationship()


class Deposit(Base):
    """The day's cash paid into the bank. Append-only: the latest entry counts."""

    __tablename__ = "tkt_deposits"
    __table_args__ = (CheckConstraint("amount_fen >= 0", name="amount_not_negative"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("tkt_days.id"), index=True)
    amount_fen: Mapped[int]
    slip_number: Mapped[str] = mapped_column(String(60))
    source: Mapped[EntrySource] = mapped_column(_enum(EntrySource))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    correction_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_corrections.id"))

    recorded_by: Mapped[User] = relationship()


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
        _enum(FindingStatus), default=FindingStatus.OPEN, index=True
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


class Correction(Base):
    """A reasoned change to a signed day, applied as a new entry once a second person approves.

    The fields used depend on ``kind``: a sale adjustment (product, payment,
    status, quantity, amount, seller), a gate count (venue, entries) or a deposit
    (amount, slip number).
    """

    __tablename__ = "tkt_corrections"
    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("tkt_days.id"), index=True)
    kind: Mapped[CorrectionKind] = mapped_column(_enum(CorrectionKind))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[CorrectionStatus] = mapped_column(
        _enum(CorrectionStatus), default=CorrectionStatus.PENDING, index=True
    )
    product_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_products.id"))
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_offices.id"))
    payment: Mapped[Payment | None] = mapped_column(_enum(Payment))
    sale_status: Mapped[SaleStatus | None] = mapped_column(_enum(SaleStatus))
    quantity: Mapped[int | None]
    amount_fen: Mapped[int | None]
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
