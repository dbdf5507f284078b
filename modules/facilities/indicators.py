"""Problem 14's live figures: repair orders closed in time, time to repair, coverage, overdue.

Each takes the reader's sites (a frozenset of ids; None: every site) and returns
(text shown on the ledger, good?), with None for "no judgement".
"""

from datetime import datetime, timedelta
from statistics import median

from flask_babel import gettext as _
from sqlalchemy import func, select

from modules.facilities.inspections import _sites, today_coverage, week_coverage
from modules.facilities.models import OPEN_STATES, OrderState, Priority, RepairOrder
from modules.facilities.reports import repair_time
from parkops.extensions import db
from parkops.timeutil import utcnow


def _closed_last_30_days(now: datetime, site_ids: frozenset[int] | None):
    return db.session.execute(
        select(
            RepairOrder.reported_at,
            RepairOrder.repaired_at,
            RepairOrder.closed_at,
            RepairOrder.deadline_at,
        ).where(
            _sites(RepairOrder.site_id, site_ids),
            RepairOrder.state == OrderState.VERIFIED,
            RepairOrder.closed_at >= now - timedelta(days=30),
        )
    ).all()


def closed_within_deadline(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    rows = _closed_last_30_days(utcnow(), site_ids)
    if not rows:
        return _("no order closed in the last 30 days"), None
    on_time = sum(1 for r in rows if r.closed_at <= r.deadline_at)
    share = on_time / len(rows)
    return f"{round(100 * share)}% ({on_time}/{len(rows)})", share >= 0.9


def median_time_to_repair(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    rows = _closed_last_30_days(utcnow(), site_ids)
    hours = [(r.repaired_at - r.reported_at).total_seconds() / 3600 for r in rows if r.repaired_at]
    if not hours:
        return _("no repair in the last 30 days"), None
    value = median(hours)
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
