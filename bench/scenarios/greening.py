"""Greening at the issue's scale: 500 maintenance zones at 濮上园, each drawn on the
demo's plan and with two roster entries (a handover a year ago), on top of the demo's.

Five years of tasks per zone (one every ten days, staggered; one in seven done a day
late; done but for the last five days', so the gardener who answers for all 500 has a
long list of overdue ones).
Five years of monthly assessment rounds at 濮上园 before the demo's three (closed,
every zone scored, a deduction in every third zone). Inserted in bulk. Pages: the
plan page, the zone list, one zone's page, the gardener's tasks, this month's round
page, the assessor's page of one zone in it, the rounds list, the appeals to decide;
the lead's completion for a month and a week, a zone's task calendar, the task types,
the export of every zone, the roster's history (.csv).

``setup(app, scale)``: zones are the park's structure, tasks and rounds its history
(bench/scenarios/__init__.py). At a hundredth: 100 zones (``LEAST_ZONES``: a full page
of every zone list: zones, round, payout sheet, a month's or a week's completion;
``ZONES × scale`` would be 5), each with a twentieth of the years (the last quarter
of tasks, three monthly rounds), so the tasks, assessments and deductions are a
hundredth of the full volume's. The plan page draws a whole site: 100 zones there
against 500.
"""

import random
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, insert, select

from bench.scenarios import Page, history_share, structure
from modules.greening.models import (
    Assessment,
    Deduction,
    Grade,
    RosterEntry,
    Round,
    RuleVersion,
    Task,
    Zone,
    ZoneKind,
)
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.paging import PER_PAGE
from parkops.timeutil import business_day, local_midnight_utc

MODULES = ("greening",)
ZONES = 500
YEARS = 5
# At a hundredth, enough zones to fill a page of every zone list: a week's completion
# lists the zones with a task due that week, 7 in 10 (a task every ten days).
LEAST_ZONES = 2 * PER_PAGE


def _outline(rng: random.Random) -> list[list[float]]:
    x, y = rng.uniform(0, 0.95), rng.uniform(0, 0.95)
    return [[x, y], [x + 0.04, y], [x + 0.04, y + 0.04], [x, y + 0.04]]


def setup(app: Flask, scale: float = 1.0) -> None:
    """Add ``structure(ZONES, scale)`` zones with their roster, and ``history_share``
    of YEARS of tasks and rounds for each (all of them at the full volume)."""
    rng = random.Random(4)  # the same data on every run, so runs compare
    count = structure(ZONES, scale, LEAST_ZONES)
    share = history_share(ZONES, count, scale)
    site = db.session.scalar(select(Site).where(Site.code == "PSY"))
    names = {u.username: u.id for u in db.session.scalars(select(User))}
    kinds, grades = list(ZoneKind), list(Grade)
    zone_rows = [
        {
            "site_id": site.id,
            "code": f"PSY-B{n:04d}",
            "name": f"养护区 {n}",
            "area_m2": rng.randint(500, 20_000),
            "kind": rng.choice(kinds),
            "grade": rng.choice(grades),
            "notes": "",
            "outline": _outline(rng),
        }
        for n in range(1, count + 1)
    ]
    db.session.execute(insert(Zone), zone_rows)
    ids = db.session.scalars(select(Zone.id).where(Zone.code.like("PSY-B%"))).all()
    today = business_day()
    roster = []
    for zone_id in ids:
        for starts_on, who in (
            (today - timedelta(days=730), "gardener2"),
            (today - timedelta(days=365), "gardener"),
        ):
            roster.append(
                {
                    "zone_id": zone_id,
                    "starts_on": starts_on,
                    "responsible_id": names[who],
                    "team": "一班",
                    "recorded_by_id": names["office"],
                }
            )
    db.session.execute(insert(RosterEntry), roster)
    task_rows = []
    for n, zone_id in enumerate(ids):
        for back in range(n % 10, round(365 * YEARS * share), 10):
            due_on = today - timedelta(days=back)
            done = back > 5
            late = timedelta(days=1 if back % 7 == 0 else 0, hours=10)
            task_rows.append(
                {
                    "zone_id": zone_id,
                    "title": "草坪修剪",
                    "due_on": due_on,
                    "done_at": local_midnight_utc(due_on) + late if done else None,
                    "done_by_id": names["gardener"] if done else None,
                }
            )
    for first in range(0, len(task_rows), 10_000):
        db.session.execute(insert(Task), task_rows[first : first + 10_000])
    db.session.commit()
    _rounds(site, names, max(1, round(12 * YEARS * share)))


def _rounds(site: Site, names: dict[str, int], count: int) -> None:
    """``count`` closed monthly rounds before the demo's, every zone of the site scored."""
    version = db.session.scalar(select(RuleVersion))
    items = version.items
    zone_ids = db.session.scalars(select(Zone.id).where(Zone.site_id == site.id)).all()
    oldest = db.session.scalar(select(Round.month).order_by(Round.month).limit(1))
    months = []
    month = oldest
    for _n in range(count):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    opened = {
        "site_id": site.id,
        "rule_version_id": version.id,
        "opened_by_id": names["assessor"],
        "closed_by_id": names["office"],
    }
    db.session.execute(
        insert(Round),
        [
            {
                **opened,
                "month": m,
                "opened_at": local_midnight_utc(m + timedelta(days=19)),
                "closed_at": local_midnight_utc(m + timedelta(days=31)),
            }
            for m in months
        ],
    )
    found = db.session.execute(select(Round.month, Round.id).where(Round.month.in_(months)))
    round_ids = {m: round_id for m, round_id in found}
    rows = []
    for m in months:
        for n, zone_id in enumerate(zone_ids):
            rows.append(
                {
                    "round_id": round_ids[m],
                    "zone_id": zone_id,
                    "assessed_on": m + timedelta(days=19),
                    "responsible_id": names["gardener"],
                    "team": "一班",
                    "assessor_id": names["assessor"],
                    "score": version.total_points
                    - (items[n % len(items)].deduction if n % 3 == 0 else 0),
                }
            )
    db.session.execute(insert(Assessment), rows)
    assessed = db.session.execute(
        select(Assessment.id, Assessment.zone_id).where(Assessment.round_id.in_(round_ids.values()))
    ).all()
    position = {zone_id: n for n, zone_id in enumerate(zone_ids)}
    deductions = []
    for assessment_id, zone_id in assessed:
        n = position[zone_id]
        if n % 3 == 0:
            item = items[n % len(items)]
            deductions.append(
                {
                    "assessment_id": assessment_id,
                    "item_id": item.id,
                    "defects": 1,
                    "points": item.deduction,
                    "note": "",
                    "recorded_by_id": names["assessor"],
                }
            )
    db.session.execute(insert(Deduction), deductions)
    db.session.commit()


def pages(app: Flask) -> list[Page]:
    # The middle zone at the full volume (PSY-B0250), the last one at a hundredth (B0100).
    middle = select(Zone.id).where(Zone.code.like("PSY-B%")).order_by(Zone.code).limit(250)
    zone_id = db.session.scalars(middle).all()[-1]
    zone_site = db.session.get(Zone, zone_id).site_id
    round_id = db.session.scalar(select(Round.id).where(Round.closed_at.is_(None)))
    # The latest of the rounds that scored every zone (the demo's score a few): the
    # bands in force when it closed (from 100 days ago) pay it.
    closed = (
        select(Round.id)
        .join(Assessment, Assessment.round_id == Round.id)
        .where(Round.closed_at.is_not(None), Round.site_id == zone_site)
        .group_by(Round.id, Round.month)
        .order_by(func.count().desc(), Round.month.desc())
    )
    closed_id = db.session.scalar(closed.limit(1))
    # The last whole month and week: the current ones list only the zones whose tasks
    # have fallen due so far (a tenth of them on the 1st), so the rows drawn would
    # depend on the day the bench runs.
    today = business_day()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1).isoformat()
    week = (today - timedelta(days=7)).isoformat()
    return [
        Page("greening plan, gardener", "/greening/plan", "gardener"),
        Page("greening zones, office", "/greening/", "office"),
        Page("greening zone, assessor", f"/greening/zones/{zone_id}", "assessor"),
        Page("greening tasks, gardener", "/greening/tasks", "gardener"),
        Page("greening rounds, assessor", "/greening/rounds", "assessor"),
        Page("greening round, assessor", f"/greening/rounds/{round_id}", "assessor"),
        Page(
            "greening zone in a round, assessor",
            f"/greening/rounds/{round_id}/zones/{zone_id}",
            "assessor",
        ),
        Page("greening appeals, office", "/greening/appeals", "office"),
        Page("greening payout sheet, office", f"/greening/rounds/{closed_id}/payouts", "office"),
        Page("greening payout bands, office", "/greening/bands", "office"),
        Page("greening completion, month, office", f"/greening/completion?on={month}", "office"),
        Page(
            "greening completion, week, office",
            f"/greening/completion?period=week&on={week}",
            "office",
        ),
        Page("greening task calendar, gardener", f"/greening/zones/{zone_id}/calendar", "gardener"),
        Page("greening task types, office", "/greening/task-types", "office"),
        Page("greening zones export, office", "/greening/zones/export.xlsx", "office"),
        Page("greening roster history, office", "/greening/roster/export.csv", "office"),
    ]
