"""Scheduled jobs, each idempotent for its period (``parkops.scheduler.once``).

- every morning: follow-ups past their deadline (not yet verified) are escalated to
  each owner and to the leaders of the finding's site (holders of
  ``patrols.oversee``), once per owner and local day;
- every quarter of an hour: scheduled slots whose window closed with no run are
  missed patrols (漏巡): the assignee hears once, the site's leaders once a second
  window later (yesterday's slots are looked at too, so midnight loses none).
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from modules.patrols import schedules
from modules.patrols.findings import overdue_filter
from modules.patrols.models import Finding, Run, Schedule
from parkops.auth.access import users_holding
from parkops.extensions import db
from parkops.notify import deliver, notify
from parkops.scheduler import once
from parkops.timeutil import business_day, local_midnight_utc, to_local, utcnow

LISTED = 20  # findings named in one notice; the link shows the rest


def in_default_language(work: Callable) -> Callable:
    """Jobs run outside any request: they speak the installation's language."""

    @wraps(work)
    def run(*args, **kwargs):
        with force_locale(current_app.config["DEFAULT_LOCALE"]):
            return work(*args, **kwargs)

    return run


@in_default_language
def escalate_overdue_followups(now: datetime | None = None) -> int:
    """Tell each owner of overdue follow-ups, and their site's leaders, once a local day;
    returns the number of notices sent."""
    today = business_day(now or utcnow())
    overdue = db.session.scalars(
        select(Finding)
        .where(overdue_filter(today), Finding.owner_id.is_not(None))
        .order_by(Finding.owner_id, Finding.site_id, Finding.deadline, Finding.id)
    ).all()
    by_owner: dict[tuple[int, int], list[Finding]] = defaultdict(list)
    for finding in overdue:
        by_owner[(finding.owner_id, finding.site_id)].append(finding)
    sent = 0
    with current_app.test_request_context("/"):
        link = url_for("patrols.finding_list", state="overdue")
    for (owner_id, site_id), owned in by_owner.items():
        if not once("patrols.followup_overdue", today.isoformat(), f"{owner_id}:{site_id}"):
            continue
        owner = owned[0].owner
        people = {u.id: u for u in users_holding("patrols.oversee", site_id)}
        people[owner.id] = owner
        listed = "\n".join(f"{f.deadline.isoformat()} {f.summary[:60]}" for f in owned[:LISTED])
        out = notify(
            list(people.values()),
            _(
                "%(name)s: %(n)s follow-ups past their deadline",
                name=owner.display_name,
                n=len(owned),
            ),
            listed,
            link,
        )
        db.session.commit()
        deliver(out)
        sent += 1
    return sent


@in_default_language
def notify_missed_runs(now: datetime | None = None) -> int:
    """Scheduled slots whose window closed with no run: tell the assignee once, and the
    site's leaders once a second window later; returns the notices sent."""
    now = now or utcnow()
    today = business_day(now)
    sent = 0
    with current_app.test_request_context("/"):
        link = url_for("patrols.index")
    since = local_midnight_utc(today - timedelta(days=1))
    for schedule in db.session.scalars(select(Schedule).where(schedules.live_since(since))):
        window = timedelta(minutes=schedule.window_minutes)
        for day in (today - timedelta(days=1), today):
            for due in schedules.slots(schedule, day):
                if not schedule.has_slot(due) or now < due + window or _started(schedule, due):
                    continue
                sent += _tell_missed(schedule, due, now, window, link)
    return sent


def _started(schedule: Schedule, due: datetime) -> bool:
    query = select(Run.id).where(Run.schedule_id == schedule.id, Run.due_at == due)
    return db.session.scalar(query) is not None


def _tell_missed(schedule: Schedule, due: datetime, now: datetime, window, link: str) -> int:
    when = to_local(due).strftime("%Y-%m-%d %H:%M")
    subject = _(
        "Missed patrol: %(checklist)s on %(route)s at %(when)s",
        checklist=schedule.checklist.name,
        route=schedule.route.name,
        when=when,
    )
    period, sent = due.isoformat(), 0
    audiences = [("assignee", schedules.people_of(schedule), due + window)]
    leaders = users_holding("patrols.oversee", schedule.site_id)
    audiences.append(("supervisor", leaders, due + 2 * window))
    for who, users, after in audiences:
        if now >= after and users and once("patrols.missed_run", period, f"{schedule.id}:{who}"):
            out = notify(users, subject, schedule.assigned_to, link)
            db.session.commit()
            deliver(out)
            sent += 1
    return sent
