"""The reminder when the week's report is not submitted by its day.

Runs hourly; from the due day and hour (settings) until the week ends, if the
week's report is not submitted, the office (every active holder of reports.write
through a role other than admin) is reminded once per ISO week.
"""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select

from parkops.auth.models import User, UserRole
from parkops.extensions import db
from parkops.notify import deliver, notify
from parkops.rectification.jobs import iso_week
from parkops.reports import services
from parkops.reports.settings import due_day, due_hour
from parkops.scheduler import once
from parkops.timeutil import to_local, utcnow, week_start

JOB = "reports.weekly_due"


def office() -> list[User]:
    granted = current_app.extensions["parkops_role_permissions"]
    roles = [r for r, perms in granted.items() if "reports.write" in perms and r != "admin"]
    return list(
        db.session.scalars(
            select(User)
            .where(User.active, User.role_rows.any(UserRole.role.in_(roles)))
            .order_by(User.id)
        )
    )


def weekly_due_reminder(now: datetime | None = None) -> int:
    """Remind the office when this week's report is late; returns how many were reminded.

    ``now`` is an aware UTC time (the scheduler passes nothing: now).
    """
    local = to_local(now or utcnow())
    week = week_start(local.date())
    due = datetime.combine(week + timedelta(days=due_day() - 1), datetime.min.time()).replace(
        hour=due_hour(), tzinfo=local.tzinfo
    )
    if local < due or services.for_week(week) is not None:
        return 0
    people = office()
    if not people or not once(JOB, iso_week(week), "office"):
        return 0
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        subject = gettext("This week's rectification report is not submitted yet")
        body = gettext(
            "The weekly progress report for the week of %(week)s was due; "
            "generate, review and submit it.",
            week=week.isoformat(),
        )
    link = current_app.url_map.bind("").build("reports.new", {"week": week.isoformat()})
    outgoing = notify(people, subject, body, link)
    db.session.commit()
    deliver(outgoing, webhook=False)
    return len(people)
