"""Reversals: a void or refund of a recorded sale, asked for in a sales file, with its reason,
counting only once someone other than the importer and the seller approves it.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from modules.ticketing.models.catalog import Product
from modules.ticketing.models.columns import enum_column
from modules.ticketing.models.sales import SalesImport, SalesLine, SaleStatus
from modules.ticketing.models.shifts import Payment, Shift
from modules.ticketing.models.stock import VoidStatus
from parkops.auth.models import User
from parkops.db import Base, utcnow


class Reversal(Base):
    """撤销/退款 awaiting a decision: ``kind`` is void or refund, ``sale`` the sold line it
    reverses (a void: all of it; a refund: up to its quantity and amount, in fen).

    Until approved it changes nothing: the sale stands in the expected takings. Approved,
    a void turns the sale into a void line, a refund adds its refund line (``line``).
    ``natural_key`` is the file line's, so a file imported again asks nothing twice.
    """

    __tablename__ = "tkt_reversals"
    __table_args__ = (
        CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
        # A sale is voided once.
        Index(
            "uq_tkt_reversals_live_void",
            "sale_id",
            unique=True,
            sqlite_where=text("kind = 'void' AND status <> 'rejected'"),
            postgresql_where=text("kind = 'void' AND status <> 'rejected'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    business_day: Mapped[date]
    shift_id: Mapped[int] = mapped_column(ForeignKey("tkt_shifts.id"), index=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("tkt_sales_lines.id"), index=True)
    kind: Mapped[SaleStatus] = mapped_column(enum_column(SaleStatus))
    sold_at: Mapped[datetime]
    quantity: Mapped[int]
    amount_fen: Mapped[int]
    payment: Mapped[Payment] = mapped_column(enum_column(Payment))
    reason: Mapped[str] = mapped_column(String(300))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_imports.id"), index=True)
    line_no: Mapped[int | None]
    natural_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[VoidStatus] = mapped_column(enum_column(VoidStatus), default=VoidStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    line_id: Mapped[int | None] = mapped_column(ForeignKey("tkt_sales_lines.id"))

    sale: Mapped[SalesLine] = relationship(foreign_keys=[sale_id], lazy="joined")
    shift: Mapped[Shift] = relationship()
    sales_import: Mapped[SalesImport | None] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def product(self) -> Product:
        return self.sale.product
