"""Inspections: recording one, and the daily patrol (what is due, how much is covered).

A facility is due on ``due_on``, which each inspection moves to its day plus the
type's interval. Coverage over a period is the share of due facilities that were
inspected: those inspected while due (the inspection keeps the ``due_on`` it
found) against those plus the ones still due now.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from modules.facilities.models import Facility, Inspection, InspectionResult
from modules.facilities.registry import remember
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.rectification.services import link_evidence
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
    # Every site as ``IN (the sites)``, not ``IS NOT NULL``: the index on (site, day) is
    # then read one day range per site instead of whole (a million inspections: 100 ms).
    at_sites = Inspection.site_id.in_(select(Site.id) if site_ids is None else site_ids)
    inspected = db.session.scalar(
        select(func.count(func.distinct(Inspection.facility_id))).where(
            at_sites,
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


# --- recording an inspection -------------------------------------------------------------


def add_inspection(
    facility: Facility, actor: User, result: InspectionResult, note: str, now: datetime
) -> Inspection:
    """An inspection in the caller's transaction; the facility is next due a type's interval on."""
    day = business_day(now)
    inspection = Inspection(
        facility_id=facility.id,
        site_id=facility.site_id,
        inspector_id=actor.id,
        at=now,
        day=day,
        due_on=facility.due_on,
        result=result,
        note=note,
    )
    db.session.add(inspection)
    facility.last_inspected_at = now
    facility.due_on = day + timedelta(days=facility.type.interval_days)
    return inspection


def log_inspection(facility: Facility, actor: User, key: str | None, note: str = "") -> Inspection:
    """One tap: "inspected, fine"."""
    inspection = add_inspection(facility, actor, InspectionResult.FINE, note.strip(), utcnow())
    db.session.flush()
    link_evidence(
        "facilities.inspection",
        inspection.id,
        _("%(code)s %(name)s inspected, fine", code=facility.code, name=facility.name),
        site_id=facility.site_id,
    )
    remember(key, actor.id, "facilities.scan", token=facility.token)
    db.session.commit()
    return inspection
