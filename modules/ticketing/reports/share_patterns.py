"""Voids, refunds and free entries per seller that are not chance, like the shortfall
patterns (patterns.py): per seller over a period and for each kind, her count and share,
the running total, and two tests.

- against her colleagues: the chance of at least her count among her base (tickets sold,
  or entries sold for free entries) if she voided, refunded or let in free at her
  colleagues' rate over the same period and sites (exact binomial tail, one-sided; their
  rate is smoothed by half an event so that colleagues with none do not make one void a
  certainty);
- against her own days: on how many of her business days her share was above her
  colleagues' share and on how many below, the sign test of that, and the longest run of
  days above (a seller who voids a little more every day makes one long run).

She stands out for a kind when it happened at least ``MIN_COUNT`` times, her share is
above her colleagues', and either test's chance is below ``ALPHA``. Without colleagues
nothing stands out. Reads the per-seller day totals (summary.py: three rows a seller's
day whatever its lines) and the printed voids: two queries.

Shares are in percent, money in fen, days are business days.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from math import exp, floor, lgamma, log

from sqlalchemy import case, func, select

from modules.ticketing.models import (
    SaleStatus,
    SellerDaySales,
    SerialVoid,
    Shift,
    VoidStatus,
)
from modules.ticketing.reports.patterns import runs, sign_test
from parkops.auth.models import User
from parkops.extensions import db

ALPHA = 0.01
MIN_COUNT = 5
KINDS = ("void", "refund", "free")


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p), exact to double precision (n may be tens of
    thousands). One term by log-gamma, then each next by the ratio of neighbouring
    probabilities, moving away from the mode, so the terms only shrink and about nine
    standard deviations of them reach 1e-17 of the sum: O(√(n·p·(1−p))) steps, not O(n).
    At or below the mode it sums the other side, P(X ≥ k) = 1 − P(X ≤ k − 1)."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    q = 1 - p
    lower = k <= floor((n + 1) * p)  # the terms grow up to floor((n + 1)·p)
    j = k - 1 if lower else k
    term = exp(lgamma(n + 1) - lgamma(j + 1) - lgamma(n - j + 1) + j * log(p) + (n - j) * log(q))
    total = 0.0
    while term and term >= total * 1e-17:
        total += term
        if lower:
            if j == 0:
                break
            term *= j / (n - j + 1) * q / p
            j -= 1
        else:
            if j == n:
                break
            term *= (n - j) / (j + 1) * p / q
            j += 1
    return min(max(1.0 - total if lower else total, 0.0), 1.0)


@dataclass
class Tally:
    """One kind of one seller (or of her colleagues): events among a base, their money."""

    count: int = 0
    base: int = 0
    amount_fen: int = 0

    @property
    def share(self) -> float:
        return round(100 * self.count / self.base, 1) if self.base else 0.0


@dataclass
class SharePattern:
    seller: User
    kind: str  # one of KINDS
    tally: Tally  # hers over the period; amount_fen is the running total of money
    colleagues: Tally | None  # None without colleagues
    days_above: int  # her days with a share above her colleagues'
    days_below: int
    longest_above: int  # the longest run of such days
    p_colleagues: float | None  # binomial tail at her colleagues' rate
    p_days: float  # sign test of days above against below

    @property
    def stands_out(self) -> bool:
        if self.colleagues is None or self.p_colleagues is None:
            return False
        return (
            self.tally.count >= MIN_COUNT
            and self.tally.share > self.colleagues.share
            and min(self.p_colleagues, self.p_days) < ALPHA
        )


# (seller, day) → kind → Tally
DayTallies = dict[tuple[int, date], dict[str, Tally]]


def _day_tallies(site_ids: set[int] | None, start: date, end: date) -> DayTallies:
    days: DayTallies = defaultdict(lambda: {k: Tally() for k in KINDS})
    where = [
        SellerDaySales.business_day.between(start, end),
        SellerDaySales.seller_id.is_not(None),
    ]
    if site_ids is not None:
        where.append(SellerDaySales.site_id.in_(site_ids))

    def of(status, column):
        return func.sum(case((SellerDaySales.status == status, column), else_=0))

    # One row a seller's day, her statuses (and sites) summed in SQL rather than three rows
    # a day worked out here: as many rows at 30 lines a day as at 3,000.
    for seller_id, day, *sums in db.session.execute(
        select(
            SellerDaySales.seller_id,
            SellerDaySales.business_day,
            of(SaleStatus.SOLD, SellerDaySales.quantity),
            of(SaleStatus.SOLD, SellerDaySales.admitted),
            of(SaleStatus.SOLD, SellerDaySales.free_entries),
            of(SaleStatus.SOLD, SellerDaySales.free_fen),
            of(SaleStatus.REFUND, SellerDaySales.quantity),
            of(SaleStatus.REFUND, SellerDaySales.amount_fen),
            of(SaleStatus.VOID, SellerDaySales.quantity),
            of(SaleStatus.VOID, SellerDaySales.amount_fen),
        )
        .where(*where)
        .group_by(SellerDaySales.seller_id, SellerDaySales.business_day)
    ):
        sold, admitted, free, free_fen, refunds, refund_fen, voids, void_fen = (
            int(n or 0) for n in sums
        )
        days[(seller_id, day)] = {
            "void": Tally(voids, sold + voids, void_fen),  # a voided ticket was issued too
            "refund": Tally(refunds, sold, refund_fen),
            "free": Tally(free, admitted, free_fen),  # cards and passes admit no one
        }
    voids = [Shift.business_day.between(start, end), SerialVoid.status == VoidStatus.APPROVED]
    if site_ids is not None:
        voids.append(Shift.site_id.in_(site_ids))
    for seller_id, day, n in db.session.execute(
        select(Shift.seller_id, Shift.business_day, func.count())
        .select_from(SerialVoid)
        .join(Shift, Shift.id == SerialVoid.shift_id)
        .where(*voids)
        .group_by(Shift.seller_id, Shift.business_day)
    ):
        days[(seller_id, day)]["void"].count += n
        days[(seller_id, day)]["void"].base += n
    return days


def _add(total: Tally, part: Tally) -> None:
    total.count += part.count
    total.base += part.base
    total.amount_fen += part.amount_fen


def share_patterns(site_ids: set[int] | None, start: date, end: date) -> list[SharePattern]:
    """Per seller and kind (void, refund, free) over ``start``–``end`` at ``site_ids``
    (None: all), for the sellers who sold or voided anything; by kind, those who stand
    out first.
    Three queries."""
    days = _day_tallies(site_ids, start, end)
    sellers: dict[int, dict[str, Tally]] = defaultdict(lambda: {k: Tally() for k in KINDS})
    everyone = {k: Tally() for k in KINDS}
    for (seller_id, _day), tallies in days.items():
        for kind, t in tallies.items():
            _add(sellers[seller_id][kind], t)
            _add(everyone[kind], t)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(sellers))))}
    her_days: dict[int, list[dict[str, Tally]]] = defaultdict(list)  # each seller's, in order
    for (seller_id, _day), tallies in sorted(days.items(), key=lambda item: item[0][1]):
        her_days[seller_id].append(tallies)
    patterns = []
    for seller_id, mine in sellers.items():
        for kind in KINDS:
            her = mine[kind]
            others = Tally(
                everyone[kind].count - her.count,
                everyone[kind].base - her.base,
                everyone[kind].amount_fen - her.amount_fen,
            )
            colleagues = others if others.base else None
            signs = []
            for tallies in her_days[seller_id]:
                t = tallies[kind]
                if not t.base or colleagues is None:
                    continue
                rate, theirs = t.count / t.base, others.count / others.base
                if rate != theirs:
                    signs.append(-1 if rate > theirs else 1)  # −1: above, as a shortfall run
            above = signs.count(-1)
            p_colleagues = None
            if colleagues is not None:
                rate = (others.count + 0.5) / (others.base + 1)
                p_colleagues = binomial_tail(her.count, her.base, rate)
            patterns.append(
                SharePattern(
                    seller=users[seller_id],
                    kind=kind,
                    tally=her,
                    colleagues=colleagues,
                    days_above=above,
                    days_below=len(signs) - above,
                    longest_above=runs(signs)[1],
                    p_colleagues=p_colleagues,
                    p_days=sign_test(above, len(signs) - above),
                )
            )
    patterns.sort(
        key=lambda p: (
            KINDS.index(p.kind),
            not p.stands_out,
            p.p_colleagues if p.p_colleagues is not None else 1.0,
            p.seller.username,
        )
    )
    return patterns
