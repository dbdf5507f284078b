"""The weekly progress report (周报), generated from the ledger as it stands.

``generate(week_start)`` returns the report's data: plain JSON-able values, the
same shape whether previewed live or frozen at submission (``WeeklyReport.data``):

    {"week": {"start": "2026-11-23", "end": "2026-11-29"}, "generated_on": "…",
     "totals": {"inspection": RATE, "self": RATE, "categories": [RATE + number, title],
                "measures": {"done", "total"}, "regulations": {"total", "new", "revised",
                "this_week"}, "overdue": n, "at_risk": n},
     "problems": [PROBLEM, …]}   # overdue first, then the ledger's order

    RATE = {"completed", "in_progress", "total", "percent"}
    PROBLEM = {"id", "code", "title", "category", "status", "overdue", "deadline",
               "completed_on", "leader", "department", "person",
               "reports": [{"on", "text", "author"}],          # reported within the week
               "measures": {"done", "total", "due": [{"text", "deadline", "overdue"}]},
               "regulations": [{"title", "revised", "adopted_on"}],   # every adopted one
               "indicators": [{"label", "text", "ok"}], "at_risk": [{"label", "text"}]}

Dates are ISO local dates; statuses are Status values (labels are shown by the
reader's language). A snapshot is what the office sees: every indicator, every
site. Built in a fixed number of queries whatever the ledger's size.
"""

from collections import defaultdict
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from parkops.extensions import db
from parkops.rectification import readings as stored
from parkops.rectification import recurrence
from parkops.rectification.models import (
    Category,
    Measure,
    Problem,
    ProgressReport,
    Regulation,
    Source,
    Status,
)
from parkops.rectification.services import LedgerFilter, ledger_query
from parkops.registry import registry

DONE = (Status.COMPLETED, Status.LONG_TERM)  # a long-term measure is in place, kept up


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _name(user) -> str:
    return user.display_name if user else ""


def _rate(rows: list[tuple[Status, int]]) -> dict:
    counts: dict[Status, int] = defaultdict(int)
    for status, n in rows:
        counts[status] += n
    total = sum(counts.values())
    done = counts[Status.COMPLETED]
    return {
        "completed": done,
        "in_progress": total - done,
        "total": total,
        "percent": round(100 * done / total) if total else 0,
    }


def _totals(week_start: date, week_end: date) -> dict:
    rows = db.session.execute(
        select(Problem.source, Problem.category_number, Problem.status, func.count()).group_by(
            Problem.source, Problem.category_number, Problem.status
        )
    ).all()
    by_source, by_category = defaultdict(list), defaultdict(list)
    for source, category, status, n in rows:
        by_source[source].append((status, n))
        if source == Source.INSPECTION:
            by_category[category].append((status, n))
    categories = db.session.scalars(select(Category).order_by(Category.number)).all()
    measures = db.session.execute(
        select(func.count(), func.count().filter(Measure.status.in_(DONE)))
        .select_from(Measure)
        .join(Problem)
        .where(Problem.source == Source.INSPECTION)
    ).one()
    regulations = db.session.execute(
        select(
            func.count(),
            func.count().filter(Regulation.revised.is_(True)),
            func.count().filter(Regulation.adopted_on.between(week_start, week_end)),
        )
        .select_from(Regulation)
        .join(Problem)
        .where(Problem.source == Source.INSPECTION, Regulation.adopted_on <= week_end)
    ).one()
    return {
        "inspection": _rate(by_source[Source.INSPECTION]),
        "self": _rate(by_source[Source.SELF]),
        "categories": [
            {"number": c.number, "title": c.title, **_rate(by_category[c.number])}
            for c in categories
        ],
        "measures": {"done": measures[1], "total": measures[0]},
        "regulations": {
            "total": regulations[0],
            "new": regulations[0] - regulations[1],
            "revised": regulations[1],
            "this_week": regulations[2],
        },
    }


def _readings(figures: dict) -> dict[str, list[dict]]:
    """Problem code → every indicator's stored figure over every site (failed ones left out)."""
    by_code: dict[str, list[dict]] = defaultdict(list)
    for indicator in registry(current_app).indicators:
        figure = figures[indicator.name]
        if figure.text is None:
            continue
        for code in indicator.problems:
            by_code[code].append(
                {"label": str(indicator.label), "text": figure.text, "ok": figure.ok}
            )
    return by_code


def _problem(p: Problem, reports, readings, risks, today: date, week_end: date) -> dict:
    return {
        "id": p.id,
        "code": p.code,
        "title": p.title,
        "category": f"{p.category.number}. {p.category.title}",
        "status": p.status.value,
        "overdue": p.is_overdue(today),
        "deadline": _day(p.deadline),
        "completed_on": _day(p.completed_on),
        "leader": _name(p.leader),
        "department": p.department.name if p.department else "",
        "person": _name(p.person),
        "reports": [
            {"on": _day(r.reported_on), "text": r.text, "author": _name(r.author)} for r in reports
        ],
        "measures": {
            "done": sum(m.status in DONE for m in p.measures),
            "total": len(p.measures),
            "due": [
                {"text": m.text, "deadline": _day(m.deadline), "overdue": m.is_overdue(today)}
                for m in p.measures
                if m.status not in DONE
            ],
        },
        "regulations": [
            {"title": r.title, "revised": r.revised, "adopted_on": _day(r.adopted_on)}
            for r in p.regulations
            if r.adopted_on <= week_end
        ],
        "indicators": readings.get(p.code, []),
        "at_risk": [{"label": r.label, "text": r.text} for r in risks],
    }


def generate(week_start: date, today: date) -> dict:
    """The report on the week from ``week_start`` (a Monday) as the ledger stands ``today``."""
    week_end = week_start + timedelta(days=6)
    problems = db.session.scalars(
        ledger_query(LedgerFilter(), today).options(
            selectinload(Problem.measures),
            selectinload(Problem.regulations),
        )
    ).all()
    reports = defaultdict(list)
    for r in db.session.scalars(
        select(ProgressReport)
        .where(ProgressReport.reported_on.between(week_start, week_end))
        .options(selectinload(ProgressReport.author))
        .order_by(ProgressReport.reported_on, ProgressReport.id)
    ):
        reports[r.problem_id].append(r)
    # Each indicator read once (stored, see parkops.rectification.readings) for both uses.
    figures = stored.figures(list(registry(current_app).indicators), None)
    readings = _readings(figures)
    risks = recurrence.at_risk(None, figures)
    rows = [
        _problem(p, reports[p.id], readings, risks.get(p.id, []), today, week_end) for p in problems
    ]
    rows.sort(key=lambda row: not row["overdue"])  # stable: overdue first, ledger order kept
    totals = _totals(week_start, week_end)
    totals["overdue"] = sum(row["overdue"] for row in rows)
    totals["at_risk"] = sum(bool(row["at_risk"]) for row in rows)
    return {
        "week": {"start": _day(week_start), "end": _day(week_end)},
        "generated_on": _day(today),
        "totals": totals,
        "problems": rows,
    }
