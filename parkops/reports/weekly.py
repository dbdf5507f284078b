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

from parkops.auth.models import User
from parkops.extensions import db
from parkops.rectification import readings as stored
from parkops.rectification import recurrence
from parkops.rectification.ledger_list import with_people
from parkops.rectification.models import (
    Category,
    Measure,
    Problem,
    ProgressReport,
    Regulation,
    Source,
    Status,
)
from parkops.rectification.services import LedgerFilter, in_ledger_order
from parkops.registry import registry

DONE = (Status.COMPLETED, Status.LONG_TERM)  # a long-term measure is in place, kept up


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


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


def _overdue(deadline: date | None, status: Status, today: date) -> bool:
    """As ``Problem.is_overdue`` and ``Measure.is_overdue``, on plain values."""
    return deadline is not None and deadline < today and status not in DONE


def _problem(p, reports, measures, regulations, readings, risks, today: date) -> dict:
    """One PROBLEM of the report from a row of ``_problem_rows`` and its children's rows."""
    return {
        "id": p.id,
        "code": p.code,
        "title": p.title,
        "category": f"{p.category_number}. {p.category_title}",
        "status": p.status.value,
        "overdue": _overdue(p.deadline, p.status, today),
        "deadline": _day(p.deadline),
        "completed_on": _day(p.completed_on),
        "leader": p.leader or "",
        "department": p.department or "",
        "person": p.person or "",
        "reports": [
            {"on": _day(r.reported_on), "text": r.text, "author": r.author or ""} for r in reports
        ],
        "measures": {
            "done": sum(m.status in DONE for m in measures),
            "total": len(measures),
            "due": [
                {
                    "text": m.text,
                    "deadline": _day(m.deadline),
                    "overdue": _overdue(m.deadline, m.status, today),
                }
                for m in measures
                if m.status not in DONE
            ],
        },
        "regulations": [
            {"title": r.title, "revised": r.revised, "adopted_on": _day(r.adopted_on)}
            for r in regulations
        ],
        "indicators": readings.get(p.code, []),
        "at_risk": [{"label": r.label, "text": r.text} for r in risks],
    }


def _problem_rows(today: date):
    """Every problem in the ledger's order, as plain rows of the columns the report shows
    (ORM objects for two thousand problems and their children cost more than the SQL)."""
    q = with_people(
        Problem.id,
        Problem.code,
        Problem.title,
        Problem.category_number,
        Category.title.label("category_title"),
        Problem.status,
        Problem.deadline,
        Problem.completed_on,
    )
    return db.session.execute(in_ledger_order(q, LedgerFilter(), today)).all()


def _by_problem(q) -> dict[int, list]:
    """Rows of ``q`` (problem_id first) grouped by problem id, in the query's order."""
    grouped = defaultdict(list)
    for row in db.session.execute(q):
        grouped[row.problem_id].append(row)
    return grouped


def generate(week_start: date, today: date) -> dict:
    """The report on the week from ``week_start`` (a Monday) as the ledger stands ``today``."""
    week_end = week_start + timedelta(days=6)
    problems = _problem_rows(today)
    measures = _by_problem(
        select(Measure.problem_id, Measure.text, Measure.deadline, Measure.status).order_by(
            Measure.id
        )
    )
    regulations = _by_problem(
        select(Regulation.problem_id, Regulation.title, Regulation.revised, Regulation.adopted_on)
        .where(Regulation.adopted_on <= week_end)
        .order_by(Regulation.adopted_on, Regulation.id)
    )
    reports = _by_problem(
        select(
            ProgressReport.problem_id,
            ProgressReport.reported_on,
            ProgressReport.text,
            User.display_name.label("author"),
        )
        .outerjoin(User, User.id == ProgressReport.author_id)
        .where(ProgressReport.reported_on.between(week_start, week_end))
        .order_by(ProgressReport.reported_on, ProgressReport.id)
    )
    # Each indicator read once (stored, see parkops.rectification.readings) for both uses.
    figures = stored.figures(list(registry(current_app).indicators), None)
    readings = _readings(figures)
    risks = recurrence.at_risk(None, figures)
    rows = [
        _problem(
            p,
            reports[p.id],
            measures[p.id],
            regulations[p.id],
            readings,
            risks.get(p.id, []),
            today,
        )
        for p in problems
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
