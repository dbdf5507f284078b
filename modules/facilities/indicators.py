"""Problem 14's live figures: repair orders closed in time, time to repair, coverage, overdue.

Each takes the reader's sites (a frozenset of ids; None: every site) and returns
(text shown on the ledger, good?), with None for "no judgement".
"""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import extract, func, select

from modules.facilities.inspections import _sites, today_coverage, week_coverage
from modules.facilities.models import OPEN_STATES, OrderState, Priority, RepairOrder
from modules.facilities.reports import repair_time
from parkops.extensions import db
from parkops.timeutil import utcnow


def _closed_last_30_days(site_ids: frozenset[int] | None):
    """Conditions for the orders verified in the last 30 days (index on state, closed_at)."""
    return (
        _sites(RepairOrder.site_id, site_ids),
        RepairOrder.state == OrderState.VERIFIED,
        RepairOrder.closed_at >= utcnow() - timedelta(days=30),
    )


def _hours(later, earlier):
    """SQL for ``later - earlier`` in hours (float), on SQLite and PostgreSQL."""
    if db.session.get_bind().dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 24
    return extract("epoch", later - earlier) / 3600


def closed_within_deadline(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    # Counted in SQL: tens of thousands of orders a month are never loaded as rows.
    closed, on_time = db.session.execute(
        select(
            func.count(),
            func.count().filter(RepairOrder.closed_at <= RepairOrder.deadline_at),
        ).where(*_closed_last_30_days(site_ids))
    ).one()
    if not closed:
        return _("no order closed in the last 30 days"), None
    share = on_time / closed
    return f"{round(100 * share)}% ({on_time}/{closed})", share >= 0.9


def median_time_to_repair(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    # The one or two middle durations, picked in SQL (row number against the count).
    hours = _hours(RepairOrder.repaired_at, RepairOrder.reported_at)
    ranked = (
        select(
            hours.label("hours"),
            func.row_number().over(order_by=hours).label("rank"),
            func.count().over().label("n"),
        )
        .where(*_closed_last_30_days(site_ids), RepairOrder.repaired_at.is_not(None))
        .subquery()
    )
    middle = db.session.scalars(
        select(ranked.c.hours).where(
            ranked.c.rank.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])
        )
    ).all()
    if not middle:
        return _("no repair in the last 30 days"), None
    value = float(sum(middle)) / len(middle)
    normal = repair_time(Priority.NORMAL).total_seconds() / 3600
    return _("%(hours)s h", hours=f"{value:.1f}"), value <= normal


def today_coverage_indicator(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    cov = today_coverage(site_ids)
    # The day is not over: today's figure informs, the week's judges.
    return cov.text(), None


def week_coverage_indicator(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    cov = week_coverage(site_ids)
    return cov.text(), None if cov.percent is None else cov.percent >= 90


def overdue_orders_indicator(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    count = db.session.scalar(
        select(func.count())
        .select_from(RepairOrder)
        .where(
            _sites(RepairOrder.site_id, site_ids),
            RepairOrder.state.in_(OPEN_STATES),
            RepairOrder.deadline_at < utcnow(),
        )
    )
    return str(count), count == 0
