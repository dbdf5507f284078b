"""The daily sales summary that reports read instead of millions of sales lines.

``refresh_day`` rebuilds one site's day from its lines with one INSERT … SELECT
… GROUP BY; every service that adds lines calls it in the same transaction.
"""

from datetime import date

from sqlalchemy import delete, func, insert, select

from modules.ticketing.models import DailySales, SalesLine
from parkops.extensions import db

_KEYS = ("site_id", "business_day", "office_id", "seller_id", "product_id", "payment", "status")


def _summarise(*where):
    keys = [getattr(SalesLine, k) for k in _KEYS]
    return insert(DailySales).from_select(
        [*_KEYS, "lines", "quantity", "amount_fen"],
        select(
            *keys,
            func.count(SalesLine.id),
            func.sum(SalesLine.quantity),
            func.sum(SalesLine.amount_fen),
        )
        .where(*where)
        .group_by(*keys),
    )


def refresh_day(site_id: int, day: date) -> None:
    """Rebuild one site's day; the caller commits."""
    db.session.execute(
        delete(DailySales).where(DailySales.site_id == site_id, DailySales.business_day == day)
    )
    db.session.execute(_summarise(SalesLine.site_id == site_id, SalesLine.business_day == day))


def rebuild(start: date, end: date) -> None:
    """Rebuild every site's days from ``start`` to ``end`` (inclusive) and commit."""
    db.session.execute(delete(DailySales).where(DailySales.business_day.between(start, end)))
    db.session.execute(_summarise(SalesLine.business_day.between(start, end)))
    db.session.commit()
