"""A serial sold twice: a sales line naming it, while another shift's range that holds it
is sold by count (sold = issued − returned − voided, no line per serial), so the same
ticket is in two sellers' takings, or was sold once and its money taken twice. Unique
sales lines per serial (the index) rule out the same serial in two lines; this is the
other way. A serious flag on the day of either shift.
"""

from flask_babel import ngettext
from sqlalchemy import and_, exists, select, union
from sqlalchemy.orm import aliased

from modules.ticketing.days.flags import Flag, serial_line_ids, spans
from modules.ticketing.models import (
    SalesLine,
    SaleStatus,
    SerialVoid,
    Shift,
    StockIssue,
    TicketDay,
    VoidStatus,
)
from modules.ticketing.stock.counts import held_last
from parkops.auth.models import User
from parkops.extensions import db


def sold_twice_query(shift_ids: list[int]):
    """(line's shift, range's shift, serial, line's seller, range's seller) for every serial
    both a sales line and another shift's range sold by count, where either shift is one of
    ``shift_ids``, in that order (a Select).

    Two halves, each bounded by the day and not by the years of lines: the day's shifts'
    lines that name a serial (the small partial index on (shift, serial) of lines with a
    serial), and the lines inside the day's shifts' ranges (the index on (product, serial),
    a range each); UNION drops a pair both halves find (two shifts of the same day).
    """
    by_line = aliased(SalesLine)
    range_shift = aliased(Shift)
    line_shift = aliased(Shift)
    line_seller = aliased(User)
    range_seller = aliased(User)
    by_count = ~exists().where(
        by_line.shift_id == StockIssue.shift_id,
        by_line.product_id == StockIssue.product_id,
        by_line.serial.is_not(None),
    )
    voided = exists().where(
        SerialVoid.issue_id == StockIssue.id,
        SerialVoid.serial == SalesLine.serial,
        SerialVoid.status == VoidStatus.APPROVED,
    )

    def half(bound):
        return (
            select(
                SalesLine.shift_id.label("line_shift"),
                StockIssue.shift_id.label("range_shift"),
                SalesLine.serial.label("serial"),
                line_seller.display_name.label("line_name"),
                range_seller.display_name.label("range_name"),
            )
            .join(
                StockIssue,
                and_(
                    StockIssue.product_id == SalesLine.product_id,
                    StockIssue.first_serial <= SalesLine.serial,
                    held_last() >= SalesLine.serial,
                    StockIssue.shift_id != SalesLine.shift_id,
                ),
            )
            .join(line_shift, line_shift.id == SalesLine.shift_id)
            .join(line_seller, line_seller.id == line_shift.seller_id)
            .join(range_shift, range_shift.id == StockIssue.shift_id)
            .join(range_seller, range_seller.id == range_shift.seller_id)
            .where(
                bound,
                SalesLine.serial.is_not(None),
                SalesLine.status == SaleStatus.SOLD,
                by_count,
                ~voided,
            )
        )

    both = union(
        half(SalesLine.id.in_(serial_line_ids(shift_ids))),
        half(StockIssue.shift_id.in_(shift_ids)),
    ).subquery()
    return select(both).order_by(both.c.line_shift, both.c.range_shift, both.c.serial)


def sold_twice_flags(day: TicketDay, shift_ids: list[int]) -> list[Flag]:
    """(line's shift, range's shift) → the serials both count as sold; one query."""
    rows = db.session.execute(sold_twice_query(shift_ids)).all()
    pairs: dict[tuple[int, int], tuple[str, str, list[int]]] = {}
    for line_shift_id, range_shift_id, serial, line_name, range_name in rows:
        pairs.setdefault((line_shift_id, range_shift_id), (line_name, range_name, []))[2].append(
            serial
        )
    return [
        Flag(
            f"sold-twice:{line_shift_id}:{range_shift_id}:{len(serials)}",
            ngettext(
                "%(num)s serial sold twice: %(serials)s, in a sales line of %(seller)s and in "
                "the range %(other)s sold by count.",
                "%(num)s serials sold twice: %(serials)s, in sales lines of %(seller)s and in "
                "the range %(other)s sold by count.",
                len(serials),
                serials=spans(serials),
                seller=line_name,
                other=range_name,
            ),
            shift_id=line_shift_id,
        )
        for (line_shift_id, range_shift_id), (line_name, range_name, serials) in pairs.items()
    ]
