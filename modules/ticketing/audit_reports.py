"""稽核 reports: per seller over time, and sales broken down by any dimension.

Both read the daily summary (one row per day, office, seller, product, payment
and status), the shift tallies and the gate counts, never the sales lines, so a
month's report over a year of millions of lines is a handful of GROUP BY
queries on small tables.

The per-seller report is built to make a pattern like the 2019 case stand out:
a seller's shortfalls, voids, refunds, discount-card and free entries as shares
of what she sold, and the entries counted at the gate without a ticket on the
days she worked, at the venues she sold for (each venue's gap shared among its
sellers by the tickets each sold there). A figure stands out when it is more
than twice the same figure of the other sellers together (and above a small
floor, so that one void in a quiet month does not).

Revenue per venue: a product's net takings over the period are split between
its venues by their weights (catalog.allocate); cards and passes admit no one
and stay under "no venue".
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import case, func, select

from modules.ticketing.catalog import allocate
from modules.ticketing.labels import label
from modules.ticketing.models import (
    DailySales,
    GateCount,
    Office,
    Product,
    ProductKind,
    ProductVenue,
    SaleStatus,
    SerialVoid,
    Shift,
    ShiftStatus,
    ShiftTally,
    Venue,
    VoidStatus,
)
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.money import fen_to_decimal

STAND_OUT_FACTOR = 2
# Below these a figure never stands out: shares in percent, shortfall in fen per shift.
FLOORS = {
    "void_share": 1.0,
    "refund_share": 1.0,
    "card_share": 2.0,
    "free_share": 2.0,
    "gap_share": 1.0,
    "shortfall_per_shift": 500,
}
ADMITTING = [k for k in ProductKind if k not in (ProductKind.DISCOUNT_CARD, ProductKind.PASS)]


def _share(part: float, whole: float) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


@dataclass
class SellerFigures:
    shifts: int = 0
    days: int = 0
    sales_fen: int = 0  # net: sold less refunded
    sold: int = 0  # tickets and cards sold
    admissions: int = 0  # entries sold (admitting products)
    voids: int = 0
    refunds: int = 0
    refund_fen: int = 0
    card_entries: int = 0
    free_entries: int = 0
    difference_fen: int = 0  # counted less expected, all shifts
    shortfall_fen: int = 0  # the shifts that came up short, added
    # Gate entries and entries without a ticket at the venues she sold for, her share of them
    # (fractions of people: shared in proportion to the tickets she sold there).
    gate_entries: float = 0.0
    gate_gap: float = 0.0

    @property
    def void_share(self) -> float:
        return _share(self.voids, self.sold + self.voids)

    @property
    def refund_share(self) -> float:
        return _share(self.refunds, self.sold)

    @property
    def card_share(self) -> float:
        return _share(self.card_entries, self.admissions)

    @property
    def free_share(self) -> float:
        return _share(self.free_entries, self.admissions)

    @property
    def gap_share(self) -> float:
        return _share(self.gate_gap, self.gate_entries)

    @property
    def shortfall_per_shift(self) -> int:
        return -self.shortfall_fen // self.shifts if self.shifts else 0


@dataclass
class SellerRow:
    seller: User
    figures: SellerFigures
    stand_out: set[str] = field(default_factory=set)


@dataclass
class SellerReport:
    start: date
    end: date
    rows: list[SellerRow]
    all_sellers: SellerFigures


def _combine(parts, sign: int) -> SellerFigures:
    """The first figures plus (sign 1) or minus (sign -1) the others, field by field."""
    parts = list(parts)
    total = SellerFigures() if sign == 1 else SellerFigures(**vars(parts.pop(0)))
    for part in parts:
        for name in SellerFigures.__dataclass_fields__:
            setattr(total, name, getattr(total, name) + sign * getattr(part, name))
    return total


def _summary_filter(site_ids: set[int] | None, start: date, end: date) -> list:
    where = [DailySales.business_day.between(start, end)]
    if site_ids is not None:
        where.append(DailySales.site_id.in_(site_ids))
    return where


def seller_report(site_ids: set[int] | None, start: date, end: date) -> SellerReport:
    figures: dict[int, SellerFigures] = defaultdict(SellerFigures)
    _add_sales(figures, site_ids, start, end)
    _add_shifts(figures, site_ids, start, end)
    _add_voids(figures, site_ids, start, end)
    _add_gate_gaps(figures, site_ids, start, end)
    figures.pop(None, None)  # correction lines not attributed to a seller
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(figures))))}
    everyone = _combine(figures.values(), 1)
    rows = []
    for seller_id, f in figures.items():
        row = SellerRow(users[seller_id], f)
        others = _combine([everyone, f], -1)
        if others.sold or others.shifts:  # nobody to compare with: nothing stands out
            for metric, floor in FLOORS.items():
                mine, theirs = getattr(f, metric), getattr(others, metric)
                if mine > floor and mine > STAND_OUT_FACTOR * theirs:
                    row.stand_out.add(metric)
        rows.append(row)
    rows.sort(key=lambda r: (-len(r.stand_out), r.seller.username))
    return SellerReport(start, end, rows, everyone)


def _add_sales(figures, site_ids, start, end) -> None:
    rows = db.session.execute(
        select(
            DailySales.seller_id,
            Product.kind,
            DailySales.status,
            func.sum(DailySales.quantity),
            func.sum(DailySales.amount_fen),
        )
        .join(Product, Product.id == DailySales.product_id)
        .where(*_summary_filter(site_ids, start, end))
        .group_by(DailySales.seller_id, Product.kind, DailySales.status)
    )
    for seller_id, kind, status, quantity, amount in rows:
        f = figures[seller_id]
        quantity, amount = int(quantity or 0), int(amount or 0)
        admits = kind in ADMITTING
        if status == SaleStatus.SOLD:
            f.sold += quantity
            f.sales_fen += amount
            f.admissions += quantity if admits else 0
            f.card_entries += quantity if kind == ProductKind.CARD_ENTRY else 0
            f.free_entries += quantity if kind == ProductKind.CONCESSION else 0
        elif status == SaleStatus.REFUND:
            f.refunds += quantity
            f.refund_fen += amount
            f.sales_fen -= amount
            f.admissions -= quantity if admits else 0
        else:
            f.voids += quantity


def _shift_filter(site_ids, start, end) -> list:
    where = [Shift.business_day.between(start, end), Shift.status == ShiftStatus.CLOSED]
    if site_ids is not None:
        where.append(Shift.site_id.in_(site_ids))
    return where


def _add_shifts(figures, site_ids, start, end) -> None:
    per_shift = (
        select(
            Shift.id.label("shift_id"),
            Shift.seller_id.label("seller_id"),
            Shift.site_id.label("site_id"),
            Shift.business_day.label("day"),
            func.sum(
                func.coalesce(ShiftTally.second_counted_fen, ShiftTally.counted_fen)
                - ShiftTally.expected_fen
            ).label("difference"),
        )
        .join(ShiftTally, ShiftTally.shift_id == Shift.id)
        .where(*_shift_filter(site_ids, start, end))
        .group_by(Shift.id, Shift.seller_id, Shift.site_id, Shift.business_day)
        .subquery()
    )
    rows = db.session.execute(
        select(
            per_shift.c.seller_id,
            func.count(),
            func.count(func.distinct(per_shift.c.day)),
            func.sum(per_shift.c.difference),
            func.sum(case((per_shift.c.difference < 0, per_shift.c.difference), else_=0)),
        ).group_by(per_shift.c.seller_id)
    )
    for seller_id, shifts, days, difference, shortfall in rows:
        f = figures[seller_id]
        f.shifts, f.days = shifts, days
        f.difference_fen, f.shortfall_fen = int(difference or 0), int(shortfall or 0)


def _add_voids(figures, site_ids, start, end) -> None:
    where = [Shift.business_day.between(start, end), SerialVoid.status == VoidStatus.APPROVED]
    if site_ids is not None:
        where.append(Shift.site_id.in_(site_ids))
    rows = db.session.execute(
        select(Shift.seller_id, func.count())
        .select_from(SerialVoid)
        .join(Shift, Shift.id == SerialVoid.shift_id)
        .where(*where)
        .group_by(Shift.seller_id)
    )
    for seller_id, voids in rows:
        figures[seller_id].voids += voids


def _admitted():
    return case(
        (DailySales.status == SaleStatus.SOLD, DailySales.quantity),
        (DailySales.status == SaleStatus.REFUND, -DailySales.quantity),
        else_=0,
    )


def venue_day_counts(site_ids, start, end) -> dict[tuple[int, date, int], tuple[int, int]]:
    """(site, day, venue) → (latest gate count, tickets admitting there), for counted venues.

    A venue without a gate count is left out: not yet counted is not a gap.
    """
    latest_ids = select(func.max(GateCount.id)).where(GateCount.business_day.between(start, end))
    if site_ids is not None:
        latest_ids = latest_ids.where(GateCount.site_id.in_(site_ids))
    latest_ids = latest_ids.group_by(GateCount.venue_id, GateCount.business_day)
    gates = db.session.execute(
        select(
            GateCount.site_id, GateCount.business_day, GateCount.venue_id, GateCount.entries
        ).where(GateCount.id.in_(latest_ids))
    ).all()
    sold = {
        (site_id, day, venue_id): int(n or 0)
        for site_id, day, venue_id, n in db.session.execute(
            select(
                DailySales.site_id,
                DailySales.business_day,
                ProductVenue.venue_id,
                func.sum(_admitted()),
            )
            .join(ProductVenue, ProductVenue.product_id == DailySales.product_id)
            .where(*_summary_filter(site_ids, start, end))
            .group_by(DailySales.site_id, DailySales.business_day, ProductVenue.venue_id)
        )
    }
    return {
        (site_id, day, venue_id): (entries, sold.get((site_id, day, venue_id), 0))
        for site_id, day, venue_id, entries in gates
    }


def _add_gate_gaps(figures, site_ids, start, end) -> None:
    """Each venue's gate count and gap, shared among the sellers who sold tickets admitting
    there that day, in proportion to how many each sold: a zoo seller carries the zoo's gap,
    a gate seller the gate's."""
    counts = venue_day_counts(site_ids, start, end)
    rows = db.session.execute(
        select(
            DailySales.seller_id,
            DailySales.site_id,
            DailySales.business_day,
            ProductVenue.venue_id,
            func.sum(_admitted()),
        )
        .join(ProductVenue, ProductVenue.product_id == DailySales.product_id)
        .where(*_summary_filter(site_ids, start, end), DailySales.seller_id.is_not(None))
        .group_by(
            DailySales.seller_id, DailySales.site_id, DailySales.business_day, ProductVenue.venue_id
        )
    )
    for seller_id, site_id, day, venue_id, mine in rows:
        gate, sold = counts.get((site_id, day, venue_id), (0, 0))
        if sold <= 0 or not mine:
            continue
        share = int(mine) / sold
        figures[seller_id].gate_entries += gate * share
        figures[seller_id].gate_gap += (gate - sold) * share


# --- breakdowns ------------------------------------------------------------------------------

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


def _group_column(by: str):
    return {
        "day": DailySales.business_day,
        "month": DailySales.business_day,  # folded into months below
        "site": DailySales.site_id,
        "office": DailySales.office_id,
        "seller": DailySales.seller_id,
        "product": DailySales.product_id,
        "kind": Product.kind,
        "payment": DailySales.payment,
        "venue": DailySales.product_id,  # split between venues below
    }[by]


def breakdown(site_ids: set[int] | None, start: date, end: date, by: str) -> list[BreakdownRow]:
    if by not in GROUPS:
        raise ValueError(by)
    column = _group_column(by)
    rows = db.session.execute(
        select(
            column,
            DailySales.status,
            func.sum(DailySales.lines),
            func.sum(DailySales.quantity),
            func.sum(DailySales.amount_fen),
        )
        .join(Product, Product.id == DailySales.product_id)
        .where(*_summary_filter(site_ids, start, end))
        .group_by(column, DailySales.status)
    ).all()
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


# --- .xlsx -----------------------------------------------------------------------------------

MONEY_FORMAT = "#,##0.00"


def workbook(title: str, headers: list[str], rows: list[list], money_columns: set[int]) -> bytes:
    """A one-sheet workbook: bold header, money in yuan with two decimals, frozen header row."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [
                fen_to_decimal(v) if i in money_columns and isinstance(v, int) else v
                for i, v in enumerate(row)
            ]
        )
    for column in money_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cell.number_format = MONEY_FORMAT
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
            12, min(40, len(str(header)) * 2)
        )
    sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
