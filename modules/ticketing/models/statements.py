"""Payment providers' statements (WeChat Pay and Alipay bills, the bank's POS report): their
lines, matched to a window by its terminal, and the auditor's reasoned exceptions for a day
without a statement.
"""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from modules.ticketing.models.columns import enum_column
from modules.ticketing.models.shifts import Payment
from parkops.auth.models import User
from parkops.db import Base, utcnow


class StatementLine(Base):
    """One payment or refund the provider settled: ``amount_fen`` is signed (a refund is
    negative); ``reference`` is the provider's order (or refund) number, unique per method,
    so an overlapping bill adds only what is new. ``business_day`` is the local day of the
    shift the payment falls in (06:00 rule, as for sales)."""

    __tablename__ = "tkt_statement_lines"
    __table_args__ = (
        UniqueConstraint("method", "reference"),
        # A site's day with what the day page sums per window and method, and which bills
        # cover it: read from the index alone.
        Index(
            "ix_tkt_statement_lines_day_figures",
            "site_id",
            "business_day",
            "method",
            "window_id",
            "import_id",
            "amount_fen",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("tkt_imports.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    window_id: Mapped[int] = mapped_column(ForeignKey("tkt_windows.id"))
    method: Mapped[Payment] = mapped_column(enum_column(Payment))
    business_day: Mapped[date]
    paid_at: Mapped[datetime]
    reference: Mapped[str] = mapped_column(String(64))
    amount_fen: Mapped[int]
    line_no: Mapped[int]


class StatementException(Base):
    """The auditor's reason for signing a day off without a method's statement."""

    __tablename__ = "tkt_statement_exceptions"
    __table_args__ = (UniqueConstraint("site_id", "business_day", "method"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    business_day: Mapped[date]
    method: Mapped[Payment] = mapped_column(enum_column(Payment))
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User] = relationship()
