"""领票 / 缴回: a serial range handed from the store to a seller's shift, its remainder returned."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from modules.ticketing.errors import TicketingError
from modules.ticketing.models import (
    Product,
    SalesLine,
    SaleStatus,
    SerialVoid,
    Shift,
    ShiftStatus,
    StockIssue,
    StockRoll,
    VoidStatus,
)
from modules.ticketing.pages import shift_path
from modules.ticketing.stock.counts import held_last
from modules.ticketing.stock.repricing import reprice_range
from modules.ticketing.stock.rolls import check_bounds
from parkops import audit, deciding, idempotency
from parkops.auth.models import User
from parkops.db import utcnow
from parkops.extensions import db
from parkops.money import format_fen


def issue_range(
    shift: Shift, product: Product, first: int, last: int, actor: User, retry_key: str | None = None
) -> StockIssue:
    """Hand serials first..last from the store to the seller of an open shift."""
    if shift.status != ShiftStatus.OPEN:
        raise TicketingError(_("The shift is no longer open."))
    if product.site_id != shift.site_id or not product.active:
        raise TicketingError(_("This product is not sold at this site."))
    if not product.serialised:
        raise TicketingError(_("%(name)s is not sold from printed stock.", name=product.name))
    check_bounds(first, last)
    roll = db.session.scalar(
        select(StockRoll).where(
            StockRoll.product_id == product.id,
            StockRoll.first_serial <= first,
            StockRoll.last_serial >= last,
        )
    )
    if roll is None:
        raise TicketingError(
            _(
                "Serials %(first)s–%(last)s are not inside one roll received for %(name)s.",
                first=first,
                last=last,
                name=product.name,
            )
        )
    held = db.session.scalar(
        select(StockIssue).where(
            StockIssue.product_id == product.id,
            StockIssue.first_serial <= last,
            held_last() >= first,
            held_last() >= StockIssue.first_serial,
        )
    )
    if held is not None:
        raise TicketingError(
            _(
                "Serials %(first)s–%(last)s are already with %(seller)s (shift of %(day)s).",
                first=held.first_serial,
                last=held.held_last,
                seller=held.seller.display_name,
                day=held.shift.business_day.isoformat(),
            )
        )
    taken = db.session.scalar(
        select(func.min(SalesLine.serial)).where(
            SalesLine.product_id == product.id,
            SalesLine.status == SaleStatus.SOLD,
            SalesLine.serial.between(first, last),
        )
    ) or db.session.scalar(
        select(func.min(SerialVoid.serial)).where(
            SerialVoid.product_id == product.id,
            SerialVoid.status == VoidStatus.APPROVED,
            SerialVoid.serial.between(first, last),
        )
    )
    if taken is not None:
        raise TicketingError(
            _("Serial %(serial)s is already sold or voided: not in the store.", serial=taken)
        )
    issue = StockIssue(
        site_id=shift.site_id,
        product_id=product.id,
        roll_id=roll.id,
        shift_id=shift.id,
        seller_id=shift.seller_id,
        first_serial=first,
        last_serial=last,
        issued_by_id=actor.id,
    )
    db.session.add(issue)
    db.session.flush()
    audit.record(
        "ticketing.range_issued",
        "stock_issue",
        issue.id,
        {"product": product.code, "first": first, "last": last, "shift": shift.id},
        actor=actor,
    )
    idempotency.remember(retry_key, shift_path(shift), actor.id)
    db.session.commit()
    return issue


def return_range(
    issue: StockIssue, first_unsold: int, actor: User, retry_key: str | None = None
) -> None:
    """Record the first unsold serial as the seller declares it: the remainder is
    "returned, unconfirmed" until the stock keeper counts it (``confirm_return``).

    ``first_unsold == last + 1`` means nothing is returned. It may be changed
    while the shift is open and the keeper has not counted it.
    """
    if issue.shift.status != ShiftStatus.OPEN:
        raise TicketingError(_("The shift is no longer open."))
    if issue.confirmed:
        raise TicketingError(_("The stock keeper has already counted this remainder."))
    if not issue.first_serial <= first_unsold <= issue.last_serial + 1:
        raise TicketingError(
            _(
                "The first unsold serial must be between %(first)s and %(after)s "
                "(%(after)s: everything sold).",
                first=issue.first_serial,
                after=issue.last_serial + 1,
            )
        )
    sold = db.session.scalar(
        select(func.max(SalesLine.serial)).where(
            SalesLine.product_id == issue.product_id,
            SalesLine.status == SaleStatus.SOLD,
            SalesLine.serial.between(first_unsold, issue.last_serial),
        )
    )
    if sold is not None:
        raise TicketingError(
            _(
                "Serial %(serial)s is recorded as sold: the first unsold serial comes after it.",
                serial=sold,
            )
        )
    voided = db.session.scalar(
        select(func.max(SerialVoid.serial)).where(
            SerialVoid.issue_id == issue.id,
            SerialVoid.status != VoidStatus.REJECTED,
            SerialVoid.serial >= first_unsold,
        )
    )
    if voided is not None:
        raise TicketingError(
            _(
                "Serial %(serial)s is voided: voided tickets are kept, not returned.",
                serial=voided,
            )
        )
    issue.returned_from = first_unsold
    issue.returned_at = utcnow()
    issue.returned_by_id = actor.id
    audit.record(
        "ticketing.range_returned",
        "stock_issue",
        issue.id,
        {"first_unsold": first_unsold},
        actor=actor,
    )
    idempotency.remember(retry_key, shift_path(issue.shift), actor.id)
    db.session.commit()


def confirm_return(
    issue: StockIssue,
    first_seen: int,
    last_seen: int | None,
    actor: User,
    retry_key: str | None = None,
) -> None:
    """The stock keeper's count of a declared remainder: the first and last serial she has in
    hand (``first_seen == last + 1`` and no ``last_seen`` when nothing came back).

    Only what she saw is back in the store; a count that differs from the seller's
    declaration is a serious flag on the day, and a range the counted shift sold by range
    is re-priced from her count (repricing.py). Raises TicketingError when the seller has
    not declared the remainder, it is already counted, the keeper is the seller, or the
    serials are outside the range.
    """
    deciding.once(
        issue,
        lambda i: not i.confirmed,
        lambda i: _(
            "This remainder was counted already, by %(name)s at %(time)s.",
            **deciding.who_when(i.confirmed_by_id, i.confirmed_at),
        ),
    )
    if not issue.returned:
        raise TicketingError(_("The seller has not returned this range's remainder yet."))
    if actor.id == issue.seller_id:
        raise TicketingError(_("Someone other than the seller counts what she returns."))
    first, last = issue.first_serial, issue.last_serial
    nothing_back = first_seen == last + 1
    if not first <= first_seen <= last + 1:
        raise TicketingError(
            _(
                "The first serial seen must be between %(first)s and %(after)s "
                "(%(after)s: nothing came back).",
                first=first,
                after=last + 1,
            )
        )
    if nothing_back and last_seen is not None:
        raise TicketingError(_("Nothing came back: leave the last serial seen empty."))
    if not nothing_back and (last_seen is None or not first_seen <= last_seen <= last):
        raise TicketingError(
            _(
                "The last serial seen must be between %(first)s and %(last)s.",
                first=first_seen,
                last=last,
            )
        )
    issue.confirmed_from = first_seen
    issue.confirmed_last = last_seen
    issue.confirmed_at = utcnow()
    issue.confirmed_by_id = actor.id
    change = reprice_range(issue)
    audit.record(
        "ticketing.return_confirmed",
        "stock_issue",
        issue.id,
        {
            "first_seen": first_seen,
            "last_seen": last_seen,
            "declared": issue.returned_from,
            "expected_cash_change": format_fen(change),
        },
        actor=actor,
    )
    idempotency.remember(retry_key, shift_path(issue.shift), actor.id)
    db.session.commit()
