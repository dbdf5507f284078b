"""Reminders (the core's notifications: in-app, e-mail, the group robot), each at most
once per period through ``parkops.scheduler.once``:

- ``overdue_tasks``, each morning: every gardener with overdue tasks in the zones she
  answers for today hears once that local day, the tasks listed;
- ``rounds_opened``, every quarter of an hour: the assessors of a site hear once per
  round that it opened (rounds opened in the last two days, still open);
- ``appeals_possible``, every quarter of an hour: the person recorded as answering for
  an assessed zone hears once per deduction that she may appeal it, and until which
  local day (deductions in open rounds, still within the window, not yet appealed).
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from flask import current_app, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from modules.greening import appeals
from modules.greening.models import (
    Appeal,
    Assessment,
    Deduction,
    RosterEntry,
    Round,
    RuleItem,
    Task,
    Zone,
)
from modules.greening.zones import current_entry_id
from parkops.auth.access import users_holding
from parkops.auth.models import User
from parkops.extensions import db
from parkops.notify import deliver, notify
from parkops.scheduler import once
from parkops.timeutil import business_day, local_midnight_utc, utcnow

LISTED = 20  # tasks named in one notice; the link shows the rest
ROUND_NOTICE_DAYS = 2  # a round opened longer ago than this is not announced any more


def in_default_language(work: Callable) -> Callable:
    """Jobs run outside any request: they speak the installation's language."""

    @wraps(work)
    def run(*args, **kwargs):
        with force_locale(current_app.config["DEFAULT_LOCALE"]):
            return work(*args, **kwargs)

    return run


def _link(endpoint: str, **args) -> str:
    with current_app.test_request_context("/"):
        return url_for(endpoint, **args)


@in_default_language
def overdue_tasks(now: datetime | None = None) -> int:
    """Tell each gardener her overdue tasks, once a local day; returns notices sent."""
    today = business_day(now or utcnow())
    rows = db.session.execute(
        select(RosterEntry.responsible_id, Task.title, Task.due_on, Zone.code)
        .join(Zone, Zone.id == Task.zone_id)
        .join(RosterEntry, RosterEntry.id == current_entry_id(today))
        .where(Task.done_at.is_(None), Task.due_on < today)
        .order_by(RosterEntry.responsible_id, Task.due_on, Zone.code, Task.id)
    ).all()
    by_person: dict[int, list] = defaultdict(list)
    for person_id, title, due_on, code in rows:
        by_person[person_id].append((title, due_on, code))
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(by_person)))}
    link, sent = _link("greening.my_tasks"), 0
    for person_id, listed in by_person.items():
        if not once("greening.overdue_tasks", today.isoformat(), str(person_id)):
            continue
        lines = [f"{due_on.isoformat()} {code} {title}" for title, due_on, code in listed]
        body = "\n".join(lines[:LISTED] + (["…"] if len(lines) > LISTED else []))
        out = notify(
            [people[person_id]],
            ngettext(
                "%(num)s maintenance task overdue", "%(num)s maintenance tasks overdue", len(listed)
            ),
            body,
            link,
        )
        db.session.commit()
        deliver(out, webhook=False)
        sent += 1
    return sent


@in_default_language
def rounds_opened(now: datetime | None = None) -> int:
    """Tell the assessors of a site that its round opened, once per round; returns
    notices sent."""
    now = now or utcnow()
    since = local_midnight_utc(business_day(now) - timedelta(days=ROUND_NOTICE_DAYS))
    sent = 0
    for round_ in db.session.scalars(
        select(Round).where(Round.closed_at.is_(None), Round.opened_at >= since)
    ):
        if not once("greening.round_opened", "round", str(round_.id)):
            continue
        out = notify(
            users_holding("greening.assess", round_.site_id),
            _(
                "Assessment round %(month)s opened at %(site)s",
                month=round_.label,
                site=round_.site.name,
            ),
            _("Score its zones on your phone."),
            _link("greening.round", round_id=round_.id),
        )
        db.session.commit()
        deliver(out, webhook=False)
        sent += 1
    return sent


@in_default_language
def appeals_possible(now: datetime | None = None) -> int:
    """Tell the person recorded as answering for a zone of each deduction she may still
    appeal, once per deduction, with the last day; returns notices sent."""
    today = business_day(now or utcnow())
    days = appeals.appeal_days()
    earliest = local_midnight_utc(today - timedelta(days=days))
    rows = db.session.execute(
        select(Deduction, Assessment, RuleItem.name, Zone.code, Zone.name, Round.id)
        .join(Assessment, Assessment.id == Deduction.assessment_id)
        .join(Round, Round.id == Assessment.round_id)
        .join(Zone, Zone.id == Assessment.zone_id)
        .join(RuleItem, RuleItem.id == Deduction.item_id)
        .outerjoin(Appeal, Appeal.deduction_id == Deduction.id)
        .where(
            Round.closed_at.is_(None),
            Assessment.responsible_id.is_not(None),
            Deduction.recorded_at >= earliest,
            Deduction.withdrawn_at.is_(None),  # withdrawn: nothing left to appeal
            Appeal.id.is_(None),
        )
        .order_by(Deduction.id)
    ).all()
    sent = 0
    for deduction, assessment, item, code, name, round_id in rows:
        last_day = business_day(deduction.recorded_at) + timedelta(days=days)
        if last_day < today or not once("greening.appeal_possible", "deduction", str(deduction.id)):
            continue
        out = notify(
            [assessment.responsible],
            _(
                "%(zone)s: %(points)s points deducted for %(item)s; appeal by %(day)s",
                zone=f"{code} {name}",
                points=deduction.points,
                item=item,
                day=last_day.isoformat(),
            ),
            deduction.note,
            _link("greening.assess_zone", round_id=round_id, zone_id=assessment.zone_id),
        )
        db.session.commit()
        deliver(out, webhook=False)
        sent += 1
    return sent
