"""The daily patrol: what is due, how much is covered, and problem 14's live figures.

A facility is due on ``due_on``, which each inspection moves to its day plus the
type's interval. Coverage over a period is the share of due facilities that were
inspected: those inspected while due (the inspection keeps the ``due_on`` it
found) against those plus the ones still due now.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

from flask_babel import gettext as _
from sqlalchemy import func, select

from modules.facilities import settings
from modules.facilities.models import (
    OPEN_STATES,
    Facility,
    Inspection,
    OrderState,
    Priority,
    RepairOrder,
)
from parkops.extensions import db
from parkops.timeutil import business_day, utcnow, week_start

DUE_LIST_LIMIT = 100


@dataclass
class Coverage:
    inspected: int
    due: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.inspected / self.due) if self.due else None

    def text(self) -> str:
        if not self.due:
            return _("nothing due")
        return f"{self.percent}% ({self.inspected}/{self.due})"


def _sites(column, site_ids: Iterable[int] | None):
    return column.is_not(None) if site_ids is None else column.in_(list(site_ids))


def coverage(site_ids: Iterable[int] | None, first: date, last: date) -> Coverage:
    """Coverage from day ``first`` to ``last`` (inclusive) at the given sites (None: all)."""
    site_ids = None if site_ids is None else list(site_ids)
    inspected = db.session.scalar(
        select(func.count(func.distinct(Inspection.facility_id))).where(
            _sites(Inspection.site_id, site_ids),
            Inspection.day >= first,
            Inspection.day <= last,
            Inspection.due_on <= Inspection.day,
        )
    )
    outstanding = db.session.scalar(
        select(func.count())
        .select_from(Facility)
        .where(_sites(Facility.site_id, site_ids), Facility.due_on <= last)
    )
    return Coverage(inspected, inspected + outstanding)


def today_coverage(site_ids, day: date | None = None) -> Coverage:
    day = day or business_day()
    return coverage(site_ids, day, day)


def week_coverage(site_ids, day: date | None = None) -> Coverage:
    day = day or business_day()
    return coverage(site_ids, week_start(day), day)


@dataclass
class AreaCount:
    site_id: int
    area: str
    due: int


def due_by_area(site_ids, day: date) -> list[AreaCount]:
    rows = db.session.execute(
        select(Facility.site_id, Facility.area, func.count())
        .where(_sites(Facility.site_id, site_ids), Facility.due_on <= day)
        .group_by(Facility.site_id, Facility.area)
        .order_by(Facility.site_id, Facility.area)
    ).all()
    return [AreaCount(*r) for r in rows]


def due_list(
    site_ids, day: date, site_id: int | None = None, area: str | None = None
) -> list[Facility]:
    """The first facilities due, by area, longest overdue first (ids first, then rows)."""
    q = select(Facility.id).where(_sites(Facility.site_id, site_ids), Facility.due_on <= day)
    if site_id:
        q = q.where(Facility.site_id == site_id)
    if area is not None:
        q = q.where(Facility.area == area)
    order = (Facility.site_id, Facility.area, Facility.due_on, Facility.code)
    ids = db.session.scalars(q.order_by(*order).limit(DUE_LIST_LIMIT)).all()
    return list(db.session.scalars(select(Facility).where(Facility.id.in_(ids)).order_by(*order)))


# --- indicators on problem 14 -----------------------------------------------------------


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
    normal = settings.deadlines()[Priority.NORMAL].total_seconds() / 3600
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
