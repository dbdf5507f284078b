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
from sqlalchemy import case, func, select

from modules.facilities.models import (
    Facility,
    FacilityStatus,
    FacilityType,
    Inspection,
    InspectionResult,
)
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
    return coverages(site_ids, first, last)[1]


def coverages(site_ids: Iterable[int] | None, first: date, last: date) -> tuple[Coverage, Coverage]:
    """Coverage of day ``last`` alone and of ``first`` to ``last``, at the given sites (None:
    all): one walk of the period's inspections and one count of what is still due (two
    statements, whatever the period)."""
    site_ids = None if site_ids is None else list(site_ids)
    # Every site as ``IN (the sites)``, not ``IS NOT NULL``: the index on (site, day) is
    # then read one day range per site instead of whole (a million inspections: 100 ms).
    at_sites = Inspection.site_id.in_(select(Site.id) if site_ids is None else site_ids)
    on_last = case((Inspection.day == last, Inspection.facility_id))
    on_day, in_period = db.session.execute(
        select(
            func.count(func.distinct(on_last)), func.count(func.distinct(Inspection.facility_id))
        ).where(
            at_sites,
            Inspection.day >= first,
            Inspection.day <= last,
            Inspection.due_on <= Inspection.day,
        )
    ).one()
    outstanding = db.session.scalar(
        select(func.count())
        .select_from(Facility)
        .where(_sites(Facility.site_id, site_ids), Facility.due_on <= last)
    )
    return Coverage(on_day, on_day + outstanding), Coverage(in_period, in_period + outstanding)


def today_coverage(site_ids, day: date | None = None) -> Coverage:
    day = day or business_day()
    return coverages(site_ids, day, day)[0]


def week_coverage(site_ids, day: date | None = None) -> Coverage:
    day = day or business_day()
    return coverages(site_ids, week_start(day), day)[1]


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


@dataclass(frozen=True)
class DueFacility:
    """A row of the patrol's due list: what the page shows of a facility and its type."""

    id: int
    code: str
    name: str
    area: str
    location: str
    due_on: date  # local day
    status: FacilityStatus
    type_name: str
    safety_critical: bool


DUE_ORDER = (Facility.site_id, Facility.area, Facility.due_on, Facility.code)


def due_ids_query(site_ids, day: date, site_id: int | None = None, area: str | None = None):
    """The ids of the due list's page, in page order (a Select)."""
    q = select(Facility.id).where(_sites(Facility.site_id, site_ids), Facility.due_on <= day)
    if site_id:
        q = q.where(Facility.site_id == site_id)
    if area is not None:
        q = q.where(Facility.area == area)
    return q.order_by(*DUE_ORDER).limit(DUE_LIST_LIMIT)


def due_list(
    site_ids, day: date, site_id: int | None = None, area: str | None = None
) -> list[DueFacility]:
    """The first DUE_LIST_LIMIT facilities due by ``day``, by site and area, longest overdue
    first. Two statements: the page's ids from the covering index on (site, area, due_on,
    code), walked in page order and stopped after a page however many are due (asked with
    the rows, SQLite would rather sort every due facility), then those rows' columns."""
    ids = db.session.scalars(due_ids_query(site_ids, day, site_id, area)).all()
    rows = db.session.execute(
        select(
            Facility.id,
            Facility.code,
            Facility.name,
            Facility.area,
            Facility.location,
            Facility.due_on,
            Facility.status,
            FacilityType.name,
            FacilityType.safety_critical,
        )
        .join(FacilityType, FacilityType.id == Facility.type_id)
        .where(Facility.id.in_(ids))
        .order_by(*DUE_ORDER)
    )
    return [DueFacility(*row) for row in rows]


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
