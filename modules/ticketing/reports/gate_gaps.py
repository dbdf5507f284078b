"""Gate gaps over a period: per venue and business day, the entries counted at the gate
beyond the tickets admitting there, with the sellers and windows that sold for the venue
and each one's share of its tickets.

A share is context, never a debt: among several sellers a gap is proven against none of
them. Only a seller alone on a venue that day carries its gap (``carried_by``), and only
that reaches her line of the per-seller report. Three queries whatever the period; the
tickets are the entries sold per venue and seller (summary.py), a few rows a day.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from modules.ticketing.models import GateCount, Office, Shift, Venue, VenueDaySales, Window
from parkops.auth.models import User
from parkops.extensions import db


@dataclass
class GapSeller:
    """A seller who sold tickets admitting to the venue that day, at these windows."""

    seller_id: int
    name: str
    windows: list[str]
    sold: int
    share: float  # percent of the venue's tickets that day


@dataclass
class VenueGap:
    site_id: int
    day: date  # business day (Asia/Shanghai)
    venue: str
    gate: int  # the latest gate count
    sold: int  # tickets admitting there, sold less refunded
    sellers: list[GapSeller] = field(default_factory=list)

    @property
    def gap(self) -> int:
        """Entries without a ticket."""
        return self.gate - self.sold

    @property
    def carried_by(self) -> GapSeller | None:
        """The seller alone on the venue that day, who carries the gap; None when shared."""
        return self.sellers[0] if len(self.sellers) == 1 else None


def gate_gaps(site_ids: set[int] | None, start: date, end: date) -> list[VenueGap]:
    """Every venue and day of ``start``–``end`` at ``site_ids`` (None: all) whose latest
    gate count is above the tickets sold for it; by day, then venue. A venue never counted
    is left out: not yet counted is not a gap."""
    latest = select(func.max(GateCount.id)).where(GateCount.business_day.between(start, end))
    sales = [VenueDaySales.business_day.between(start, end)]
    shifts = [Shift.business_day.between(start, end)]
    if site_ids is not None:
        latest = latest.where(GateCount.site_id.in_(site_ids))
        sales.append(VenueDaySales.site_id.in_(site_ids))
        shifts.append(Shift.site_id.in_(site_ids))
    latest = latest.group_by(GateCount.venue_id, GateCount.business_day)
    counts = {
        (site_id, day, venue_id): (name, entries)
        for site_id, day, venue_id, name, entries in db.session.execute(
            select(
                GateCount.site_id,
                GateCount.business_day,
                GateCount.venue_id,
                Venue.name,
                GateCount.entries,
            )
            .join(Venue, Venue.id == GateCount.venue_id)
            .where(GateCount.id.in_(latest))
        )
    }
    # (site, day, venue) → its sellers (id, name, tickets); a correction's line has no seller
    # (id None) and counts in the venue's tickets only.
    sold: dict[tuple, list[tuple[int | None, str, int]]] = {}
    for site_id, day, venue_id, seller_id, name, n in db.session.execute(
        select(
            VenueDaySales.site_id,
            VenueDaySales.business_day,
            VenueDaySales.venue_id,
            VenueDaySales.seller_id,
            User.display_name,
            VenueDaySales.admitted,
        )
        .outerjoin(User, User.id == VenueDaySales.seller_id)
        .where(*sales)
    ):
        if n and n > 0 and (site_id, day, venue_id) in counts:
            sold.setdefault((site_id, day, venue_id), []).append((seller_id, name, int(n)))
    windows: dict[tuple, list[str]] = {}
    for site_id, day, seller_id, office, window in db.session.execute(
        select(Shift.site_id, Shift.business_day, Shift.seller_id, Office.name, Window.name)
        .join(Office, Office.id == Shift.office_id)
        .join(Window, Window.id == Shift.window_id)
        .where(*shifts)
        .distinct()
        .order_by(Office.name, Window.name)
    ):
        windows.setdefault((site_id, day, seller_id), []).append(f"{office} {window}")
    gaps = []
    for (site_id, day, venue_id), (venue, gate) in counts.items():
        rows = sold.get((site_id, day, venue_id), [])
        tickets = sum(n for *_rest, n in rows)
        if gate <= tickets:
            continue
        gap = VenueGap(site_id, day, venue, gate, tickets)
        sellers = [r for r in rows if r[0] is not None]
        for seller_id, name, n in sorted(sellers, key=lambda r: (-r[2], r[1])):
            seen = windows.get((site_id, day, seller_id), [])
            gap.sellers.append(GapSeller(seller_id, name, seen, n, round(100 * n / tickets, 1)))
        gaps.append(gap)
    gaps.sort(key=lambda g: (g.day, g.venue))
    return gaps
