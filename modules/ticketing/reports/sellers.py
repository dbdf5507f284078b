"""稽核 report per seller over a period, built to make the 2019 pattern stand out.

It reads the per-seller day totals (three rows a seller's day: sales, refunds, voids,
with their admitting, card and free entries), the entries sold per venue and seller (for
the gate gaps), the shift tallies and the gate counts, never the sales lines nor the
daily summary, so a month's report costs the same over a year of millions of lines as
over a year of thousands: a handful of GROUP BY queries on small tables.

The per-seller report is built to make a pattern like the 2019 case stand out:
a seller's shortfalls, voids, refunds, discount-card and free entries as shares
of what she sold, and the entries counted at the gate without a ticket at the
venues she alone sold for on a day (a gap at a venue several sold for is proven
against none of them: gate_gaps.py lists it with their shares, as context). A
figure stands out when it is more than twice the same figure of the other sellers
together (and above a small floor, so that one void in a quiet month does not).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

from modules.ticketing.models import (
    GateCount,
    SaleStatus,
    SellerDaySales,
    SerialVoid,
    Shift,
    ShiftStatus,
    ShiftTally,
    VenueDaySales,
    VoidStatus,
)
from parkops.auth.models import User
from parkops.extensions import db

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
    # Gate entries and entries without a ticket at the venues she alone sold for on a day:
    # the gaps she carries. A gap at a venue several sold for is booked to none of them;
    # shared_gaps counts those venue-days (context, never highlighted).
    gate_entries: int = 0
    gate_gap: int = 0
    shared_gaps: int = 0

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


def _venue_filter(site_ids: set[int] | None, start: date, end: date) -> list:
    where = [VenueDaySales.business_day.between(start, end)]
    if site_ids is not None:
        where.append(VenueDaySales.site_id.in_(site_ids))
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
    """Sales, refunds, voids and entries per seller from the per-seller day totals (three
    rows a seller's day at most, whatever its lines)."""
    where = [SellerDaySales.business_day.between(start, end)]
    if site_ids is not None:
        where.append(SellerDaySales.site_id.in_(site_ids))
    rows = db.session.execute(
        select(
            SellerDaySales.seller_id,
            SellerDaySales.status,
            func.sum(SellerDaySales.quantity),
            func.sum(SellerDaySales.amount_fen),
            func.sum(SellerDaySales.admitted),
            func.sum(SellerDaySales.card_entries),
            func.sum(SellerDaySales.free_entries),
        )
        .where(*where)
        .group_by(SellerDaySales.seller_id, SellerDaySales.status)
    )
    for seller_id, status, *sums in rows:
        f = figures[seller_id]
        quantity, amount, admitted, cards, free = (int(n or 0) for n in sums)
        if status == SaleStatus.SOLD:
            f.sold += quantity
            f.sales_fen += amount
            f.admissions += admitted
            f.card_entries += cards
            f.free_entries += free
        elif status == SaleStatus.REFUND:
            f.refunds += quantity
            f.refund_fen += amount
            f.sales_fen -= amount
            f.admissions -= admitted
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
    sold: dict[tuple[int, date, int], int] = defaultdict(int)
    for site_id, day, venue_id, n in db.session.execute(
        select(
            VenueDaySales.site_id,
            VenueDaySales.business_day,
            VenueDaySales.venue_id,
            func.sum(VenueDaySales.admitted),
        )
        .where(*_venue_filter(site_ids, start, end))
        .group_by(VenueDaySales.site_id, VenueDaySales.business_day, VenueDaySales.venue_id)
    ):
        sold[(site_id, day, venue_id)] = int(n or 0)
    return {
        (site_id, day, venue_id): (entries, sold.get((site_id, day, venue_id), 0))
        for site_id, day, venue_id, entries in gates
    }


def _add_gate_gaps(figures, site_ids, start, end) -> None:
    """The gate entries and gaps of the venues a seller sold for alone on a day: she carries
    those. A venue several sold for is counted in each one's ``shared_gaps`` when it has a
    gap, and booked to none of them (see gate_gaps.py for who sold there and how much)."""
    counts = venue_day_counts(site_ids, start, end)
    rows = db.session.execute(
        select(
            VenueDaySales.seller_id,
            VenueDaySales.site_id,
            VenueDaySales.business_day,
            VenueDaySales.venue_id,
            VenueDaySales.admitted,
        ).where(*_venue_filter(site_ids, start, end), VenueDaySales.seller_id.is_not(None))
    )
    sellers: dict[tuple, list[int]] = defaultdict(list)
    for seller_id, site_id, day, venue_id, mine in rows:
        if mine and mine > 0 and (site_id, day, venue_id) in counts:
            sellers[(site_id, day, venue_id)].append(seller_id)
    for key, ids in sellers.items():
        gate, sold = counts[key]
        if len(ids) == 1:
            figures[ids[0]].gate_entries += gate
            # Only entries without tickets count: more tickets than entries is no gap and
            # must not net away another day's real one (as in the shared case).
            figures[ids[0]].gate_gap += max(gate - sold, 0)
        elif gate > sold:
            for seller_id in ids:
                figures[seller_id].shared_gaps += 1
