"""Facilities at the issue's scale: 20,000 facilities, 1,000,000 inspections, 200,000 orders.

On top of the demo's few hundred facilities. Inspections span the last 100 days;
most orders are closed (verified or rejected), one in twelve is open, some past
their deadline; the demo `crew` (濮上园) is assigned part of the open ones, so
"mine" has something to list. Inserted in bulk, in batches; evidence links are
left out (they are ledger rows and the ledger scenario measures those).

Pages: the scan page (crew and visitor), the crew's lists, one order, the patrol, the
register (its list, a search) and one facility's page.
"""

import random
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select, update

from bench.bulk import load_rows
from bench.scenarios import Page
from modules.facilities import search
from modules.facilities.models import (
    OPEN_STATES,
    Facility,
    FacilityGram,
    FacilityType,
    Inspection,
    OrderState,
    Priority,
    RepairOrder,
    Transition,
    order_assignees,
)
from modules.facilities.registry import new_token
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.timeutil import business_day, local_midnight_utc, utcnow

MODULES = ("facilities",)

FACILITIES = 20_000
INSPECTIONS = 1_000_000
ORDERS = 200_000
DAYS = 100
BATCH = 20_000
AREAS = ("北门", "南门", "湖区", "游乐区", "动物园", "农场", "停车场", "广场")
CLOSED_WEIGHTS = {OrderState.VERIFIED: 88, OrderState.REJECTED: 4}
OPEN_WEIGHTS = {
    OrderState.REPORTED: 3,
    OrderState.ASSIGNED: 2,
    OrderState.IN_PROGRESS: 2,
    OrderState.REPAIRED: 1,
}


def setup(app: Flask, scale: float = 1.0) -> None:
    """``scale``: the share of the volume to add (0.01: 200 facilities, 10,000 inspections,
    2,000 orders, the hundredth the bench compares p95 with)."""
    rng = random.Random(14)  # the same data on every run, so runs compare
    sites = list(db.session.scalars(select(Site).order_by(Site.id)))
    types = list(db.session.scalars(select(FacilityType).order_by(FacilityType.id)))
    names = {u.username: u.id for u in db.session.scalars(select(User))}
    # the demo's repair squads: `crew` at 濮上园, `crew2` at 中原绿色庄园
    crew = {s.id: names["crew"] if s.code == "PSY" else names["crew2"] for s in sites}
    facilities = _facilities(rng, sites, types, max(1, round(FACILITIES * scale)))
    _inspections(rng, facilities, crew, max(1, round(INSPECTIONS * scale)))
    _orders(rng, facilities, crew, max(1, round(ORDERS * scale)))
    db.session.commit()


def _facilities(rng, sites, types, count: int) -> list[tuple[int, int, int]]:
    """Insert ``count`` facilities; returns (id, site_id, interval_days) for each."""
    today = business_day()
    rows = []
    for n in range(count):
        site = sites[n % len(sites)]
        ftype = types[n % len(types)]
        area = AREAS[n % len(AREAS)]
        rows.append(
            {
                "site_id": site.id,
                "code": f"{site.code}-B{n:05d}",
                "name": f"{area}{ftype.name}{n}号",
                "type_id": ftype.id,
                "area": area,
                "location": f"{area}{rng.choice('东西南北')}侧",
                "team": "维修专班",
                "token": new_token(),
                "due_on": today + timedelta(days=rng.randint(-2, ftype.interval_days)),
                "status": "in_service",
            }
        )
    load_rows(db.session, Facility, rows)
    loaded = db.session.execute(
        select(Facility.id, Facility.site_id, Facility.type_id, Facility.code, Facility.name).where(
            Facility.code.like("%-B%")
        )
    ).all()
    # A bulk insert passes the ORM's listeners by: the register search's index by hand.
    grams = [g for f in loaded for g in search.index_rows(f.id, f.site_id, f.code, f.name)]
    load_rows(db.session, FacilityGram, grams)
    intervals = {t.id: t.interval_days for t in types}
    return [(f.id, f.site_id, intervals[f.type_id]) for f in loaded]


def _inspections(rng, facilities, crew, count: int) -> None:
    today = business_day()
    per = max(1, count // len(facilities))
    rows = []
    for fid, sid, _interval in facilities:
        for k in range(per):
            day = today - timedelta(days=DAYS - 1 - (k * DAYS) // per)
            rows.append(
                {
                    "facility_id": fid,
                    "site_id": sid,
                    "inspector_id": crew[sid],
                    "at": local_midnight_utc(day) + timedelta(hours=9, minutes=rng.randint(0, 480)),
                    "day": day,
                    "due_on": day,
                    "result": "fine",
                    "note": "",
                }
            )
        if len(rows) >= BATCH * 5:
            load_rows(db.session, Inspection, rows)
            rows = []
    if rows:
        load_rows(db.session, Inspection, rows)
    db.session.execute(
        update(Facility)
        .where(Facility.code.like("%-B%"))
        .values(
            last_inspected_at=select(func.max(Inspection.at))
            .where(Inspection.facility_id == Facility.id)
            .scalar_subquery()
        )
    )


def _orders(rng, facilities, crew, count: int) -> None:
    now = utcnow()
    hours = {Priority.URGENT: 4, Priority.HIGH: 24, Priority.NORMAL: 72, Priority.LOW: 168}
    states = list(CLOSED_WEIGHTS) + list(OPEN_WEIGHTS)
    weights = list(CLOSED_WEIGHTS.values()) + list(OPEN_WEIGHTS.values())
    before = db.session.scalar(select(func.coalesce(func.max(RepairOrder.id), 0)))
    rows = []
    for n in range(count):
        fid, sid, _interval = facilities[rng.randrange(len(facilities))]
        state = rng.choices(states, weights)[0]
        priority = rng.choice(list(Priority))
        # spread over the 100 days, oldest first: ids grow with time as in real life
        reported = now - timedelta(days=DAYS) + timedelta(seconds=n * DAYS * 86400 / count)
        closed = state in CLOSED_WEIGHTS
        repaired = reported + timedelta(hours=hours[priority] * rng.uniform(0.2, 1.5))
        rows.append(
            {
                "facility_id": fid,
                "site_id": sid,
                "state": state.value,
                "priority": priority.value,
                "description": "座椅松动,需要紧固",
                "reported_by_id": crew[sid],
                "reported_at": reported,
                "deadline_at": reported + timedelta(hours=hours[priority]),
                "repaired_at": repaired if closed and state == OrderState.VERIFIED else None,
                "closed_at": repaired + timedelta(hours=2) if closed else None,
                "labour_minutes": 40 if closed else 0,
                "version": 1,
            }
        )
    load_rows(db.session, RepairOrder, rows)
    orders = db.session.execute(
        select(
            RepairOrder.id, RepairOrder.site_id, RepairOrder.state, RepairOrder.reported_at
        ).where(RepairOrder.id > before)  # the demo's orders have their history already
    ).all()
    transitions, assignees = [], []
    for oid, sid, state, reported in orders:
        worker = crew[sid]
        transitions.append(
            {
                "order_id": oid,
                "from_state": None,
                "to_state": "reported",
                "at": reported,
                "by_id": worker,
                "note": "",
            }
        )
        if state != OrderState.REPORTED:
            transitions.append(
                {
                    "order_id": oid,
                    "from_state": "reported",
                    "to_state": state.value,
                    "at": reported + timedelta(hours=1),
                    "by_id": worker,
                    "note": "",
                }
            )
            if state != OrderState.REJECTED and (state not in OPEN_STATES or oid % 2):
                assignees.append({"order_id": oid, "user_id": worker})
    load_rows(db.session, Transition, transitions)
    load_rows(db.session, order_assignees, assignees)


def pages(app: Flask) -> list[Page]:
    # A 濮上园 facility with history: its open orders and recent inspections fill the page.
    busy = db.session.scalar(
        select(Facility.token)
        .join(RepairOrder, RepairOrder.facility_id == Facility.id)
        .join(Site, Site.id == Facility.site_id)
        .where(Site.code == "PSY", RepairOrder.state.in_(OPEN_STATES))
        .order_by(Facility.id)
        .limit(1)
    )
    facility_id = db.session.scalar(select(Facility.id).where(Facility.token == busy))
    order_id = db.session.scalar(
        select(RepairOrder.id)
        .join(Site, Site.id == RepairOrder.site_id)
        .where(Site.code == "PSY", RepairOrder.state == OrderState.IN_PROGRESS)
        .order_by(RepairOrder.id.desc())
        .limit(1)
    )
    return [
        Page("scan, crew", f"/q/{busy}", "crew"),
        Page("scan, visitor", f"/q/{busy}", None),  # a first scan: no cookie yet
        Page("scan, visitor returning", f"/q/{busy}", None, returning=True),
        Page("orders, crew: mine", "/facilities/orders?view=mine", "crew"),
        Page("orders, crew: open", "/facilities/orders?view=open", "crew"),
        Page("orders, crew: overdue", "/facilities/orders?view=overdue", "crew"),
        Page("orders, supervisor: all", "/facilities/orders?view=all", "inspector"),
        Page("order", f"/facilities/orders/{order_id}", "crew"),
        Page("patrol, crew", "/facilities/patrol", "crew"),
        Page("register, office", "/facilities/", "office"),
        Page("register, search 路灯", "/facilities/?q=%E8%B7%AF%E7%81%AF", "office"),
        Page("a facility, crew", f"/facilities/{facility_id}", "crew"),
    ]
