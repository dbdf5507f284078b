"""Overdue decisions: their responsible person (or leader) is reminded once per week."""

from collections import defaultdict
from datetime import date

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from parkops.auth.models import User
from parkops.decisions.models import Decision
from parkops.extensions import db
from parkops.notify import deliver, notify
from parkops.rectification.jobs import iso_week
from parkops.scheduler import once
from parkops.timeutil import business_day

JOB = "decisions.overdue_reminder"


def overdue_reminder(today: date | None = None) -> int:
    """Remind each person with overdue decisions, once per ISO week; returns how many now."""
    today = today or business_day()
    decisions = db.session.scalars(
        select(Decision)
        .where(Decision.done_on.is_(None), Decision.deadline < today)
        .options(selectinload(Decision.person), selectinload(Decision.leader))
        .order_by(Decision.deadline)
    ).all()
    by_person: dict[User, list[Decision]] = defaultdict(list)
    for d in decisions:
        who = next((u for u in (d.person, d.leader) if u is not None and u.active), None)
        if who is not None:
            by_person[who].append(d)
    letters = []
    for user, items in by_person.items():
        with force_locale(user.locale or current_app.config["DEFAULT_LOCALE"]):
            subject = gettext("%(num)d meeting decisions are overdue", num=len(items))
            body = "\n".join(
                f"• {d.text[:80]} ({gettext('deadline')} {d.deadline.isoformat()})" for d in items
            )
        letters.append((user.id, user, subject, body))
    link = current_app.url_map.bind("").build("decisions.index", {"state": "overdue"})
    reminded = 0
    for user_id, user, subject, body in letters:
        if not once(JOB, iso_week(today), f"user:{user_id}"):
            continue
        outgoing = notify([user], subject, body, link)
        db.session.commit()
        deliver(outgoing, webhook=False)
        reminded += 1
    return reminded
