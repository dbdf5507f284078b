"""The daily sales summary that reports read instead of millions of sales lines.

Every service that adds lines keeps it up to date in the same transaction: an
import rebuilds the site's day from its lines with one INSERT … SELECT … GROUP
BY (``refresh_day``); a blind count or a correction, which add a line or two,
adds them to their summary rows (``add_lines``). Each then sums the site's day again
from the summary rows into its per-day totals (``DaySales``, three rows at most), its
per-seller totals (``SellerDaySales``, three rows a seller at most), the entries sold
per venue and seller (``VenueDaySales``) and its totals by office, product and payment
method (``DayGroupSales``), and those and the per-seller totals again into their month's
totals (``MonthGroupSales``, ``MonthSellerSales``).
"""

from datetime import date, timedelta

from sqlalchemy import Date, case, delete, func, insert, literal, select, update

from modules.ticketing.models import (
    CARD_KINDS,
    DailySales,
    DayGroupSales,
    DaySales,
    MonthGroupSales,
    MonthSellerSales,
    Product,
    ProductKind,
    ProductVenue,
    SalesLine,
    SaleStatus,
    SellerDaySales,
    VenueDaySales,
)
from parkops.extensions import db

# Summed again from the summary rows of a site's day whenever they change.
KEPT = (DaySales, SellerDaySales, VenueDaySales, DayGroupSales)
_KEYS = ("site_id", "business_day", "office_id", "seller_id", "product_id", "payment", "status")


def _summarise(*where):
    keys = [getattr(SalesLine, k) for k in _KEYS]
    return insert(DailySales).from_select(
        [*_KEYS, "lines", "quantity", "amount_fen"],
        select(
            *keys,
            func.count(SalesLine.id),
            func.sum(SalesLine.quantity),
            func.sum(SalesLine.amount_fen),
        )
        .where(*where)
        .group_by(*keys),
    )


def _total(*where) -> None:
    """Insert the kept totals (``KEPT``) of the summary rows matching ``where`` (whole site
    days; the caller deleted the old ones)."""
    db.session.flush()
    keys = (DailySales.site_id, DailySales.business_day, DailySales.status)
    db.session.execute(
        insert(DaySales).from_select(
            ["site_id", "business_day", "status", "lines", "quantity", "amount_fen"],
            select(
                *keys,
                func.sum(DailySales.lines),
                func.sum(DailySales.quantity),
                func.sum(DailySales.amount_fen),
            )
            .where(*where)
            .group_by(*keys),
        )
    )
    _seller_total(*where)
    _venue_total(*where)
    _group_totals(*where)


def _seller_total(*where) -> None:
    """Insert the per-seller totals of the summary rows matching ``where`` (whole site days)."""
    keys = (DailySales.site_id, DailySales.business_day, DailySales.seller_id, DailySales.status)

    def of(condition):
        return func.sum(case((condition, DailySales.quantity), else_=0))

    db.session.execute(
        insert(SellerDaySales).from_select(
            [
                "site_id",
                "business_day",
                "seller_id",
                "status",
                "lines",
                "quantity",
                "amount_fen",
                "admitted",
                "card_entries",
                "free_entries",
                "free_fen",
            ],
            select(
                *keys,
                func.sum(DailySales.lines),
                func.sum(DailySales.quantity),
                func.sum(DailySales.amount_fen),
                of(Product.kind.not_in(CARD_KINDS)),
                of(Product.kind == ProductKind.CARD_ENTRY),
                of(Product.kind == ProductKind.CONCESSION),
                func.sum(
                    case((Product.kind == ProductKind.CONCESSION, DailySales.amount_fen), else_=0)
                ),
            )
            .join(Product, Product.id == DailySales.product_id)
            .where(*where)
            .group_by(*keys),
        )
    )


def _venue_total(*where) -> None:
    """Insert the per-venue entries of the summary rows matching ``where`` (whole site days):
    tickets sold less refunded, per venue a product admits to (cards and passes to none)."""
    keys = (
        DailySales.site_id,
        DailySales.business_day,
        ProductVenue.venue_id,
        DailySales.seller_id,
    )
    admitted = case(
        (DailySales.status == SaleStatus.SOLD, DailySales.quantity),
        (DailySales.status == SaleStatus.REFUND, -DailySales.quantity),
        else_=0,
    )
    db.session.execute(
        insert(VenueDaySales).from_select(
            ["site_id", "business_day", "venue_id", "seller_id", "admitted"],
            select(*keys, func.sum(admitted))
            .join(ProductVenue, ProductVenue.product_id == DailySales.product_id)
            .where(*where)
            .group_by(*keys),
        )
    )


def _group_totals(*where) -> None:
    """Insert the totals by office, by product and by payment method of the summary rows
    matching ``where`` (whole site days)."""
    for name in ("office_id", "product_id", "payment"):
        keys = (
            DailySales.site_id,
            DailySales.business_day,
            getattr(DailySales, name),
            DailySales.status,
        )
        db.session.execute(
            insert(DayGroupSales).from_select(
                ["site_id", "business_day", name, "status", "lines", "quantity", "amount_fen"],
                select(
                    *keys,
                    func.sum(DailySales.lines),
                    func.sum(DailySales.quantity),
                    func.sum(DailySales.amount_fen),
                )
                .where(*where)
                .group_by(*keys),
            )
        )


def months(start: date, end: date) -> list[tuple[date, date]]:
    """``(first day, last day)`` of each calendar month that ``start``–``end`` touches."""
    found = []
    first = start.replace(day=1)
    while first <= end:
        following = (first + timedelta(days=32)).replace(day=1)
        found.append((first, following - timedelta(days=1)))
        first = following
    return found


# Each month table, the day table it sums and the keys it keeps beside site and status.
_MONTHS = (
    (MonthGroupSales, DayGroupSales, ("office_id", "product_id", "payment")),
    (MonthSellerSales, SellerDaySales, ("seller_id",)),
)


def _month_totals(start: date, end: date, site_id: int | None = None) -> None:
    """Sum again, from the day totals, the month totals (by office, product and payment
    method; by seller) of the months ``start``–``end`` touches, at ``site_id`` (None: every
    site)."""
    db.session.flush()
    for month_table, t, grouped in _MONTHS:
        keys = (t.site_id, *(getattr(t, k) for k in grouped), t.status)
        for first, last in months(start, end):
            old = [month_table.month == first]
            where = [t.business_day.between(first, last)]
            if site_id is not None:
                old.append(month_table.site_id == site_id)
                where.append(t.site_id == site_id)
            db.session.execute(delete(month_table).where(*old))
            db.session.execute(
                insert(month_table).from_select(
                    [*(k.key for k in keys), "month", "lines", "quantity", "amount_fen"],
                    select(
                        *keys,
                        literal(first, Date),
                        func.sum(t.lines),
                        func.sum(t.quantity),
                        func.sum(t.amount_fen),
                    )
                    .where(*where)
                    .group_by(*keys),
                )
            )


def _refresh_totals(site_id: int, day: date) -> None:
    for table in KEPT:
        db.session.execute(delete(table).where(table.site_id == site_id, table.business_day == day))
    _total(DailySales.site_id == site_id, DailySales.business_day == day)
    _month_totals(day, day, site_id)


def refresh_day(site_id: int, day: date) -> None:
    """Rebuild one site's day; the caller commits."""
    db.session.execute(
        delete(DailySales).where(DailySales.site_id == site_id, DailySales.business_day == day)
    )
    db.session.execute(_summarise(SalesLine.site_id == site_id, SalesLine.business_day == day))
    _refresh_totals(site_id, day)


def add_lines(lines: list[SalesLine]) -> None:
    """Add a few new lines to their summary rows; the caller commits."""
    totals: dict[tuple, list[int]] = {}
    for line in lines:
        key = tuple(getattr(line, k) for k in _KEYS)
        total = totals.setdefault(key, [0, 0, 0])
        total[0] += 1
        total[1] += line.quantity
        total[2] += line.amount_fen
    for key, (count, quantity, amount) in totals.items():
        match = [
            getattr(DailySales, k).is_(None) if v is None else getattr(DailySales, k) == v
            for k, v in zip(_KEYS, key, strict=True)
        ]
        updated = db.session.execute(
            update(DailySales)
            .where(*match)
            .values(
                lines=DailySales.lines + count,
                quantity=DailySales.quantity + quantity,
                amount_fen=DailySales.amount_fen + amount,
            )
        )
        if updated.rowcount == 0:
            db.session.add(
                DailySales(
                    **dict(zip(_KEYS, key, strict=True)),
                    lines=count,
                    quantity=quantity,
                    amount_fen=amount,
                )
            )
    for site_id, day in {(line.site_id, line.business_day) for line in lines}:
        _refresh_totals(site_id, day)


def rebuild(start: date, end: date) -> None:
    """Rebuild every site's days from ``start`` to ``end`` (inclusive) and commit."""
    db.session.execute(delete(DailySales).where(DailySales.business_day.between(start, end)))
    db.session.execute(_summarise(SalesLine.business_day.between(start, end)))
    for table in KEPT:
        db.session.execute(delete(table).where(table.business_day.between(start, end)))
    _total(DailySales.business_day.between(start, end))
    _month_totals(start, end)
    db.session.commit()
