"""Shortfalls under the tolerance that are not chance: per seller over a period, how many
of her closed shifts were short, the running total, and two tests on the signs of her
differences in the order of her shifts.

- the sign test: among her shifts with a difference, the chance of at least this many
  short ones if short and over were equally likely (exact binomial, one-sided);
- the runs: how many stretches of the same sign, and the longest stretch of shortfalls
  (28 short shifts of 28 is one run).

A seller stands out when the sign test's chance is below ``ALPHA``, at least
``MIN_SHORT`` shifts were short, and her share of short shifts is above her colleagues'
over the same period and sites. ¥4.50 short on each of 28 shifts (¥126 a month, below
any per-shift tolerance) stands out at once.
"""

from dataclasses import dataclass
from datetime import date
from math import comb

from sqlalchemy import func, select

from modules.ticketing.models import Shift, ShiftStatus, ShiftTally
from parkops.auth.models import User
from parkops.extensions import db

ALPHA = 0.01
MIN_SHORT = 5


def sign_test(short: int, over: int) -> float:
    """P(X ≥ short) for X ~ Binomial(short + over, ½): 1.0 with no difference at all."""
    n = short + over
    return sum(comb(n, k) for k in range(short, n + 1)) / 2**n


def runs(signs: list[int]) -> tuple[int, int]:
    """(number of runs of the same sign, longest run of −1) of a list of −1/+1."""
    count = longest = current = 0
    for n, sign in enumerate(signs):
        if n == 0 or sign != signs[n - 1]:
            count += 1
            current = 0
        current += 1
        if sign < 0:
            longest = max(longest, current)
    return count, longest


@dataclass
class SellerPattern:
    seller: User
    shifts: int  # closed shifts in the period
    short: int  # shifts counted short (any amount)
    over: int
    total_fen: int  # the running total of her differences
    runs: int
    longest_short_run: int
    p_value: float
    colleagues_short_share: float | None  # percent, None without colleagues

    @property
    def short_share(self) -> float:
        return round(100 * self.short / self.shifts, 1) if self.shifts else 0.0

    @property
    def stands_out(self) -> bool:
        above = self.colleagues_short_share is None or (
            self.short_share > self.colleagues_short_share
        )
        return self.p_value < ALPHA and self.short >= MIN_SHORT and above


def shortfall_patterns(site_ids: set[int] | None, start: date, end: date) -> list[SellerPattern]:
    """Per seller, her closed shifts of ``start``–``end`` (business days) at ``site_ids``
    (None: all); those who stand out first. Two queries."""
    difference = func.sum(
        func.coalesce(ShiftTally.second_counted_fen, ShiftTally.counted_fen)
        - ShiftTally.expected_fen
    )
    query = (
        select(Shift.seller_id, difference)
        .join(ShiftTally, ShiftTally.shift_id == Shift.id)
        .where(
            Shift.status == ShiftStatus.CLOSED,
            Shift.business_day.between(start, end),
        )
        .group_by(Shift.id, Shift.seller_id, Shift.opened_at)
        .order_by(Shift.opened_at, Shift.id)
    )
    if site_ids is not None:
        query = query.where(Shift.site_id.in_(site_ids))
    by_seller: dict[int, list[int]] = {}
    for seller_id, fen in db.session.execute(query):
        by_seller.setdefault(seller_id, []).append(int(fen or 0))
    sellers = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(by_seller))))
    }
    all_shifts = sum(len(d) for d in by_seller.values())
    all_short = sum(1 for d in by_seller.values() for fen in d if fen < 0)
    patterns = []
    for seller_id, differences in by_seller.items():
        signs = [-1 if fen < 0 else 1 for fen in differences if fen]
        short = signs.count(-1)
        count, longest = runs(signs)
        others = all_shifts - len(differences)
        patterns.append(
            SellerPattern(
                seller=sellers[seller_id],
                shifts=len(differences),
                short=short,
                over=len(signs) - short,
                total_fen=sum(differences),
                runs=count,
                longest_short_run=longest,
                p_value=sign_test(short, len(signs) - short),
                colleagues_short_share=(
                    round(100 * (all_short - short) / others, 1) if others else None
                ),
            )
        )
    patterns.sort(key=lambda p: (not p.stands_out, p.p_value, p.seller.username))
    return patterns
