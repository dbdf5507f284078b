"""Submitting weekly reports (numbered, frozen, audited, sent) and comparing them.

Numbers run 1, 2, … within a year without gaps and in week order: submissions are
serialized (parkops.limits), each takes the year's highest number plus one, and a
week before the newest submitted one is refused.
"""

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from parkops import audit, deciding, limits
from parkops.auth.models import User
from parkops.extensions import db
from parkops.notify import Outgoing, absolute_url, deliver
from parkops.reports import weekly
from parkops.reports.models import WeeklyReport
from parkops.reports.settings import recipients
from parkops.timeutil import week_start as monday


class SubmitError(ValueError):
    """The report cannot be submitted; the message says why (in English, for logs)."""


class LaterWeekSubmitted(SubmitError):
    """A report for a later week is already submitted; ``latest`` is its Monday."""

    def __init__(self, latest: date):
        super().__init__(f"the report for the week of {latest} is already submitted")
        self.latest = latest


def snapshot(data: dict) -> str:
    """The stored form of a report: canonical JSON text, written once."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def data_of(report: WeeklyReport) -> dict:
    return json.loads(report.data)


def for_week(week: date) -> WeeklyReport | None:
    return db.session.scalar(select(WeeklyReport).where(WeeklyReport.week_start == week))


def latest_week() -> date | None:
    """The Monday of the newest submitted report's week, if any."""
    return db.session.scalar(select(func.max(WeeklyReport.week_start)))


def too_late(week: date) -> date | None:
    """The newest submitted week when ``week`` lies before it, else None.

    Reports are numbered and compared in week order, and a report's figures are the
    ledger as it stands when generated: a report for a week before one already
    submitted would be numbered after it and show figures that week never had.
    """
    latest = latest_week()
    return latest if latest is not None and week < latest else None


def submit(week: date, covering_note: str, user: User, today: date) -> WeeklyReport:
    """Freeze the report on the week starting ``week`` (a Monday), number it, audit it.

    SubmitError when the note is empty or the week is not a Monday or lies ahead;
    ``deciding.AlreadyDecided`` (who, when) when the week's report is submitted already
    (two at once: the second waits for the first); LaterWeekSubmitted when a later
    week's is.
    Commits, then sends it to the recipients.
    """
    note = covering_note.strip()
    if not note:
        raise SubmitError("a covering note is required")
    if monday(week) != week or week > today:
        raise SubmitError("the week must be a past or current week's Monday")
    data = snapshot(weekly.generate(week, today))
    db.session.commit()  # the lock must be the first write of its transaction (SQLite)
    # One submission at a time: the checks below and the number depend on the others.
    limits.serialize("reports.weekly_submit")
    if (existing := for_week(week)) is not None:
        refusal = gettext(
            "This week's report was submitted already, by %(name)s at %(time)s.",
            **deciding.who_when(existing.submitted_by_id, existing.submitted_at),
        )
        db.session.rollback()
        raise deciding.AlreadyDecided(refusal)
    latest = too_late(week)
    if latest is not None:
        db.session.rollback()
        raise LaterWeekSubmitted(latest)
    number = (
        db.session.scalar(
            select(func.max(WeeklyReport.number)).where(WeeklyReport.year == week.year)
        )
        or 0
    ) + 1
    report = WeeklyReport(
        year=week.year,
        number=number,
        week_start=week,
        covering_note=note,
        data=data,
        submitted_by_id=user.id,
    )
    db.session.add(report)
    db.session.flush()
    audit.record(
        "reports.weekly_submitted",
        "weekly_report",
        report.id,
        {"year": week.year, "number": number, "week": week.isoformat()},
        actor=user,
    )
    db.session.commit()
    _send(report)
    return report


def _send(report: WeeklyReport) -> None:
    """E-mail the configured recipients and post to the group chat, with a link."""
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        subject = gettext(
            "Rectification weekly report no. %(number)s of %(year)s",
            number=report.number,
            year=report.year,
        )
        totals = data_of(report)["totals"]["inspection"]
        body = "\n".join(
            [
                gettext(
                    "%(done)s of %(total)s problems completed (%(percent)s%%), "
                    "%(open)s in progress.",
                    done=totals["completed"],
                    total=totals["total"],
                    percent=totals["percent"],
                    open=totals["in_progress"],
                ),
                "",
                report.covering_note,
            ]
        )
    path = current_app.url_map.bind("").build("reports.show", {"report_id": report.id})
    deliver(Outgoing(recipients(), subject, body, absolute_url(path)))


def previous(report: WeeklyReport) -> WeeklyReport | None:
    return db.session.scalar(
        select(WeeklyReport)
        .where(WeeklyReport.week_start < report.week_start)
        .order_by(WeeklyReport.week_start.desc())
        .limit(1)
    )


@dataclass
class Comparison:
    """What changed between two reports' snapshots, by problem code."""

    statuses: list[tuple[str, str, str, str]] = field(default_factory=list)  # code, title, old, new
    completed: list[tuple[str, str]] = field(default_factory=list)  # newly completed
    overdue: list[tuple[str, str]] = field(default_factory=list)  # newly overdue
    added: list[tuple[str, str]] = field(default_factory=list)  # problems new to the ledger
    counts: list[tuple[str, int, int]] = field(default_factory=list)  # key, before, now


def compare(before: dict, now: dict) -> Comparison:
    """The changes from ``before`` to ``now`` (two reports' data)."""
    old = {p["code"]: p for p in before["problems"]}
    result = Comparison()
    for p in now["problems"]:
        was = old.get(p["code"])
        if was is None:
            result.added.append((p["code"], p["title"]))
            continue
        if was["status"] != p["status"]:
            result.statuses.append((p["code"], p["title"], was["status"], p["status"]))
            if p["status"] == "completed":
                result.completed.append((p["code"], p["title"]))
        if p["overdue"] and not was["overdue"]:
            result.overdue.append((p["code"], p["title"]))
    t0, t1 = before["totals"], now["totals"]
    result.counts = [
        ("completed", t0["inspection"]["completed"], t1["inspection"]["completed"]),
        ("in_progress", t0["inspection"]["in_progress"], t1["inspection"]["in_progress"]),
        ("percent", t0["inspection"]["percent"], t1["inspection"]["percent"]),
        ("self_completed", t0["self"]["completed"], t1["self"]["completed"]),
        ("measures_done", t0["measures"]["done"], t1["measures"]["done"]),
        ("regulations", t0["regulations"]["total"], t1["regulations"]["total"]),
        ("overdue", t0["overdue"], t1["overdue"]),
    ]
    return result


def recent_weeks(today: date, count: int = 8) -> list[date]:
    """The Mondays of this week and the ``count - 1`` before it, newest first."""
    this = monday(today)
    return [this - timedelta(weeks=n) for n in range(count)]
