"""Voids and refunds of recorded sales (reversals): asked for by a line of a sales file with
its reason, decided by someone other than the importer and the seller
(four_eyes.may_decide_reversal) while the shift is open.

Until approved a reversal changes nothing: the sale stays in the expected takings, so a
seller who voids or refunds a sale to keep its money is short at the blind count. Approved,
a void turns the sale into a void line; a refund adds its refund line (its quantity and
amount, never more than what is left of the sale). A refund typed as a correction of a
signed day (corrections.py) counts against the same sale.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from modules.ticketing import four_eyes, summary
from modules.ticketing.errors import TicketingError
from modules.ticketing.models import (
    Correction,
    CorrectionStatus,
    Reversal,
    SaleSource,
    SaleStatus,
    ShiftStatus,
    VoidStatus,
)
from modules.ticketing.pages import page_path
from modules.ticketing.shifts import shift_line
from parkops import audit, deciding, idempotency
from parkops.auth.models import User
from parkops.db import utcnow
from parkops.extensions import db
from parkops.money import format_fen


@dataclass
class Reversed:
    """What is already reversed of one sale by live (pending or approved) reversals."""

    voided: bool = False
    quantity: int = 0
    amount_fen: int = 0


def reversed_of(sale_ids: list[int], except_correction: int | None = None) -> dict[int, Reversed]:
    """Live reversals per sale id (a sale with none is absent): a file's voids and refunds,
    and the refund corrections naming the sale (pending or approved; ``except_correction``
    left out, when it is the one being decided)."""
    out: dict[int, Reversed] = {}
    if not sale_ids:
        return out
    refunds = select(
        Correction.reverses_line_id,
        func.sum(Correction.quantity),
        func.sum(Correction.amount_fen),
    ).where(
        Correction.reverses_line_id.in_(sale_ids),
        Correction.status != CorrectionStatus.REJECTED,
    )
    if except_correction is not None:
        refunds = refunds.where(Correction.id != except_correction)
    for sale_id, quantity, amount in db.session.execute(
        refunds.group_by(Correction.reverses_line_id)
    ):
        done = out.setdefault(sale_id, Reversed())
        done.quantity += int(quantity)
        done.amount_fen += int(amount)
    rows = db.session.execute(
        select(
            Reversal.sale_id,
            Reversal.kind,
            func.sum(Reversal.quantity),
            func.sum(Reversal.amount_fen),
        )
        .where(Reversal.sale_id.in_(sale_ids), Reversal.status != VoidStatus.REJECTED)
        .group_by(Reversal.sale_id, Reversal.kind)
    )
    for sale_id, kind, quantity, amount in rows:
        done = out.setdefault(sale_id, Reversed())
        done.voided = done.voided or kind == SaleStatus.VOID
        done.quantity += int(quantity)
        done.amount_fen += int(amount)
    return out


def decide_reversal(
    reversal: Reversal,
    approve: bool,
    actor: User,
    retry_key: str | None = None,
    back: str | None = None,
) -> None:
    """Approve or reject a pending void or refund; a repeat of the post lands on ``back``."""
    deciding.once(
        reversal,
        lambda r: r.status == VoidStatus.PENDING,
        lambda r: _(
            "This void or refund was already decided, by %(name)s at %(time)s.",
            **deciding.who_when(r.decided_by_id, r.decided_at),
        ),
    )
    if not four_eyes.may_decide_reversal(actor, reversal):
        raise TicketingError(
            _("A void or refund is approved by someone other than its importer and the seller.")
        )
    if reversal.shift.status != ShiftStatus.OPEN:
        raise TicketingError(_("The shift is no longer open."))
    sale = reversal.sale
    if approve and reversal.kind == SaleStatus.VOID:
        sale.status = SaleStatus.VOID
        reversal.line_id = sale.id
    elif approve:
        line = shift_line(
            reversal.shift,
            product_id=sale.product_id,
            sold_at=reversal.sold_at,
            serial=sale.serial,
            quantity=reversal.quantity,
            amount_fen=reversal.amount_fen,
            list_price_fen=sale.list_price_fen,
            payment=reversal.payment,
            status=SaleStatus.REFUND,
            source=SaleSource.IMPORT,
            import_id=reversal.import_id,
            line_no=reversal.line_no,
        )
        db.session.add(line)
        db.session.flush()
        reversal.line_id = line.id
    reversal.status = VoidStatus.APPROVED if approve else VoidStatus.REJECTED
    reversal.decided_by_id = actor.id
    reversal.decided_at = utcnow()
    if approve:
        summary.refresh_day(reversal.site_id, reversal.business_day)
    audit.record(
        "ticketing.reversal_approved" if approve else "ticketing.reversal_rejected",
        "reversal",
        reversal.id,
        {
            "product": sale.product.code,
            "serial": sale.serial,
            "amount": format_fen(reversal.amount_fen),
            "reason": reversal.reason,
        },
        actor=actor,
    )
    idempotency.remember(retry_key, back or page_path("ticketing.approvals"), actor.id)
    db.session.commit()


# What the approvals page and the shift page show of each reversal, loaded in a few queries.
_SHOWN = (
    selectinload(Reversal.shift),  # its seller is joined
    selectinload(Reversal.requested_by),
    selectinload(Reversal.decided_by),
    selectinload(Reversal.sales_import),
)


def pending_reversals(site_ids: set[int] | None) -> list[Reversal]:
    q = select(Reversal).where(Reversal.status == VoidStatus.PENDING).options(*_SHOWN)
    if site_ids is not None:
        q = q.where(Reversal.site_id.in_(site_ids))
    return list(db.session.scalars(q.order_by(Reversal.requested_at, Reversal.id)))


def shift_reversals(shift_id: int) -> list[Reversal]:
    return list(
        db.session.scalars(
            select(Reversal)
            .where(Reversal.shift_id == shift_id)
            .options(*_SHOWN)
            .order_by(Reversal.id)
        )
    )
