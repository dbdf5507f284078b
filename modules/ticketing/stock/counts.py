"""What became of each serial of a range: sold, returned, voided, missing, still with the seller.

A returned range is settled when its shift is counted: each of its serials
before the first unsold one is then voided, sold (by a sales line with that
serial, or by the range's own sales line when the shift recorded that product
by range), or else missing. Hence, for every range:

    sold + returned + voided + missing + with seller == issued
"""

from dataclasses import dataclass

from sqlalchemy import and_, func, select

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


def range_counts(
    first: int,
    last: int,
    returned_from: int | None,
    *,
    voided: int,
    sold_lines: int,
    range_sold: int,
    settled: bool,
) -> RangeCounts:
    """Counts of one range from its totals: what is neither returned, voided nor sold is
    with the seller until the shift is counted, and missing after."""
    issued = last - first + 1
    returned = 0 if returned_from is None else last - returned_from + 1
    rest = issued - returned - voided - sold_lines - range_sold
    return RangeCounts(
        issued=issued,
        returned=returned,
        voided=voided,
        sold=sold_lines + range_sold,
        missing=rest if settled else 0,
        with_seller=0 if settled else rest,
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
    range_sold = dict(
        db.session.execute(
            select(SalesLine.issue_id, func.sum(SalesLine.quantity))
            .where(SalesLine.issue_id.in_(ids), SalesLine.source == SaleSource.RANGE)
            .group_by(SalesLine.issue_id)
        ).all()
    )
    return {
        i.id: range_counts(
            i.first_serial,
            i.last_serial,
            i.held_last + 1 if i.returned else None,
            voided=voided.get(i.id, 0),
            sold_lines=sold_lines.get(i.id, 0),
            range_sold=int(range_sold.get(i.id) or 0),
            settled=i.shift.status != ShiftStatus.OPEN,
        )
        for i in issues
    }
