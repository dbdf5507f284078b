"""Lists of facilities and repair orders, limited to the user's sites.

Orders are paged by keyset (ids below the last one shown), so a page costs
the same with 200,000 orders as with 200: the composite indexes on
``fac_orders`` (site, state, id) and (state, deadline) serve each filter.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, Select, bindparam, exists, select
from sqlalchemy.orm import lazyload, selectinload

from modules.facilities import search
from modules.facilities.models import (
    OPEN_STATES,
    Comment,
    Facility,
    FacilityStatus,
    Inspection,
    OrderState,
    Priority,
    RepairOrder,
    Transition,
    order_assignees,
)
from parkops.auth.access import site_filter
from parkops.auth.models import User
from parkops.extensions import db

PAGE_SIZE = 25
VIEWS = ("mine", "open", "overdue", "all")


@dataclass
class OrderFilter:
    view: str = "open"
    site_id: int | None = None
    type_id: int | None = None
    priority: Priority | None = None
    state: OrderState | None = None
    older_than_days: int | None = None
    before: int | None = None  # keyset cursor: show ids below this one

    def args(self, **changes) -> dict:
        """Query-string arguments for links that keep the filter."""
        values = {
            "view": self.view,
            "site": self.site_id,
            "type": self.type_id,
            "priority": self.priority.value if self.priority else None,
            "state": self.state.value if self.state else None,
            "age": self.older_than_days,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


def order_query(f: OrderFilter, user: User, now: datetime) -> Select:
    """The ids of the orders the filter selects: index-only, so a page is cheap to find."""
    q = select(RepairOrder.id).where(site_filter(RepairOrder.site_id))
    if f.view == "mine":
        q = q.where(
            exists().where(
                order_assignees.c.order_id == RepairOrder.id, order_assignees.c.user_id == user.id
            )
        )
    if f.state is not None:
        q = q.where(RepairOrder.state == f.state)
    elif f.view in ("mine", "open", "overdue"):
        q = q.where(RepairOrder.state.in_(OPEN_STATES))
    if f.view == "overdue":
        q = q.where(RepairOrder.deadline_at < now)
    if f.site_id:
        q = q.where(RepairOrder.site_id == f.site_id)
    if f.type_id:
        q = q.where(
            RepairOrder.facility_id.in_(select(Facility.id).where(Facility.type_id == f.type_id))
        )
    if f.priority:
        q = q.where(RepairOrder.priority == f.priority)
    if f.older_than_days:
        q = q.where(RepairOrder.reported_at < now - timedelta(days=f.older_than_days))
    return q


def order_page(
    f: OrderFilter, user: User, now: datetime, size: int = PAGE_SIZE
) -> tuple[list[RepairOrder], int | None]:
    """One page, newest first, and the cursor of the next page (None on the last).

    First the page's ids (from the indexes alone), then those orders with their
    facility, site and type: the joins run for 25 rows, not for every match. A cursor
    past the end (the older orders closed since) gives the last page: the oldest ones.
    """
    q = order_query(f, user, now)
    older = q.where(RepairOrder.id < f.before) if f.before else q
    ids = db.session.scalars(older.order_by(RepairOrder.id.desc()).limit(size + 1)).all()
    if f.before and not ids:
        ids = db.session.scalars(q.order_by(RepairOrder.id).limit(size)).all()[::-1]
    more = len(ids) > size
    ids = ids[:size]
    rows = db.session.scalars(
        select(RepairOrder)
        .where(RepairOrder.id.in_(ids))
        # the assignees' names are shown, not their roles and sites
        .options(
            selectinload(RepairOrder.assignees).options(
                lazyload(User.role_rows), lazyload(User.sites)
            )
        )
        .order_by(RepairOrder.id.desc())
    ).all()
    return list(rows), (ids[-1] if more and ids else None)


@dataclass
class FacilityFilter:
    site_id: int | None = None
    type_id: int | None = None
    status: FacilityStatus | None = None
    area: str = ""
    text: str = ""

    def args(self) -> dict:
        values = {
            "site": self.site_id,
            "type": self.type_id,
            "status": self.status.value if self.status else None,
            "area": self.area,
            "q": self.text,
        }
        return {k: v for k, v in values.items() if v not in (None, "")}


def facility_query(f: FacilityFilter) -> Select:
    q = select(Facility).where(site_filter(Facility.site_id))
    if f.site_id:
        q = q.where(Facility.site_id == f.site_id)
    if f.type_id:
        q = q.where(Facility.type_id == f.type_id)
    if f.status:
        q = q.where(Facility.status == f.status)
    if f.area:
        q = q.where(Facility.area == f.area)
    if f.text.strip():
        return search.matching(q, f.text.strip())
    return q.order_by(Facility.site_id, Facility.code)


# The facility page's statements, built once (composing them per request cost as much as
# running them): a facility's latest open or closed orders and inspections, newest first.
_ORDER_COLUMNS = (
    RepairOrder.id,
    RepairOrder.state,
    RepairOrder.priority,
    RepairOrder.description,
    RepairOrder.deadline_at,
    RepairOrder.closed_at,
)
_RECENT_ORDERS = {
    open_only: select(*_ORDER_COLUMNS)
    .where(
        RepairOrder.facility_id == bindparam("facility_id"),
        RepairOrder.state.in_(OPEN_STATES) if open_only else RepairOrder.state.not_in(OPEN_STATES),
    )
    .order_by(RepairOrder.id.desc())
    .limit(bindparam("limit"))
    for open_only in (True, False)
}
_RECENT_INSPECTIONS = (
    select(Inspection.id, Inspection.at, Inspection.result, User.display_name)
    .join(User, User.id == Inspection.inspector_id)
    .where(Inspection.facility_id == bindparam("facility_id"))
    .order_by(Inspection.at.desc())
    .limit(bindparam("limit"))
)


def recent_orders(facility_id: int, open_only: bool, limit: int = 5) -> list[Row]:
    """A facility's latest open (or closed) orders, newest first, as its page shows them:
    rows of (id, state, priority, description, deadline_at UTC, closed_at UTC), not
    orders, which would bring their facility with its site and type joined. The
    (facility_id, state) index reads only this facility's orders."""
    params = {"facility_id": facility_id, "limit": limit}
    return list(db.session.execute(_RECENT_ORDERS[open_only], params))


def recent_inspections(facility_id: int, limit: int = 5) -> list[Row]:
    """A facility's latest inspections, newest first: rows of (id, at UTC, result,
    display_name of the inspector), not inspections, which would load each inspector as
    a whole user with their roles and sites. Off the (facility_id, at) index, no sort."""
    params = {"facility_id": facility_id, "limit": limit}
    return list(db.session.execute(_RECENT_INSPECTIONS, params))


def order_history(order_id: int) -> list[Row]:
    """The order's transitions, oldest first, as rows ``(at, from_state, to_state, note,
    by_name)`` (``by_name`` None: a visitor); one statement however long the history."""
    return db.session.execute(
        select(
            Transition.at,
            Transition.from_state,
            Transition.to_state,
            Transition.note,
            User.display_name.label("by_name"),
        )
        .outerjoin(User, User.id == Transition.by_id)
        .where(Transition.order_id == order_id)
        .order_by(Transition.id)
    ).all()


def order_comments(order_id: int) -> list[Row]:
    """The order's comments, oldest first, as rows ``(at, phone, body, author_name)``
    (``author_name`` None: a visitor); one statement however many."""
    return db.session.execute(
        select(Comment.at, Comment.phone, Comment.body, User.display_name.label("author_name"))
        .outerjoin(User, User.id == Comment.author_id)
        .where(Comment.order_id == order_id)
        .order_by(Comment.id)
    ).all()
