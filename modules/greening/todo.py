"""What waits for a user in greening, on the home page: counted, never listed.

- a gardener (``greening.work``): her overdue tasks and today's, in the zones she
  answers for today (the roster decides);
- the lead (``greening.manage``): appeals awaiting her decision, and the overdue tasks
  at her sites (to the completion page).
"""

from flask import url_for
from flask_babel import ngettext
from sqlalchemy import func, select

from modules.greening.models import Appeal, Assessment, Deduction, RosterEntry, Round, Task, Zone
from modules.greening.zones import current_entry_id
from parkops.auth.models import User
from parkops.extensions import db
from parkops.registry import TodoItem
from parkops.timeutil import business_day


def _gardener(user: User, today) -> list[TodoItem]:
    overdue, due_today = db.session.execute(
        select(
            func.count().filter(Task.due_on < today),
            func.count().filter(Task.due_on == today),
        )
        .select_from(Task)
        .join(Zone, Zone.id == Task.zone_id)
        .join(RosterEntry, RosterEntry.id == current_entry_id(today))
        .where(RosterEntry.responsible_id == user.id, Task.done_at.is_(None), Task.due_on <= today)
    ).one()
    link, items = url_for("greening.my_tasks"), []
    if overdue:
        text = ngettext(
            "%(num)s maintenance task overdue", "%(num)s maintenance tasks overdue", overdue
        )
        items.append(TodoItem(text, link, overdue=True))
    if due_today:
        text = ngettext(
            "%(num)s maintenance task due today", "%(num)s maintenance tasks due today", due_today
        )
        items.append(TodoItem(text, link))
    return items


def _lead(user: User, today) -> list[TodoItem]:
    waiting = (
        select(func.count())
        .select_from(Appeal)
        .join(Deduction, Deduction.id == Appeal.deduction_id)
        .join(Assessment, Assessment.id == Deduction.assessment_id)
        .join(Round, Round.id == Assessment.round_id)
        .where(Appeal.decision.is_(None))
    )
    overdue = (
        select(func.count())
        .select_from(Task)
        .join(Zone, Zone.id == Task.zone_id)
        .where(Task.done_at.is_(None), Task.due_on < today)
    )
    if user.site_ids is not None:
        waiting = waiting.where(Round.site_id.in_(user.site_ids))
        overdue = overdue.where(Zone.site_id.in_(user.site_ids))
    appeals, late = db.session.scalar(waiting), db.session.scalar(overdue)
    items = []
    if appeals:
        text = ngettext(
            "%(num)s appeal awaits your decision", "%(num)s appeals await your decision", appeals
        )
        items.append(TodoItem(text, url_for("greening.appeals_page")))
    if late:
        text = ngettext(
            "%(num)s maintenance task overdue at your sites",
            "%(num)s maintenance tasks overdue at your sites",
            late,
        )
        items.append(TodoItem(text, url_for("greening.completion", period="week"), overdue=True))
    return items


def todo(user: User) -> list[TodoItem]:
    today = business_day()
    items = _gardener(user, today) if user.can("greening.work") else []
    if user.can("greening.manage"):
        items += _lead(user, today)
    return items
