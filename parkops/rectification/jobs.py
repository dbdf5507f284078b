"""The weekly reminder: progress reports due on problems not yet completed.

Every Monday morning each responsible person whose open problems had no
progress report in the past 7 days gets one notification listing them (in the
app, by e-mail where configured), and the group chat gets one summary.

Which problems: not started, in progress, and long-term. Long-term problems
(常态化, "kept up as a routine") are never closed, and the ledger keeps
reporting on them weekly like the rest; only completed problems drop out.
Who answers: the responsible person, or the responsible leader when the problem
has no (active) person. Problems with neither are named in the chat summary,
so the office sees that they lack an owner.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale, format_date, gettext, ngettext
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from parkops.auth.models import User
from parkops.extensions import db
from parkops.notify import absolute_url, deliver, notify, post_webhook
from parkops.rectification.models import Problem, ProgressReport, Status
from parkops.scheduler import once
from parkops.timeutil import business_day

JOB = "rectification.weekly_reminder"
OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.LONG_TERM)
WINDOW = timedelta(days=7)


@dataclass
class Due:
    """Who is to be reminded this week, and of what."""

    by_person: dict[User, list[Problem]] = field(default_factory=dict)
    unowned: list[Problem] = field(default_factory=list)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _path(endpoint: str, **values) -> str:
    """A path inside ParkOps, built without a request (the job runs in the scheduler)."""
    return current_app.url_map.bind("").build(endpoint, values)


def _responsible(problem: Problem) -> User | None:
    for user in (problem.person, problem.leader):
        if user is not None and user.active:
            return user
    return None


def due_reports(today: date) -> Due:
    """Open problems without a progress report dated within the 7 days up to ``today``."""
    reported = exists().where(
        ProgressReport.problem_id == Problem.id, ProgressReport.reported_on >= today - WINDOW
    )
    problems = db.session.scalars(
        select(Problem)
        .where(Problem.status.in_(OPEN), ~reported)
        .options(selectinload(Problem.person), selectinload(Problem.leader))
        .order_by(Problem.sort_key)
    ).all()
    by_person: dict[User, list[Problem]] = defaultdict(list)
    unowned = []
    for problem in problems:
        user = _responsible(problem)
        if user is None:
            unowned.append(problem)
        else:
            by_person[user].append(problem)
    return Due(dict(by_person), unowned)


def _day(day: date) -> str:
    return format_date(day, "medium")  # 2026年11月30日 / Nov 30, 2026: the reader's own format


def _message(user: User, problems: list[Problem], today: date) -> tuple[str, str]:
    """Subject and body in the recipient's language."""
    with force_locale(user.locale or current_app.config["DEFAULT_LOCALE"]):
        subject = ngettext(
            "Progress report due on %(num)d problem",
            "Progress reports due on %(num)d problems",
            len(problems),
        )
        lines = [
            gettext(
                "These problems you are responsible for had no progress report "
                "in the past 7 days. Please report this week's progress:"
            ),
            "",
        ]
        for p in problems:
            lines.append(f"• {p.label}")
            if p.deadline and p.is_overdue(today):
                lines.append("  " + gettext("Deadline %(date)s, overdue", date=_day(p.deadline)))
            elif p.deadline:
                lines.append("  " + gettext("Deadline %(date)s", date=_day(p.deadline)))
            lines.append("  " + absolute_url(_path("rectification.problem", problem_id=p.id)))
    return subject, "\n".join(lines)


def _link(user: User, problems: list[Problem]) -> str:
    """One problem: that problem; several: the ledger filtered to the person."""
    if len(problems) == 1:
        return _path("rectification.problem", problem_id=problems[0].id)
    return _path("rectification.index", person=user.id)


def _summary(due: Due, week: str) -> str:
    """The group chat's one post for the week, in the installation's language."""
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        lines = [gettext("Weekly progress reports, %(week)s", week=week)]
        if due.by_person:
            lines.append(gettext("Reminded (problems without a report in the past 7 days):"))
            for user, problems in sorted(due.by_person.items(), key=lambda i: i[0].display_name):
                codes = ", ".join(p.code for p in problems)
                lines.append(f"• {user.display_name}: {codes}")
        if due.unowned:
            codes = ", ".join(p.code for p in due.unowned)
            lines.append(gettext("Without a responsible person: %(codes)s", codes=codes))
        lines.append(absolute_url(_path("rectification.index")))
    return "\n".join(lines)


def weekly_reminder(today: date | None = None) -> int:
    """Remind each responsible person once per ISO week; returns how many were reminded now.

    ``today`` is the local business day (the scheduler passes nothing: today).
    """
    today = today or business_day()
    week = iso_week(today)
    due = due_reports(today)
    # Every text is written first: each claim below commits, which expires the objects.
    letters = [
        (user.id, user, *_message(user, problems, today), _link(user, problems))
        for user, problems in due.by_person.items()
    ]
    summary = _summary(due, week) if due.by_person or due.unowned else None
    reminded = 0
    for user_id, user, subject, body, link in letters:
        if not once(JOB, week, f"user:{user_id}"):
            continue
        outgoing = notify([user], subject, body, link)
        db.session.commit()
        deliver(outgoing, webhook=False)
        reminded += 1
    if summary and current_app.config["WEBHOOK_URL"] and once(JOB, week, "webhook"):
        post_webhook(summary)
    return reminded
