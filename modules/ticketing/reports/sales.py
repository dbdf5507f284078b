"""The sales query: takings over a period grouped by day, month, site, office, seller,
product, kind, payment method or venue, read from the totals kept per site's day beside
the daily summary (summary.py): per day, per seller, and by office, product or payment.

Revenue per venue: a product's net takings over the period are split between
its venues by their weights (catalog.allocate); cards and passes admit no one
and stay under "no venue".
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, literal, select, union_all

from modules.ticketing.catalog import allocate
from modules.ticketing.labels import label
from modules.ticketing.models import (
    DayGroupSales,
    DaySales,
    MonthGroupSales,
    MonthSellerSales,
    Office,
    Payment,
    Product,
    ProductVenue,
    SaleStatus,
    SellerDaySales,
    SerialVoid,
    Shift,
    Venue,
    VoidStatus,
)
from modules.ticketing.summary import months
from parkops.auth.models import Site, User
from parkops.extensions import db

GROUPS = ("day", "month", "site", "office", "seller", "product", "kind", "payment", "venue")


@dataclass
class BreakdownRow:
    key: object
    label: str
    lines: int = 0
    sold: int = 0
    refunded: int = 0
    voided: int = 0
    sold_fen: int = 0
    refund_fen: int = 0

    @property
    def net_fen(self) -> int:
        return self.sold_fen - self.refund_fen


def _tables(by: str) -> tuple:
    """The day totals to group ``by`` and their month totals (None: read by day only)."""
    if by in ("day", "month", "site"):
        return DaySales, None
    if by == "seller":
        return SellerDaySales, MonthSellerSales
    return DayGroupSales, MonthGroupSales


def breakdown(site_ids: set[int] | None, start: date, end: date, by: str) -> list[BreakdownRow]:
    """The takings of business days ``start``–``end`` at ``site_ids`` (None: all) grouped
    ``by`` one of GROUPS (ValueError otherwise): days and months in order, the rest by net
    takings. Two statements, and one for the labels of sites, offices, sellers or products."""
    if by not in GROUPS:
        raise ValueError(by)
    rows = _summed(site_ids, start, end, by)
    rows += _printed_voids(site_ids, start, end, by)
    if by == "venue":
        return _by_venue(rows)
    if by == "month":
        rows = [(day.replace(day=1), *rest) for day, *rest in rows]
    result: dict[object, BreakdownRow] = {}
    labels = _labels(by, {r[0] for r in rows})
    for key, status, lines, quantity, amount in rows:
        row = result.setdefault(key, BreakdownRow(key, labels[key]))
        _add(row, status, int(lines or 0), int(quantity or 0), int(amount or 0))
    return sorted(result.values(), key=_sort_key(by))


def _summed(site_ids: set[int] | None, start: date, end: date, by: str) -> list[tuple]:
    """``(key, status, lines, quantity, amount)`` per group, from the totals kept per site's
    day (summary.py), and by seller, office, product, kind, payment or venue from the month
    totals: as many rows at 300 lines a day as at 30,000, and a year's twelve months of rows
    with at most half a month of days at each end. One statement."""
    table, month_table = _tables(by)
    if month_table is None:
        period = table.business_day.between(start, end)
        return db.session.execute(_part(table, period, site_ids, by)).all()
    days, in_months, less = [], [], []  # a month more than half in the period: less its rest
    for first, last in months(start, end):
        low, high = max(first, start), min(last, end)
        if 2 * (high - low).days < (last - first).days:
            days.append(table.business_day.between(low, high))
            continue
        in_months.append(first)
        if first < low:
            less.append(table.business_day.between(first, low - timedelta(days=1)))
        if high < last:
            less.append(table.business_day.between(high + timedelta(days=1), last))
    # One part a range of days: with the grouping's values listed (``_part``) each part
    # seeks its days in the grouping's index, value by value.
    parts = [_part(table, period, site_ids, by) for period in days]
    if in_months:
        parts.append(_part(month_table, month_table.month.in_(in_months), site_ids, by))
    parts += [_part(table, period, site_ids, by, sign=-1) for period in less]
    summed: dict[tuple, list[int]] = {}  # one row a group: a product's takings split once
    query = union_all(*parts) if len(parts) > 1 else parts[0]
    for key, status, *sums in db.session.execute(query):
        total = summed.setdefault((key, status), [0, 0, 0])
        for i, n in enumerate(sums):
            total[i] += int(n or 0)
    # Every kept row holds a line at least: none left means none in the period.
    return [(key, status, *total) for (key, status), total in summed.items() if total[0]]


def _part(table, period, site_ids: set[int] | None, by: str, sign: int = 1):
    """The select of ``(key, status, lines, quantity, amount)`` per group from ``table``'s
    rows where ``period`` holds, the sums times ``sign`` (1 or -1)."""
    name = {"office": "office_id", "payment": "payment"}.get(by, "product_id")
    column = getattr(table, name) if table in (DayGroupSales, MonthGroupSales) else None
    if by == "kind":
        key = Product.kind
    elif column is None:  # the day totals' own key, or the seller's (day or month totals)
        key = {"day": "business_day", "month": "business_day", "site": "site_id"}.get(by)
        key = getattr(table, key or "seller_id")
    else:
        key = column
    sums = (table.lines, table.quantity, table.amount_fen)
    query = select(
        key,
        table.status,
        *((-func.sum(c) if sign < 0 else func.sum(c)) for c in sums),
    ).where(period)
    if site_ids is not None:
        query = query.where(table.site_id.in_(site_ids))
    if column is not None:  # its rows by product only, by office only, by payment only
        # The values listed, not "IS NOT NULL": a range over the index's first column
        # would read every day of every year of that index; a list of values seeks each
        # one's days.
        values = {"office_id": select(Office.id), "payment": list(Payment)}
        query = query.where(column.in_(values.get(name, select(Product.id))))
    if by == "kind":
        query = query.join(Product, Product.id == column)
    return query.group_by(key, table.status)


def _printed_voids(site_ids: set[int] | None, start: date, end: date, by: str) -> list[tuple]:
    """Printed tickets voided on the shift page and approved, as void rows of the breakdown:
    ``(key, VOID, lines, quantity, 0)``. They are no sales line (their range's sale leaves
    them out) but are voided tickets all the same; by payment they count as cash, the
    printed tickets' payment."""
    column = {
        "day": Shift.business_day,
        "month": Shift.business_day,
        "site": SerialVoid.site_id,
        "office": Shift.office_id,
        "seller": Shift.seller_id,
        "product": SerialVoid.product_id,
        "kind": Product.kind,
        "payment": literal(Payment.CASH.value),
        "venue": SerialVoid.product_id,
    }[by]
    where = [Shift.business_day.between(start, end), SerialVoid.status == VoidStatus.APPROVED]
    if site_ids is not None:
        where.append(SerialVoid.site_id.in_(site_ids))
    rows = db.session.execute(
        select(column, func.count(SerialVoid.id))
        .select_from(SerialVoid)
        .join(Shift, Shift.id == SerialVoid.shift_id)
        .join(Product, Product.id == SerialVoid.product_id)
        .where(*where)
        .group_by(column)
    ).all()
    if by == "payment":
        rows = [(Payment(key), n) for key, n in rows]
    return [(key, SaleStatus.VOID, n, n, 0) for key, n in rows]


def _add(row: BreakdownRow, status, lines: int, quantity: int, amount: int) -> None:
    row.lines += lines
    if status == SaleStatus.SOLD:
        row.sold += quantity
        row.sold_fen += amount
    elif status == SaleStatus.REFUND:
        row.refunded += quantity
        row.refund_fen += amount
    else:
        row.voided += quantity


def _sort_key(by: str):
    if by in ("day", "month"):
        return lambda r: r.key
    return lambda r: (-r.net_fen, r.label)


def _labels(by: str, keys: set) -> dict:
    if by == "day":
        return {k: k.isoformat() for k in keys}
    if by == "month":
        return {k: k.strftime("%Y-%m") for k in keys}
    if by in ("kind", "payment"):
        return {k: label(k) for k in keys}
    model, text = {
        "site": (Site, lambda s: s.name),
        "office": (Office, lambda o: o.name),
        "seller": (User, lambda u: u.display_name),
        "product": (Product, lambda p: f"{p.name} ({p.site.name})"),
    }[by]
    found = {r.id: text(r) for r in db.session.scalars(select(model).where(model.id.in_(keys)))}
    return {k: found.get(k, _("Corrections without a seller")) for k in keys}


def _by_venue(rows) -> list[BreakdownRow]:
    links = defaultdict(list)
    for product_id, venue_id, weight in db.session.execute(
        select(ProductVenue.product_id, ProductVenue.venue_id, ProductVenue.weight).order_by(
            ProductVenue.product_id, ProductVenue.venue_id
        )
    ):
        links[product_id].append((venue_id, weight))
    venues = {v.id: v for v in db.session.scalars(select(Venue))}
    result: dict[object, BreakdownRow] = {}
    for product_id, status, lines, quantity, amount in rows:
        targets = links.get(product_id) or [(None, 1)]
        parts = allocate(int(amount or 0), [w for _v, w in targets])
        for (venue_id, _w), part in zip(targets, parts, strict=True):
            name = venues[venue_id].name if venue_id else _("No venue (cards and passes)")
            row = result.setdefault(venue_id, BreakdownRow(venue_id, name))
            _add(row, status, int(lines or 0), int(quantity or 0), part)
    return sorted(result.values(), key=lambda r: (-r.net_fen, r.label))
