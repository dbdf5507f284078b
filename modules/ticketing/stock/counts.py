"""What became of each serial of a range: sold, returned, voided, missing, still with the seller.

A returned range is settled when its shift is counted: each of its serials
before the first unsold one is then voided, sold (by a sales line with that
serial, or by the range's own sales line when the shift recorded that product
by range), or else missing. Hence, for every range:

    sold + returned + voided + missing + with seller == issued
"""

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from modules.ticketing.models import (
    SalesLine,
    SaleSource,
    SaleStatus,
    SerialVoid,
    ShiftStatus,
    StockIssue,
    VoidStatus,
)
from parkops.extensions import db


@dataclass(frozen=True)
class RangeCounts:
    issued: int
    returned: int
    voided: int
    sold: int
    missing: int
    with_seller: int
    unconfirmed: int = 0  # of ``returned``: declared by the seller, not yet counted back


def returned_serials(issue: StockIssue) -> tuple[int | None, int | None]:
    """(first, last) serial of what came back: as the keeper counted it, else as the seller
    declared it; (None, None) before either."""
    if issue.confirmed:
        return issue.confirmed_from, issue.confirmed_last
    if issue.returned:
        return issue.returned_from, issue.last_serial
    return None, None


def range_counts(
    first: int,
    last: int,
    returned_from: int | None,
    *,
    voided: int,
    sold_lines: int,
    range_sold: int,
    settled: bool,
    returned_last: int | None = None,
    unconfirmed: bool = False,
) -> RangeCounts:
    """Counts of one range from its totals: what is neither returned, voided nor sold is
    with the seller until the shift is counted, and missing after. What came back runs
    from ``returned_from`` to ``returned_last`` (the range's last serial unless the keeper
    counted fewer); ``unconfirmed``: the keeper has not counted it yet."""
    issued = last - first + 1
    end = last if returned_last is None else returned_last
    returned = 0 if returned_from is None else max(end - returned_from + 1, 0)
    rest = issued - returned - voided - sold_lines - range_sold
    return RangeCounts(
        issued=issued,
        returned=returned,
        voided=voided,
        sold=sold_lines + range_sold,
        missing=rest if settled else 0,
        with_seller=0 if settled else rest,
        unconfirmed=returned if unconfirmed else 0,
    )


def held_last():
    """SQL for ``StockIssue.held_last``: the keeper's count first, then the declaration."""
    return func.coalesce(
        StockIssue.confirmed_from - 1, StockIssue.returned_from - 1, StockIssue.last_serial
    )


def issue_counts(issues: list[StockIssue]) -> dict[int, RangeCounts]:
    """Counts for many ranges in three grouped queries."""
    if not issues:
        return {}
    ids = [i.id for i in issues]
    sold_lines = dict(
        db.session.execute(
            select(StockIssue.id, func.count(SalesLine.id))
            .join(
                SalesLine,
                and_(
                    SalesLine.product_id == StockIssue.product_id,
                    SalesLine.serial >= StockIssue.first_serial,
                    SalesLine.serial <= held_last(),
                    SalesLine.status == SaleStatus.SOLD,
                ),
            )
            .where(StockIssue.id.in_(ids))
            .group_by(StockIssue.id)
        ).all()
    )
    voided = dict(
        db.session.execute(
            select(SerialVoid.issue_id, func.count())
            .where(SerialVoid.issue_id.in_(ids), SerialVoid.status == VoidStatus.APPROVED)
            .group_by(SerialVoid.issue_id)
        ).all()
    )
    # A range re-priced after the keeper's count may have a refund line (repricing.py).
    signed = case(
        (SalesLine.status == SaleStatus.REFUND, -SalesLine.quantity), else_=SalesLine.quantity
    )
    range_sold = dict(
        db.session.execute(
            select(SalesLine.issue_id, func.sum(signed))
            .where(SalesLine.issue_id.in_(ids), SalesLine.source == SaleSource.RANGE)
            .group_by(SalesLine.issue_id)
        ).all()
    )
    counts = {}
    for i in issues:
        back_first, back_last = returned_serials(i)
        counts[i.id] = range_counts(
            i.first_serial,
            i.last_serial,
            back_first,
            voided=voided.get(i.id, 0),
            sold_lines=sold_lines.get(i.id, 0),
            range_sold=int(range_sold.get(i.id) or 0),
            settled=i.shift.status != ShiftStatus.OPEN,
            returned_last=back_last if back_first is not None else None,
            unconfirmed=i.returned and not i.confirmed,
        )
    return counts
