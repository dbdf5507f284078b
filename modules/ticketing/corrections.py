"""Corrections: reasoned new entries, applied once a second person approves.

Nothing recorded is edited. A sale adjustment adds a sales line (a forgotten
sale, a refund not in the export), on any day: a counted shift's lines are
final; a sale of printed tickets may name the serials it books (a line per serial,
the amount shared to the fen), so the serials a "missing" flag named count as sold.
A refund names the sale it reverses (its serial or its line) and cannot exceed what is
left of it, so a sale is never refunded twice.
A gate count or bank deposit is entered directly until the day is signed off, and
corrected after; the correction adds a new count or deposit, which becomes the current
one, while the original and the figures as signed stay visible. The person approving
is never the one who asked, nor the seller the adjustment is about.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from modules.ticketing import four_eyes, summary
from modules.ticketing.catalog import allocate, price_on
from modules.ticketing.errors import TicketingError
from modules.ticketing.models import (
    MAX_AMOUNT_FEN,
    MAX_QUANTITY,
    Correction,
    CorrectionKind,
    CorrectionStatus,
    Deposit,
    EntrySource,
    GateCount,
    Office,
    Payment,
    Product,
    SalesLine,
    SaleSource,
    SaleStatus,
    SerialVoid,
    TicketDay,
    Venue,
    VoidStatus,
)
from modules.ticketing.pages import day_path
from modules.ticketing.reversals import Reversed, reversed_of
from parkops import audit, deciding, idempotency
from parkops.auth.models import User
from parkops.db import utcnow
from parkops.extensions import db
from parkops.money import format_fen
from parkops.timeutil import local_midnight_utc

MIN_REASON = 5


@dataclass
class SaleAdjustment:
    office: Office
    product: Product
    payment: Payment
    status: SaleStatus  # sold or refund
    quantity: int
    amount_fen: int
    seller: User | None = None
    serials: tuple[int, int] | None = None  # (first, last) of printed tickets sold
    # A refund names the sale it reverses: the serial sold (of this product), or the id of
    # its sales line. Required on a refund, refused on a sale.
    reverses_serial: int | None = None
    reverses_line: int | None = None


@dataclass
class GateCorrection:
    venue: Venue
    entries: int


@dataclass
class DepositCorrection:
    amount_fen: int
    slip_number: str


def request_correction(
    day: TicketDay,
    change: SaleAdjustment | GateCorrection | DepositCorrection,
    reason: str,
    actor: User,
    retry_key: str | None = None,
) -> Correction:
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise TicketingError(_("Give the reason for the correction."))
    correction = Correction(day_id=day.id, reason=reason, requested_by_id=actor.id)
    if isinstance(change, SaleAdjustment):
        _fill_sale(day, correction, change)
    elif isinstance(change, GateCorrection):
        _need_signed(day)
        if change.venue.site_id != day.site_id:
            raise TicketingError(_("This venue belongs to another site."))
        if change.entries < 0:
            raise TicketingError(_("Entries cannot be negative."))
        correction.kind = CorrectionKind.GATE_COUNT
        correction.venue_id, correction.entries = change.venue.id, change.entries
    else:
        _need_signed(day)
        if change.amount_fen < 0:
            raise TicketingError(_("A deposit cannot be negative."))
        if not change.slip_number.strip():
            raise TicketingError(_("Enter the bank slip number."))
        correction.kind = CorrectionKind.DEPOSIT
        correction.amount_fen = change.amount_fen
        correction.slip_number = change.slip_number.strip()[:60]
    db.session.add(correction)
    db.session.flush()
    audit.record(
        "ticketing.correction_requested",
        "correction",
        correction.id,
        {"day": day.business_day, "kind": correction.kind.value, "reason": reason},
        actor=actor,
    )
    idempotency.remember(retry_key, day_path(day, "#corrections"), actor.id)
    db.session.commit()
    return correction


def _need_signed(day: TicketDay) -> None:
    if not day.signed:
        raise TicketingError(
            _("Until the day is signed off, enter the gate count or deposit again instead.")
        )


def _fill_sale(day: TicketDay, correction: Correction, change: SaleAdjustment) -> None:
    if change.status not in (SaleStatus.SOLD, SaleStatus.REFUND):
        raise TicketingError(_("A sale adjustment adds a sale or a refund."))
    if not (1 <= change.quantity <= MAX_QUANTITY and 0 <= change.amount_fen <= MAX_AMOUNT_FEN):
        raise TicketingError(_("Quantity is at least 1 and the amount is not negative."))
    if change.office.site_id != day.site_id or change.product.site_id != day.site_id:
        raise TicketingError(_("The office and the product must be of this day's site."))
    if price_on(change.product.id, day.business_day) is None:
        raise TicketingError(_("%(name)s has no price on this day.", name=change.product.name))
    correction.kind = CorrectionKind.SALE
    correction.office_id = change.office.id
    correction.product_id = change.product.id
    correction.payment = change.payment
    correction.sale_status = change.status
    correction.quantity = change.quantity
    correction.amount_fen = change.amount_fen
    correction.seller_id = change.seller.id if change.seller else None
    if change.serials is not None:
        correction.first_serial, correction.last_serial = change.serials
        _check_serials(correction)
    if change.status == SaleStatus.REFUND:
        correction.reverses_line_id = _reversed_sale(day, change).id
        _check_refund(correction)
    elif change.reverses_serial is not None or change.reverses_line is not None:
        raise TicketingError(_("Only a refund names the sale it reverses."))


def _reversed_sale(day: TicketDay, change: SaleAdjustment) -> SalesLine:
    """The sale a refund reverses: by its serial (the sold line of that serial of the
    product) or by its line id; of this site and product, sold, not voided."""
    if change.reverses_line is not None:
        sale = db.session.get(SalesLine, change.reverses_line)
    elif change.reverses_serial is not None:
        sale = db.session.scalar(
            select(SalesLine).where(
                SalesLine.product_id == change.product.id,
                SalesLine.serial == change.reverses_serial,
                SalesLine.status == SaleStatus.SOLD,
            )
        )
    else:
        raise TicketingError(
            _("A refund names the sale it reverses: its serial or its original line.")
        )
    if (
        sale is None
        or sale.site_id != day.site_id
        or sale.product_id != change.product.id
        or sale.status != SaleStatus.SOLD
    ):
        raise TicketingError(
            _("No sale of %(name)s to refund was found there.", name=change.product.name)
        )
    return sale


def _check_refund(c: Correction) -> None:
    """A refund cannot exceed what is left of its sale (quantity and amount), counting the
    file's voids and refunds and the other refund corrections of it, pending or approved;
    a voided sale is not refunded. Checked again when it is approved."""
    sale = db.session.get(SalesLine, c.reverses_line_id)
    done = reversed_of([sale.id], except_correction=c.id).get(sale.id, Reversed())
    if done.voided or sale.status != SaleStatus.SOLD:
        raise TicketingError(_("This sale is voided: there is nothing to refund."))
    left_quantity, left_amount = sale.quantity - done.quantity, sale.amount_fen - done.amount_fen
    if left_quantity <= 0 or left_amount <= 0:
        raise TicketingError(_("This sale is already refunded."))
    if c.quantity > left_quantity or c.amount_fen > left_amount:
        raise TicketingError(
            _(
                "A refund cannot exceed its sale: %(quantity)s left for %(amount)s.",
                quantity=left_quantity,
                amount=format_fen(left_amount),
            )
        )


def _check_serials(c: Correction) -> None:
    """A sale naming serials: of a printed product, one serial a ticket, none sold or
    voided yet (checked again when it is approved)."""
    first, last = c.first_serial, c.last_serial
    product = db.session.get(Product, c.product_id)
    if c.sale_status != SaleStatus.SOLD or not product.serialised:
        raise TicketingError(_("Only a sale of printed tickets names serials."))
    if last < first or last - first + 1 != c.quantity:
        raise TicketingError(
            _(
                "The serials %(first)s–%(last)s are not %(n)s tickets.",
                first=first,
                last=last,
                n=c.quantity,
            )
        )
    taken = db.session.scalar(
        select(func.min(SalesLine.serial)).where(
            SalesLine.product_id == c.product_id,
            SalesLine.status == SaleStatus.SOLD,
            SalesLine.serial.between(first, last),
        )
    ) or db.session.scalar(
        select(func.min(SerialVoid.serial)).where(
            SerialVoid.product_id == c.product_id,
            SerialVoid.status == VoidStatus.APPROVED,
            SerialVoid.serial.between(first, last),
        )
    )
    if taken is not None:
        raise TicketingError(_("Serial %(serial)s is already sold or voided.", serial=taken))


def decide_correction(
    correction: Correction, approve: bool, actor: User, retry_key: str | None = None
) -> None:
    deciding.once(
        correction,
        lambda c: c.status == CorrectionStatus.PENDING,
        lambda c: _(
            "This correction was already decided, by %(name)s at %(time)s.",
            **deciding.who_when(c.decided_by_id, c.decided_at),
        ),
    )
    if not four_eyes.may_decide_correction(actor, correction):
        raise TicketingError(
            _("A correction is approved by a second person, not by whoever it concerns.")
        )
    correction.status = CorrectionStatus.APPROVED if approve else CorrectionStatus.REJECTED
    correction.decided_by_id = actor.id
    correction.decided_at = utcnow()
    if approve:
        _apply(correction, actor)
    audit.record(
        "ticketing.correction_approved" if approve else "ticketing.correction_rejected",
        "correction",
        correction.id,
        {"kind": correction.kind.value},
        actor=actor,
    )
    idempotency.remember(retry_key, day_path(correction.day, "#corrections"), actor.id)
    db.session.commit()


def _apply(c: Correction, actor: User) -> None:
    day = c.day
    if c.reverses_line_id is not None:
        _check_refund(c)
    if c.kind == CorrectionKind.SALE and c.first_serial is not None:
        _check_serials(c)
        count = c.last_serial - c.first_serial + 1
        lines = [
            _correction_line(c, day, serial, 1, amount)
            for serial, amount in zip(
                range(c.first_serial, c.last_serial + 1),
                allocate(c.amount_fen, [1] * count),
                strict=True,
            )
        ]
        db.session.add_all(lines)
        db.session.flush()
        summary.add_lines(lines)
    elif c.kind == CorrectionKind.SALE:
        line = _correction_line(c, day, None, c.quantity, c.amount_fen)
        db.session.add(line)
        db.session.flush()
        summary.add_lines([line])
    elif c.kind == CorrectionKind.GATE_COUNT:
        db.session.add(
            GateCount(
                site_id=day.site_id,
                venue_id=c.venue_id,
                business_day=day.business_day,
                entries=c.entries,
                source=EntrySource.CORRECTION,
                recorded_by_id=actor.id,
                correction_id=c.id,
            )
        )
    else:
        db.session.add(
            Deposit(
                day_id=day.id,
                amount_fen=c.amount_fen,
                slip_number=c.slip_number,
                source=EntrySource.CORRECTION,
                recorded_by_id=actor.id,
                correction_id=c.id,
            )
        )


def _correction_line(
    c: Correction, day: TicketDay, serial: int | None, quantity: int, amount: int
) -> SalesLine:
    return SalesLine(
        site_id=day.site_id,
        business_day=day.business_day,
        office_id=c.office_id,
        seller_id=c.seller_id,
        product_id=c.product_id,
        # A correction has no moment of sale: it belongs to the day as a whole.
        sold_at=local_midnight_utc(day.business_day),
        serial=serial,
        quantity=quantity,
        amount_fen=amount,
        list_price_fen=price_on(c.product_id, day.business_day) or 0,
        payment=c.payment,
        status=c.sale_status,
        source=SaleSource.CORRECTION,
        correction_id=c.id,
    )


def day_corrections(day: TicketDay) -> list[Correction]:
    return list(
        db.session.scalars(
            select(Correction).where(Correction.day_id == day.id).order_by(Correction.id)
        )
    )


def pending_corrections(site_ids: set[int] | None) -> list[Correction]:
    """The corrections waiting for a decision at ``site_ids`` (None: all), oldest first,
    with what the queue shows (day and site, seller, who asked, product or venue) loaded
    in the same statement."""
    q = (
        select(Correction)
        .join(TicketDay, TicketDay.id == Correction.day_id)
        .where(Correction.status == CorrectionStatus.PENDING)
        .options(
            contains_eager(Correction.day),
            joinedload(Correction.seller),
            joinedload(Correction.requested_by),
            joinedload(Correction.product),
            joinedload(Correction.venue),
        )
    )
    if site_ids is not None:
        q = q.where(TicketDay.site_id.in_(site_ids))
    return list(db.session.scalars(q.order_by(Correction.requested_at)))


def describe(c: Correction) -> str:
    """One line saying what the correction changes (numbers and codes only)."""
    if c.kind == CorrectionKind.SALE:
        sign = "+" if c.sale_status == SaleStatus.SOLD else "−"
        serials = f" ({c.first_serial}–{c.last_serial})" if c.first_serial is not None else ""
        reverses = f" ← #{c.reverses_line_id}" if c.reverses_line_id is not None else ""
        amount = format_fen(c.amount_fen)
        return f"{sign}{c.quantity} × {c.product.name}{serials}{reverses} {sign}{amount}"
    if c.kind == CorrectionKind.GATE_COUNT:
        return f"{c.venue.name}: {c.entries}"
    return f"{format_fen(c.amount_fen)} ({c.slip_number})"
