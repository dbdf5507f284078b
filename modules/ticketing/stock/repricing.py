"""A range sold "by range" re-priced from the stock keeper's count.

When a shift records a printed product by range, what she did not return was sold
(sold = issued − returned − voided, in cash at the day's price), and at her blind count the
returned part is her declaration. The keeper may count the bundle after the shift was
counted; her count is what went back to the store, so the range's sale follows it: the
difference from the declaration becomes a further range line (sold, or refunded when more
came back than declared) and the shift's expected cash moves by its amount. The day then
shows it on the return's flag, and on the shift's difference.
"""

from sqlalchemy import select

from modules.ticketing import summary
from modules.ticketing.models import (
    Payment,
    SalesLine,
    SaleSource,
    SaleStatus,
    ShiftStatus,
    ShiftTally,
    StockIssue,
)
from parkops.db import utcnow
from parkops.extensions import db


def declared_back(issue: StockIssue) -> int:
    """How many serials the seller declared returned."""
    return issue.last_serial - issue.returned_from + 1


def counted_back(issue: StockIssue) -> int:
    """How many serials the keeper counted back (0 when nothing came back)."""
    if issue.confirmed_last is None:
        return 0
    return issue.confirmed_last - issue.confirmed_from + 1


def reprice_range(issue: StockIssue) -> int:
    """After the keeper's count of ``issue``: when its shift is counted and sold the range by
    range, add the range line for the difference and move the shift's expected cash.
    Returns the change of expected cash in fen (0: nothing to do); the caller commits."""
    if issue.shift.status == ShiftStatus.OPEN:
        return 0  # the close will price what the keeper counted
    first = db.session.scalar(
        select(SalesLine)
        .where(SalesLine.issue_id == issue.id, SalesLine.source == SaleSource.RANGE)
        .order_by(SalesLine.id)
        .limit(1)
    )
    more_sold = declared_back(issue) - counted_back(issue)
    if first is None or more_sold == 0:
        return 0
    line = SalesLine(
        site_id=first.site_id,
        business_day=first.business_day,
        shift_id=first.shift_id,
        office_id=first.office_id,
        seller_id=first.seller_id,
        product_id=first.product_id,
        issue_id=issue.id,
        sold_at=utcnow(),
        quantity=abs(more_sold),
        amount_fen=abs(more_sold) * first.list_price_fen,
        list_price_fen=first.list_price_fen,
        payment=Payment.CASH,
        status=SaleStatus.SOLD if more_sold > 0 else SaleStatus.REFUND,
        source=SaleSource.RANGE,
    )
    db.session.add(line)
    db.session.flush()
    summary.add_lines([line])
    change = more_sold * first.list_price_fen
    tally = db.session.get(ShiftTally, (issue.shift_id, Payment.CASH))
    tally.expected_fen += change
    return change
