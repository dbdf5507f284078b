"""A spoiled printed ticket: the seller keeps it and asks for its void; a supervisor decides
(four_eyes.may_decide_void).
"""

from flask_babel import gettext as _
from sqlalchemy import select

from modules.ticketing import four_eyes
from modules.ticketing.errors import TicketingError
from modules.ticketing.models import (
    Product,
    SalesLine,
    SaleStatus,
    SerialVoid,
    Shift,
    ShiftStatus,
    VoidStatus,
)
from modules.ticketing.pages import page_path, shift_path
from parkops import audit, deciding, idempotency
from parkops.auth.models import User
from parkops.db import utcnow
from parkops.extensions import db


def request_void(
    shift: Shift,
    product: Product,
    serial: int,
    reason: str,
    actor: User,
    retry_key: str | None = None,
) -> SerialVoid:
    """The seller keeps the spoiled ticket and asks a supervisor to approve its void."""
    reason = reason.strip()
    if len(reason) < 2:
        raise TicketingError(_("Say why the ticket is spoiled."))
    if shift.status != ShiftStatus.OPEN:
        raise TicketingError(_("The shift is no longer open."))
    issue = next(
        (
            i
            for i in shift.issues
            if i.product_id == product.id and i.first_serial <= serial <= i.held_last
        ),
        None,
    )
    if issue is None:
        raise TicketingError(
            _("Serial %(serial)s is not in a range this shift holds.", serial=serial)
        )
    if db.session.scalar(
        select(SalesLine.id).where(
            SalesLine.product_id == product.id,
            SalesLine.serial == serial,
            SalesLine.status == SaleStatus.SOLD,
        )
    ):
        raise TicketingError(_("Serial %(serial)s is recorded as sold.", serial=serial))
    if db.session.scalar(
        select(SerialVoid.id).where(
            SerialVoid.product_id == product.id,
            SerialVoid.serial == serial,
            SerialVoid.status != VoidStatus.REJECTED,
        )
    ):
        raise TicketingError(_("Serial %(serial)s is already voided.", serial=serial))
    void = SerialVoid(
        site_id=shift.site_id,
        product_id=product.id,
        issue_id=issue.id,
        shift_id=shift.id,
        serial=serial,
        reason=reason[:300],
        requested_by_id=actor.id,
    )
    db.session.add(void)
    db.session.flush()
    audit.record(
        "ticketing.void_requested",
        "serial_void",
        void.id,
        {"product": product.code, "serial": serial, "reason": reason},
        actor=actor,
    )
    idempotency.remember(retry_key, shift_path(shift), actor.id)
    db.session.commit()
    return void


def decide_void(
    void: SerialVoid,
    approve: bool,
    actor: User,
    retry_key: str | None = None,
    back: str | None = None,
) -> None:
    """Approve or reject a pending void; a repeat of the post (``retry_key``) lands on
    ``back`` (a local path; the approvals page by default)."""
    deciding.once(
        void,
        lambda v: v.status == VoidStatus.PENDING,
        lambda v: _(
            "This void was already decided, by %(name)s at %(time)s.",
            **deciding.who_when(v.decided_by_id, v.decided_at),
        ),
    )
    if not four_eyes.may_decide_void(actor, void):
        raise TicketingError(_("A void is approved by a supervisor, not by the seller."))
    if void.shift.status != ShiftStatus.OPEN:
        raise TicketingError(_("The shift is no longer open."))
    void.status = VoidStatus.APPROVED if approve else VoidStatus.REJECTED
    void.decided_by_id = actor.id
    void.decided_at = utcnow()
    audit.record(
        "ticketing.void_approved" if approve else "ticketing.void_rejected",
        "serial_void",
        void.id,
        {"serial": void.serial},
        actor=actor,
    )
    idempotency.remember(retry_key, back or page_path("ticketing.approvals"), actor.id)
    db.session.commit()


def pending_voids(site_ids: set[int] | None) -> list[SerialVoid]:
    q = select(SerialVoid).where(SerialVoid.status == VoidStatus.PENDING)
    if site_ids is not None:
        q = q.where(SerialVoid.site_id.in_(site_ids))
    return list(db.session.scalars(q.order_by(SerialVoid.requested_at)))
