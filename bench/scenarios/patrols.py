"""Patrols at the issue's scale: 2,000,000 answers (400,000 submitted water runs of five
items, two or three checkpoint scans each) and 100,000 findings, on top of the demo.

Inserted in bulk with explicit ids, in batches; the sequences are moved past them on
PostgreSQL. ``setup``'s ``scale`` (0.01: the hundredth the bench compares with) and
``RUNS`` and ``FINDINGS`` scale it down (the bench test uses a few hundred).

Pages: the inspector's run page (an open run with half its answers), the findings
list (open, past deadline, all) and the leader's page of today's slots.
"""

import random
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select, text

from bench.bulk import load_rows
from bench.scenarios import Page
from modules.patrols.models import (
    Answer,
    Checklist,
    ChecklistItem,
    Finding,
    Route,
    Run,
    Scan,
)
from parkops.auth.models import User
from parkops.extensions import db
from parkops.timeutil import utcnow

MODULES = ("patrols",)

RUNS = 400_000  # × 5 items = 2,000,000 answers
FINDINGS = 100_000
BATCH = 20_000
CHECKLIST = "水面巡查：泵站进水口"
ROUTE = "泵站进水口水面巡线"


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _insert(model, rows: list[dict]) -> None:
    load_rows(db.session, model, rows)


def _move_sequences(*models) -> None:
    if db.engine.dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__  # a model's own name, never input
        sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}"  # noqa: S608
        db.session.execute(text(sql))


def setup(app: Flask, scale: float = 1.0) -> None:
    """Add ``scale`` of the volume: RUNS runs (five answers each) and FINDINGS findings."""
    rng = random.Random(12)
    total = max(1, round(RUNS * scale))
    checklist = db.session.scalar(select(Checklist).where(Checklist.name == CHECKLIST))
    route = db.session.scalar(select(Route).where(Route.name == ROUTE))
    inspector = db.session.scalar(select(User.id).where(User.username == "inspector"))
    items = list(
        db.session.scalars(
            select(ChecklistItem)
            .where(ChecklistItem.version_id == checklist.current_version.id)
            .order_by(ChecklistItem.position)
        )
    )
    points = route.checkpoints
    now = utcnow()
    first_run = _next_id(Run)
    runs, answers, scans = [], [], []
    for n in range(total):
        started = now - timedelta(minutes=30 * (total - n))
        run_id = first_run + n
        runs.append(
            {
                "id": run_id,
                "site_id": route.site_id,
                "version_id": checklist.current_version.id,
                "route_id": route.id,
                "inspector_id": inspector,
                "started_at": started,
                "submitted_at": started + timedelta(minutes=25),
                "note": "",
            }
        )
        for k, point in enumerate(points[: 2 + n % 2]):
            scans.append(
                {
                    "run_id": run_id,
                    "checkpoint_id": point.id,
                    "scanned_at": started + timedelta(minutes=3 + 5 * k),
                    "position": point.position,
                    "code": point.code,
                    "name": point.name,
                }
            )
        for item in items:
            answers.append(
                {
                    "run_id": run_id,
                    "item_id": item.id,
                    "passed": rng.random() > 0.1 if item.answer_type == "pass_fail" else None,
                    "value": "",
                    "note": "",
                    "answered_at": started + timedelta(minutes=20),
                }
            )
        if len(answers) >= 5 * BATCH:
            _flush(runs, scans, answers)
    _flush(runs, scans, answers)
    _findings(rng, route, inspector, (first_run, total), round(FINDINGS * scale), now)
    _move_sequences(Run, Scan, Answer, Finding)
    db.session.commit()


def _flush(runs: list, scans: list, answers: list) -> None:
    _insert(Run, runs)
    _insert(Scan, scans)
    _insert(Answer, answers)
    runs.clear(), scans.clear(), answers.clear()


def _findings(rng, route: Route, inspector: int, runs: tuple[int, int], count: int, now) -> None:
    """``count`` findings of the ``runs`` added (first id, how many)."""
    first_run, total = runs
    today = now.date()
    rows = []
    for n in range(count):
        state = rng.choices(("open", "fixed", "verified"), (2, 1, 7))[0]
        rows.append(
            {
                "site_id": route.site_id,
                "run_id": first_run + (n * 4) % total,
                "summary": f"进水口漂浮垃圾未清理 {n}",
                "subject_kind": "patrols.checkpoint",
                "subject_id": route.checkpoints[n % len(route.checkpoints)].id,
                "subject_label": route.checkpoints[n % len(route.checkpoints)].name,
                "severity": "normal",
                "recorded_by_id": inspector,
                "recorded_at": now - timedelta(minutes=7 * (count - n)),
                "owner_id": inspector,
                "deadline": today + timedelta(days=rng.randint(-30, 10)),
                "state": state,
                "fix_note": "",
                "verify_note": "",
            }
        )
    _insert(Finding, rows)


def pages(app: Flask) -> list[Page]:
    # An open run with a few answers: what an inspector reopens on the water.
    route = db.session.scalar(select(Route).where(Route.name == ROUTE))
    checklist = db.session.scalar(select(Checklist).where(Checklist.name == CHECKLIST))
    inspector = db.session.scalar(select(User.id).where(User.username == "inspector"))
    version = checklist.current_version
    run = Run(
        site_id=route.site_id, version_id=version.id, route_id=route.id, inspector_id=inspector
    )
    db.session.add(run)
    db.session.flush()
    first = route.checkpoints[0]
    db.session.add(
        Scan(
            run_id=run.id,
            checkpoint_id=first.id,
            position=first.position,
            code=first.code,
            name=first.name,
        )
    )
    for item in version.items[:2]:
        db.session.add(Answer(run_id=run.id, item_id=item.id, passed=True))
    db.session.commit()
    # Older than the 1,950th newest finding (the old page 40), or the middle one at the
    # hundredth: a keyset page costs what the first does however deep.
    total = db.session.scalar(select(func.count(Finding.id)))
    newest = select(Finding.id).order_by(Finding.recorded_at.desc(), Finding.id.desc())
    deep = f"before={db.session.scalar(newest.offset(min(1949, total // 2)).limit(1))}"
    return [
        Page("run page, inspector", f"/patrols/runs/{run.id}", "inspector"),
        Page("findings, inspector: open", "/patrols/findings?state=open", "inspector"),
        Page("findings, inspector: overdue", "/patrols/findings?state=overdue", "inspector"),
        Page("findings, inspector: all, deep", f"/patrols/findings?state=all&{deep}", "inspector"),
        Page("today's slots, leader", "/patrols/today", "leader"),
    ]
