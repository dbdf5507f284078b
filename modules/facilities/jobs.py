"""Scheduled jobs, each idempotent for its period (``parkops.scheduler.once``).

- every evening: the squad lead and the supervisors of each site hear which
  facilities were due today and are still not inspected (once per site and day);
- every hour: repair orders past their deadline are escalated to the same people
  and the assignees (once per hour for the run, and once ever per order).
"""

from collections import defaultdict
from datetime import datetime

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from modules.facilities.models import OPEN_STATES, Escalation, Facility, RepairOrder, SquadLead
from modules.facilities.texts import in_default_language
from parkops.auth.access import users_holding
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.notify import deliver, notify
from parkops.scheduler import once
from parkops.timeutil import business_day, to_local, utcnow

LISTED = 20  # codes named in a notice; the link shows the rest


def _link(endpoint: str, **values) -> str:
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)


def recipients(site_id: int, extra: list[User] = ()) -> list[User]:
    """The site's squad lead and its supervisors (holders of facilities.verify), once each."""
    people: dict[int, User] = {}
    lead = db.session.get(SquadLead, site_id)
    if lead is not None and lead.user.active:
        people[lead.user.id] = lead.user
    for user in [*users_holding("facilities.verify", site_id), *extra]:
        people.setdefault(user.id, user)
    return list(people.values())


@in_default_language
def evening_due_notice(now: datetime | None = None) -> int:
    """Notify about facilities due today and not inspected; returns the notices sent."""
    today = business_day(now or utcnow())
    sent = 0
    for site in db.session.scalars(select(Site).where(Site.active).order_by(Site.id)):
        due_filter = (Facility.site_id == site.id, Facility.due_on <= today)
        count = db.session.scalar(select(func.count()).select_from(Facility).where(*due_filter))
        if not count:
            continue
        if not once("facilities.due_notice", today.isoformat(), f"site:{site.id}"):
            continue
        codes = db.session.scalars(
            select(Facility.code).where(*due_filter).order_by(Facility.code).limit(LISTED)
        ).all()
        more = f" …(+{count - len(codes)})" if count > len(codes) else ""
        out = notify(
            recipients(site.id),
            _("%(site)s: %(n)s facilities due today are not inspected", site=site.name, n=count),
            ", ".join(codes) + more,
            _link("facilities.patrol_view", site=site.id),
        )
        db.session.commit()
        deliver(out)
        sent += 1
    return sent


@in_default_language
def escalate_overdue(now: datetime | None = None) -> int:
    """Escalate orders past their deadline; returns how many orders were escalated."""
    now = now or utcnow()
    if not once("facilities.escalate", to_local(now).strftime("%Y-%m-%dT%H")):
        return 0
    overdue = db.session.scalars(
        select(RepairOrder)
        .where(
            RepairOrder.state.in_(OPEN_STATES),
            RepairOrder.deadline_at < now,
            ~exists().where(Escalation.order_id == RepairOrder.id),
        )
        .order_by(RepairOrder.site_id, RepairOrder.deadline_at)
    ).all()
    by_site: dict[int, list[RepairOrder]] = defaultdict(list)
    for order in overdue:
        db.session.add(Escalation(order_id=order.id, at=now))
        by_site[order.site_id].append(order)
    outgoing = []
    for site_id, site_orders in by_site.items():
        assignees = [u for o in site_orders for u in o.assignees]
        listed = "\n".join(
            f"#{o.id} {o.facility.code} {o.facility.name}: {o.description[:60]}"
            for o in site_orders[:LISTED]
        )
        outgoing.append(
            notify(
                recipients(site_id, assignees),
                _("%(n)s repair orders are past their deadline", n=len(site_orders)),
                listed,
                _link("facilities.orders_list", view="overdue", site=site_id),
            )
        )
    db.session.commit()
    for out in outgoing:
        deliver(out)
    return len(overdue)
