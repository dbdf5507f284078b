"""对账: one site's business day, tickets against gate counts against money.

The day's figures are computed, never typed: admissions per venue from the
sales (a combined ticket admits to each of its venues), the latest gate count
per venue, money expected against counted per payment method, and the cash to
deposit (cash counted less the opening floats, which stay in the office)
against the latest bank deposit, and the electronic takings per window against the
payment providers' statements (statements.py). Everything that does not add up is a flag
(flags.py); the auditor ticks each flag as reviewed, writes findings where
needed (findings.py), and signs off (signoff.py).
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from modules.ticketing.days.flags import Flag, day_flags
from modules.ticketing.days.sold_twice import sold_twice_flags
from modules.ticketing.days.statements import StatementCheck, statement_check, statement_flags
from modules.ticketing.models import (
    DailySales,
    Deposit,
    GateCount,
    Payment,
    ProductVenue,
    Reversal,
    SalesImport,
    SalesLine,
    SaleSource,
    SaleStatus,
    Shift,
    ShiftStatus,
    StockIssue,
    TicketDay,
    Venue,
)
from modules.ticketing.shifts import METHODS, signed_amount
from parkops.auth.models import User
from parkops.extensions import db


@dataclass
class VenueSeller:
    """A seller who sold tickets admitting to a venue on the day, at these windows."""

    name: str
    windows: list[str]
    sold: int
    share: float  # percent of the venue's tickets


@dataclass
class VenueFigure:
    venue: Venue
    sold: int
    gate: int | None
    sellers: list[VenueSeller] = field(default_factory=list)

    @property
    def carried_by(self) -> str | None:
        """The seller who carries the gap: the only one who sold for the venue (a share
        among several is never booked to one of them as if proven)."""
        return self.sellers[0].name if len(self.sellers) == 1 else None

    @property
    def gap(self) -> int | None:
        """Entries without a ticket (positive) or tickets without an entry (negative)."""
        return None if self.gate is None else self.gate - self.sold


@dataclass
class MethodFigure:
    method: Payment
    expected: int
    counted: int

    @property
    def difference(self) -> int:
        return self.counted - self.expected


@dataclass
class DayFigures:
    day: TicketDay
    shifts: list[Shift]
    venues: list[VenueFigure]
    methods: list[MethodFigure]
    cash_to_deposit: int
    deposit: Deposit | None
    statements: StatementCheck = field(default_factory=StatementCheck)
    flags: list[Flag] = field(default_factory=list)

    @property
    def blocking(self) -> list[Flag]:
        return [f for f in self.flags if f.blocking]

    @property
    def to_review(self) -> list[Flag]:
        return [f for f in self.flags if not f.blocking]


def admissions():
    """A summary row's effect on entries: + sold, − refunded, nothing for a void."""
    return case(
        (DailySales.status == SaleStatus.SOLD, DailySales.quantity),
        (DailySales.status == SaleStatus.REFUND, -DailySales.quantity),
        else_=0,
    )


def sold_per_venue(site_id: int, day: date) -> dict[int, int]:
    return {
        venue_id: int(sold or 0)
        for venue_id, sold in db.session.execute(
            select(ProductVenue.venue_id, func.sum(admissions()))
            .join(DailySales, DailySales.product_id == ProductVenue.product_id)
            .where(DailySales.site_id == site_id, DailySales.business_day == day)
            .group_by(ProductVenue.venue_id)
        )
    }


def venue_sellers(site_id: int, day: date, shifts: list[Shift]) -> dict[int, list[VenueSeller]]:
    """Venue → the sellers who sold tickets admitting there (most first), with the windows
    of their shifts that day and their share of the venue's tickets; one query."""
    windows: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    for shift in shifts:
        names[shift.seller_id] = shift.seller.display_name
        label = f"{shift.office.name} {shift.window.name}"
        if label not in windows.setdefault(shift.seller_id, []):
            windows[shift.seller_id].append(label)
    sold: dict[int, list[tuple[int, int]]] = {}
    for venue_id, seller_id, n in db.session.execute(
        select(ProductVenue.venue_id, DailySales.seller_id, func.sum(admissions()))
        .join(DailySales, DailySales.product_id == ProductVenue.product_id)
        .where(
            DailySales.site_id == site_id,
            DailySales.business_day == day,
            DailySales.seller_id.is_not(None),
        )
        .group_by(ProductVenue.venue_id, DailySales.seller_id)
    ):
        if n and n > 0 and seller_id in names:
            sold.setdefault(venue_id, []).append((seller_id, int(n)))
    result = {}
    for venue_id, rows in sold.items():
        whole = sum(n for _s, n in rows)
        result[venue_id] = [
            VenueSeller(names[s], windows[s], n, round(100 * n / whole, 1))
            for s, n in sorted(rows, key=lambda r: (-r[1], names[r[0]]))
        ]
    return result


def latest_gate_counts(site_id: int, day: date) -> dict[int, GateCount]:
    latest: dict[int, GateCount] = {}
    for count in db.session.scalars(
        select(GateCount)
        .where(GateCount.site_id == site_id, GateCount.business_day == day)
        .order_by(GateCount.id)
    ):
        latest[count.venue_id] = count
    return latest


def gate_history(day: TicketDay) -> list[GateCount]:
    return list(
        db.session.scalars(
            select(GateCount)
            .where(GateCount.site_id == day.site_id, GateCount.business_day == day.business_day)
            .options(selectinload(GateCount.recorded_by), selectinload(GateCount.correction))
            .order_by(GateCount.id.desc())
        )
    )


def deposit_history(day: TicketDay) -> list[Deposit]:
    return list(
        db.session.scalars(
            select(Deposit).where(Deposit.day_id == day.id).order_by(Deposit.id.desc())
        )
    )


@dataclass
class DayImport:
    """A sales file with lines on a day: who imported it, when (UTC), for which sellers,
    how many lines (sales) and voids and refunds it asked for."""

    record: SalesImport
    sellers: list[str]
    lines: int
    reversals: int


def day_imports(day: TicketDay) -> list[DayImport]:
    """The sales files imported for the day's site and business day, newest first."""
    on_day = (SalesLine.site_id == day.site_id, SalesLine.business_day == day.business_day)
    counts = db.session.execute(
        select(SalesLine.import_id, User.display_name, func.count())
        .join(User, User.id == SalesLine.seller_id)
        .where(*on_day, SalesLine.import_id.is_not(None))
        .group_by(SalesLine.import_id, User.display_name)
    ).all()
    asked = dict(
        db.session.execute(
            select(Reversal.import_id, func.count())
            .where(Reversal.site_id == day.site_id, Reversal.business_day == day.business_day)
            .group_by(Reversal.import_id)
        ).all()
    )
    sellers: dict[int, list[str]] = {}
    lines: dict[int, int] = {}
    for import_id, name, n in counts:
        sellers.setdefault(import_id, []).append(name)
        lines[import_id] = lines.get(import_id, 0) + n
    ids = set(lines) | {i for i in asked if i is not None}
    records = db.session.scalars(
        select(SalesImport)
        .where(SalesImport.id.in_(ids))
        .options(selectinload(SalesImport.imported_by))
        .order_by(SalesImport.id.desc())
    )
    return [
        DayImport(r, sorted(sellers.get(r.id, [])), lines.get(r.id, 0), asked.get(r.id, 0))
        for r in records
    ]


def latest_deposit(day: TicketDay) -> Deposit | None:
    return db.session.scalar(
        select(Deposit).where(Deposit.day_id == day.id).order_by(Deposit.id.desc()).limit(1)
    )


def day_shifts(day: TicketDay) -> list[Shift]:
    return list(
        db.session.scalars(
            select(Shift)
            .where(Shift.site_id == day.site_id, Shift.business_day == day.business_day)
            .options(
                selectinload(Shift.tallies),
                selectinload(Shift.issues).selectinload(StockIssue.shift),
            )
            .order_by(Shift.opened_at)
        )
    )


def day_figures(day: TicketDay) -> DayFigures:
    shifts = day_shifts(day)
    counted = [s for s in shifts if s.status != ShiftStatus.OPEN]
    sold = sold_per_venue(day.site_id, day.business_day)
    gates = latest_gate_counts(day.site_id, day.business_day)
    venue_ids = set(sold) | set(gates)
    venues = db.session.scalars(
        select(Venue)
        .where(Venue.site_id == day.site_id, (Venue.active | Venue.id.in_(venue_ids)))
        .order_by(Venue.code)
    )
    sellers = venue_sellers(day.site_id, day.business_day, shifts)
    venue_figures = [
        VenueFigure(
            v,
            sold.get(v.id, 0),
            gates[v.id].entries if v.id in gates else None,
            sellers.get(v.id, []),
        )
        for v in venues
    ]
    corrections = dict(
        db.session.execute(
            select(SalesLine.payment, func.sum(signed_amount()))
            .where(
                SalesLine.site_id == day.site_id,
                SalesLine.business_day == day.business_day,
                SalesLine.source == SaleSource.CORRECTION,
            )
            .group_by(SalesLine.payment)
        ).all()
    )
    methods = []
    for method in METHODS:
        tallies = [t for s in counted for t in s.tallies if t.method == method]
        methods.append(
            MethodFigure(
                method,
                sum(t.expected_fen for t in tallies) + int(corrections.get(method) or 0),
                sum(t.final_fen for t in tallies),
            )
        )
    cash = sum(t.final_fen for s in counted for t in s.tallies if t.method == Payment.CASH)
    cash_to_deposit = cash - sum(s.opening_float_fen for s in counted)
    figures = DayFigures(
        day,
        shifts,
        venue_figures,
        methods,
        cash_to_deposit,
        latest_deposit(day),
        statement_check(day, shifts),
    )
    figures.flags = (
        day_flags(figures)
        + sold_twice_flags(day, [s.id for s in shifts])
        + statement_flags(figures.statements)
    )
    return figures
