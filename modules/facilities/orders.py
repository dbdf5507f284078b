"""A repair order's life: reported → assigned → in progress → repaired → verified, or rejected.

Each step is a public function, one transaction, recorded as a Transition (who,
when). The caller passes the version of the order it showed the user: if someone
else changed the order since, ``Conflict`` is raised and nothing is written.
Who may take which step is decided here (``allowed``), for views and templates alike.
"""

import functools
import re
from collections.abc import Callable
from typing import ParamSpec

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage

from modules.facilities.errors import FacilityError
from modules.facilities.models import (
    Comment,
    OrderState,
    Part,
    RejectReason,
    RepairOrder,
    Transition,
)
from modules.facilities.photos import MAX_PHOTOS, PHOTO_AFTER, PHOTO_BEFORE, attach_photos
from modules.facilities.registry import crew_of_site, is_squad_lead, refresh_status, remember
from parkops import audit
from parkops.auth.models import User
from parkops.extensions import db
from parkops.money import MoneyError, parse_yuan
from parkops.notify import deliver, notify
from parkops.timeutil import utcnow

MAX_LABOUR_MINUTES = 7 * 24 * 60
# A part's quantity: a number above 0, then an optional unit ("2", "0.5", "3 m", "1 set");
# also the quantity input's HTML pattern, so the phone refuses "-3" and "0" before posting.
QUANTITY_PATTERN = r"\s*(0*[1-9][0-9]*(\.[0-9]+)?|0*\.[0-9]*[1-9][0-9]*)(\s*[^0-9\s.,\-].*)?"
P = ParamSpec("P")


class Conflict(Exception):
    """Someone else changed the order first; the user must reload."""


class NotAllowed(Exception):
    """This user may not take this step on this order (now)."""


def _is_supervisor(user: User, order: RepairOrder) -> bool:
    return user.can("facilities.verify") or is_squad_lead(user, order.site_id)


def _works_on(user: User, order: RepairOrder) -> bool:
    return user.can("facilities.repair") and (
        any(a.id == user.id for a in order.assignees) or is_squad_lead(user, order.site_id)
    )


def allowed(user: User, order: RepairOrder) -> set[str]:
    """The steps ``user`` may take on ``order`` in its present state."""
    if not user.is_authenticated or not user.can_see_site(order.site_id):
        return set()
    steps: set[str] = set()
    state = order.state
    if user.can("facilities.view"):
        steps.add("comment")
    if user.can("facilities.repair") and order.is_open:
        steps.update({"assign", "part", "photo"})
    supervisor = _is_supervisor(user, order)
    if state in (OrderState.REPORTED, OrderState.ASSIGNED) and supervisor:
        steps.add("reject")
    # The repair itself belongs to the crew working on it: supervisors check, not repair.
    if state == OrderState.ASSIGNED and _works_on(user, order):
        steps.add("start")
    if state == OrderState.IN_PROGRESS and _works_on(user, order):
        steps.add("repaired")
    # Four eyes: whoever marked it repaired does not verify it.
    if (
        state == OrderState.REPAIRED
        and user.id != order.repaired_by_id
        and (supervisor or user.id == order.reported_by_id)
    ):
        steps.update({"verify", "reopen"})
    return steps


def _begin(order: RepairOrder, user: User, step: str, version: int | None) -> None:
    if version is None or version != order.version:
        raise Conflict()
    if step not in allowed(user, order):
        raise NotAllowed()


def _finish(order: RepairOrder, user: User, key: str | None) -> None:
    """Refresh the facility, remember the idempotency key and commit."""
    refresh_status(order.facility)
    remember(key, user.id, "facilities.order", id=order.id)
    db.session.commit()


def _step(function: Callable[P, None]) -> Callable[P, None]:
    """A lifecycle step whose order row changed under it is a Conflict, wherever that shows.

    The versioned UPDATE may be flushed by any statement of the step (the audit
    entry's, a notification's) or by the commit; a concurrent step makes it match
    no row (StaleDataError). Nothing of the step is kept.
    """

    @functools.wraps(function)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            function(*args, **kwargs)
        except StaleDataError as exc:
            db.session.rollback()
            raise Conflict() from exc

    return guarded


def _move(order: RepairOrder, to: OrderState, user: User, note: str = "") -> None:
    db.session.add(
        Transition(order_id=order.id, from_state=order.state, to_state=to, by_id=user.id, note=note)
    )
    order.state = to


@_step
def assign(
    order: RepairOrder, user: User, version: int | None, assignee_ids: list[int], key: str | None
) -> None:
    _begin(order, user, "assign", version)
    crew = {u.id: u for u in crew_of_site(order.site_id)}
    chosen = [crew[i] for i in dict.fromkeys(assignee_ids) if i in crew]
    if not chosen or len(chosen) != len(set(assignee_ids)):
        raise FacilityError(_("Choose one or more members of this site's repair squad."))
    names = ", ".join(u.display_name for u in chosen)
    order.assignees = chosen
    if order.state == OrderState.REPORTED:
        _move(order, OrderState.ASSIGNED, user, names)
    else:  # re-assignment: recorded as a step that keeps the state
        _move(order, order.state, user, _("Reassigned to %(names)s", names=names))
    out = notify(
        [u for u in chosen if u.id != user.id],
        _("Repair order %(id)s assigned to you", id=order.id),
        f"{order.facility.code} {order.facility.name}: {order.description[:200]}",
        url_for("facilities.order", id=order.id),
    )
    _finish(order, user, key)
    deliver(out)


@_step
def start(
    order: RepairOrder, user: User, version: int | None, photos: list[FileStorage], key: str | None
) -> None:
    _begin(order, user, "start", version)
    _check_photos(photos)
    attach_photos(photos, PHOTO_BEFORE, order.id, user.id)
    _move(order, OrderState.IN_PROGRESS, user)
    _finish(order, user, key)


@_step
def mark_repaired(
    order: RepairOrder,
    user: User,
    version: int | None,
    labour_minutes: int,
    note: str,
    photos: list[FileStorage],
    key: str | None,
) -> None:
    _begin(order, user, "repaired", version)
    note = note.strip()
    if not note:
        raise FacilityError(_("Say what was done."))
    if not 0 <= labour_minutes <= MAX_LABOUR_MINUTES:
        raise FacilityError(_("Labour time must be between 0 and 10080 minutes."))
    _check_photos(photos)
    attach_photos(photos, PHOTO_AFTER, order.id, user.id)
    order.labour_minutes = labour_minutes
    order.completion_note = note
    order.repaired_at = utcnow()
    order.repaired_by_id = user.id
    _move(order, OrderState.REPAIRED, user, note)
    _finish(order, user, key)


@_step
def verify(order: RepairOrder, user: User, version: int | None, key: str | None) -> None:
    _begin(order, user, "verify", version)
    order.verified_by_id = user.id
    order.closed_at = utcnow()
    _move(order, OrderState.VERIFIED, user)
    audit.record("facilities.order_verified", "repair_order", order.id, {}, user)
    _finish(order, user, key)


@_step
def reopen(order: RepairOrder, user: User, version: int | None, note: str, key: str | None) -> None:
    """Verification refused: back to the crew, with the reason."""
    _begin(order, user, "reopen", version)
    note = note.strip()
    if not note:
        raise FacilityError(_("Say what is still wrong."))
    # The refused repair's note stays in the history (its REPAIRED step), not as current.
    order.repaired_at, order.repaired_by_id, order.completion_note = None, None, ""
    _move(order, OrderState.IN_PROGRESS, user, note)
    _finish(order, user, key)


@_step
def reject(
    order: RepairOrder,
    user: User,
    version: int | None,
    reason: RejectReason,
    note: str,
    key: str | None,
) -> None:
    _begin(order, user, "reject", version)
    note = note.strip()
    if not note:
        raise FacilityError(_("Give the reason for rejecting the report."))
    order.reject_reason = reason
    order.closed_at = utcnow()
    _move(order, OrderState.REJECTED, user, note)
    audit.record(
        "facilities.order_rejected", "repair_order", order.id, {"reason": reason.value}, user
    )
    _finish(order, user, key)


def add_part(
    order: RepairOrder,
    user: User,
    description: str,
    quantity: str,
    cost: str,
    key: str | None,
) -> None:
    if "part" not in allowed(user, order):
        raise NotAllowed()
    description = description.strip()
    if not description:
        raise FacilityError(_("Name the part or material."))
    if quantity.strip() and not re.fullmatch(QUANTITY_PATTERN, quantity):
        raise FacilityError(_("The quantity is a number above 0, then a unit if any (2, 3 m)."))
    try:
        cost_fen = parse_yuan(cost or "0")
    except MoneyError as exc:
        raise FacilityError(_("The cost is not an amount of money (e.g. 35.50).")) from exc
    if cost_fen < 0:
        raise FacilityError(_("The cost cannot be negative."))
    db.session.add(
        Part(
            order_id=order.id,
            description=description,
            quantity=quantity.strip(),
            cost_fen=cost_fen,
            added_by_id=user.id,
        )
    )
    remember(key, user.id, "facilities.order", id=order.id)
    db.session.commit()


def add_comment(order: RepairOrder, user: User, body: str, key: str | None) -> None:
    if "comment" not in allowed(user, order):
        raise NotAllowed()
    body = body.strip()
    if not body:
        raise FacilityError(_("The comment is empty."))
    db.session.add(Comment(order_id=order.id, author_id=user.id, body=body))
    remember(key, user.id, "facilities.order", id=order.id)
    db.session.commit()


def add_photos(
    order: RepairOrder, user: User, after: bool, photos: list[FileStorage], key: str | None
) -> None:
    if "photo" not in allowed(user, order):
        raise NotAllowed()
    if not photos:
        raise FacilityError(_("Choose a photo."))
    _check_photos(photos)
    attach_photos(photos, PHOTO_AFTER if after else PHOTO_BEFORE, order.id, user.id)
    remember(key, user.id, "facilities.order", id=order.id)
    db.session.commit()


def _check_photos(photos: list[FileStorage]) -> None:
    if len(photos) > MAX_PHOTOS:
        raise FacilityError(_("At most %(n)s photos.", n=MAX_PHOTOS))


def transitions_by(order_ids: list[int]) -> dict[int, list[Transition]]:
    found: dict[int, list[Transition]] = {i: [] for i in order_ids}
    for t in db.session.scalars(
        select(Transition).where(Transition.order_id.in_(order_ids)).order_by(Transition.id)
    ):
        found[t.order_id].append(t)
    return found
