"""Sales: the files imported, their lines (also range sales and corrections), and the daily
summary the reports read.
"""

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from modules.ticketing.models.catalog import Product
from modules.ticketing.models.columns import enum_column
from modules.ticketing.models.shifts import Payment
from parkops.auth.models import User
from parkops.db import Base, utcnow


class SaleStatus(enum.StrEnum):
    SOLD = "sold"
    VOID = "void"  # cancelled in the ticketing system: no money, no entry
    REFUND = "refund"  # money given back, entry cancelled


class SaleSource(enum.StrEnum):
    IMPORT = "import"  # a line of an imported sales file
    RANGE = "range"  # sold = issued − returned − voided, at the day's price, in cash
    CORRECTION = "correction"  # an approved correction entry


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
        # A site's day, with what the day page sums (price deviations per shift, corrections
        # per method, lines per import): those sums read the index alone, not 30,000 rows.
        Index(
            "ix_tkt_sales_lines_day_figures",
            "site_id",
            "business_day",
            "source",
            "status",
            "payment",
            "shift_id",
            "seller_id",
            "import_id",
            "amount_fen",
            "list_price_fen",
            "quantity",
        ),
        Index("ix_tkt_sales_lines_product_serial", "product_id", "serial"),
        # Only range and correction lines point at an issue: a small partial index.
        Index(
            "ix_tkt_sales_lines_issue",
            "issue_id",
            sqlite_where=text("issue_id IS NOT NULL"),
            postgresql_where=text("issue_id IS NOT NULL"),
        ),
        # The lines of a shift that name a serial (few: printed tickets), for the day's
        # sold-twice check; small like the issue index above.
        Index(
            "ix_tkt_sales_lines_shift_serial",
            "shift_id",
            "product_id",
            "serial",
            sqlite_where=text("serial IS NOT NULL"),
            postgresql_where=text("serial IS NOT NULL"),
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
    payment: Mapped[Payment] = mapped_column(enum_column(Payment))
    status: Mapped[SaleStatus] = mapped_column(enum_column(SaleStatus))
    source: Mapped[SaleSource] = mapped_column(enum_column(SaleSource))
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
    payment: Mapped[Payment] = mapped_column(enum_column(Payment))
    status: Mapped[SaleStatus] = mapped_column(enum_column(SaleStatus))
    lines: Mapped[int]
    quantity: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)


class DaySales(Base):
    """The daily summary summed further per site, day and status: at most three rows a
    site's day whatever its volume, so the sales report by day, month or site costs the
    same at 300 lines a day as at 30,000. Kept with the daily summary (summary.py)."""

    __tablename__ = "tkt_day_sales"
    __table_args__ = (
        UniqueConstraint("business_day", "site_id", "status"),
        Index("ix_tkt_day_sales_site_day", "site_id", "business_day"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    business_day: Mapped[date]
    status: Mapped[SaleStatus] = mapped_column(enum_column(SaleStatus))
    lines: Mapped[int]
    quantity: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)


class SellerDaySales(Base):
    """The daily summary summed further per site, day, seller and status, with the shares
    the audit reports weigh worked out by product kind: at most three rows a seller's day
    whatever its volume, so the sellers report, the share patterns and the sales report by
    seller cost the same at 300 lines a day as at 30,000. Kept with the daily summary
    (summary.py). A product's kind never changes once created, so the split stays true.
    Quantities are tickets, amounts fen."""

    __tablename__ = "tkt_seller_day_sales"
    __table_args__ = (
        UniqueConstraint("business_day", "site_id", "seller_id", "status"),
        Index("ix_tkt_seller_day_sales_site_day", "site_id", "business_day"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    business_day: Mapped[date]
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: corrections
    status: Mapped[SaleStatus] = mapped_column(enum_column(SaleStatus))
    lines: Mapped[int]
    quantity: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    admitted: Mapped[int] = mapped_column(BigInteger)  # of products that admit (not cards)
    card_entries: Mapped[int] = mapped_column(BigInteger)  # of kind card_entry
    free_entries: Mapped[int] = mapped_column(BigInteger)  # of kind concession
    free_fen: Mapped[int] = mapped_column(BigInteger)  # their amount


class VenueDaySales(Base):
    """The entries sold per site, day, venue and seller (sold less refunded tickets
    admitting there), from the daily summary: the gate gaps' side of the tickets, a few rows
    a seller's day whatever its volume. Kept with the daily summary (summary.py); a
    product's venues never change once created."""

    __tablename__ = "tkt_venue_day_sales"
    __table_args__ = (
        UniqueConstraint("business_day", "site_id", "venue_id", "seller_id"),
        Index("ix_tkt_venue_day_sales_site_day", "site_id", "business_day"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    business_day: Mapped[date]
    venue_id: Mapped[int] = mapped_column(ForeignKey("tkt_venues.id"))
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: corrections
    admitted: Mapped[int] = mapped_column(BigInteger)  # tickets, sold less refunded


class DayGroupSales(Base):
    """The daily summary summed per site, day and status by one of office, product or
    payment method (the other two None): a few rows a site's day whatever its volume, so the
    sales report by office, product, kind, payment or venue costs the same at 300 lines a
    day as at 30,000. Kept with the daily summary (summary.py)."""

    __tablename__ = "tkt_day_group_sales"
    __table_args__ = (
        Index("ix_tkt_day_group_sales_site_day", "site_id", "business_day"),
        # One covering index a grouping: its report reads its own third of the rows alone.
        *(
            Index(
                f"ix_tkt_day_group_sales_{name}",
                column,
                "business_day",
                "site_id",
                "status",
                "lines",
                "quantity",
                "amount_fen",
            )
            for name, column in (
                ("office", "office_id"),
                ("product", "product_id"),
                ("payment", "payment"),
            )
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    business_day: Mapped[date]
    office_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_offices.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_products.id"))
    payment: Mapped[Payment | None] = mapped_column(enum_column(Payment))
    status: Mapped[SaleStatus] = mapped_column(enum_column(SaleStatus))
    lines: Mapped[int]
    quantity: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)


class MonthGroupSales(Base):
    """The day totals by office, product or payment method (``DayGroupSales``) summed per
    site, calendar month (``month``: its first day) and status: a year of the sales report by
    office, product, kind, payment or venue reads twelve months of rows, not 365 days of
    them. Kept with the day totals (summary.py)."""

    __tablename__ = "tkt_month_group_sales"
    __table_args__ = (
        Index("ix_tkt_month_group_sales_site_month", "site_id", "month"),
        *(
            Index(f"ix_tkt_month_group_sales_{name}", column, "month", "site_id")
            for name, column in (
                ("office", "office_id"),
                ("product", "product_id"),
                ("payment", "payment"),
            )
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    month: Mapped[date]  # the first day of a calendar month
    office_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_offices.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_products.id"))
    payment: Mapped[Payment | None] = mapped_column(enum_column(Payment))
    status: Mapped[SaleStatus] = mapped_column(enum_column(SaleStatus))
    lines: Mapped[int]
    quantity: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)


class MonthSellerSales(Base):
    """The per-seller day totals (``SellerDaySales``) summed per site, calendar month
    (``month``: its first day), seller and status: a year of the sales report by seller
    reads twelve months of rows, not 365 days of them. Kept with the day totals
    (summary.py). Quantities are tickets, amounts fen."""

    __tablename__ = "tkt_month_seller_sales"
    # Its index serves the report (months, then sites) and the writers (a site's month).
    __table_args__ = (UniqueConstraint("month", "site_id", "seller_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    month: Mapped[date]  # the first day of a calendar month
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: corrections
    status: Mapped[SaleStatus] = mapped_column(enum_column(SaleStatus))
    lines: Mapped[int]
    quantity: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
