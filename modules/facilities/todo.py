"""What waits for a user in facilities: the crew's orders and the supervisors' checks.
Counted, never listed, so the home page stays cheap."""

from flask import url_for
from flask_babel import ngettext
from sqlalchemy import case, exists, func, select

from modules.facilities.models import OrderState, RepairOrder, SquadLead, order_assignees
from parkops.auth.models import User
from parkops.db import utcnow
from parkops.extensions import db
from parkops.registry import TodoItem


def _counts(*where, site_ids: set[int] | None) -> tuple[int, int]:
    """(orders, of which past their deadline) among the user's sites' orders."""
    late = func.count(case((RepairOrder.deadline_at < utcnow(), 1)))
    q = select(func.count(), late).where(*where)
    if site_ids is not None:
        q = q.where(RepairOrder.site_id.in_(site_ids))
    return tuple(db.session.execute(q).one())


def _item(text: str, counts: tuple[int, int], **args) -> list[TodoItem]:
    if not counts[0]:
        return []
    return [TodoItem(text, url_for("facilities.orders_list", **args), overdue=counts[1] > 0)]


def todo(user: User) -> list[TodoItem]:
    items = []
    if user.can("facilities.repair"):
        mine = _counts(
            RepairOrder.state.in_((OrderState.ASSIGNED, OrderState.IN_PROGRESS)),
            exists().where(
                order_assignees.c.order_id == RepairOrder.id, order_assignees.c.user_id == user.id
            ),
            site_ids=user.site_ids,
        )
        text = ngettext(
            "%(num)s repair order assigned to you", "%(num)s repair orders assigned to you", mine[0]
        )
        items += _item(text, mine, view="mine")
        reported = _counts(RepairOrder.state == OrderState.REPORTED, site_ids=user.site_ids)
        text = ngettext(
            "%(num)s reported problem waits for the crew",
            "%(num)s reported problems wait for the crew",
            reported[0],
        )
        items += _item(text, reported, view="all", state=OrderState.REPORTED.value)
    # Supervisors verify at their sites; a squad lead at the sites she leads.
    if user.can("facilities.verify"):
        sites = user.site_ids
    else:
        sites = set(
            db.session.scalars(select(SquadLead.site_id).where(SquadLead.user_id == user.id))
        )
    if sites is None or sites:
        repaired = _counts(
            RepairOrder.state == OrderState.REPAIRED,
            RepairOrder.repaired_by_id != user.id,  # four eyes
            site_ids=sites,
        )
        text = ngettext(
            "%(num)s repair waits for your check",
            "%(num)s repairs wait for your check",
            repaired[0],
        )
        items += _item(text, repaired, view="all", state=OrderState.REPAIRED.value)
    return items
