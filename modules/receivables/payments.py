"""Payments, their allocation to receivables, and reversals under four eyes.

A payment (fen, local date) is applied to the debtor's open receivables at its site,
oldest first, or to the ones chosen (still oldest first among them); it may pay a
receivable in part. A payment is never edited: a mistake is undone by a reversal
that names its reason, proposed by one person and approved by another; the approval
adds negative allocations, so every balance is again what it was.
"""

from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from modules.receivables import access, ledger
from modules.receivables.errors import ReceivablesError
from modules.receivables.ledger import check_amount, check_not_future, open_receivables
from modules.receivables.models import (
    Allocation,
    Debtor,
    Payment,
    PaymentMethod,
    Receivable,
    ReceivableKind,
    Reversal,
    ReversalState,
)
from parkops import audit, deciding, idempotency, limits, signals
from parkops.auth.models import User
from parkops.db import utcnow
from parkops.extensions import db
from parkops.money import format_fen
from parkops.rectification.services import link_evidence


@dataclass
class PaymentData:
    """A payment as typed: the site, the local date, fen, method, receipt number;
    ``receivable_ids`` the ones chosen (None: oldest first over all open ones)."""

    site_id: int
    paid_on: date
    amount_fen: int
    method: PaymentMethod
    receipt_no: str = ""
    note: str = ""
    receivable_ids: list[int] | None = None


def allocate(amount_fen: int, open_items: list[tuple[Receivable, int]]) -> list[tuple[int, int]]:
    """Split ``amount_fen`` over ``open_items`` ([(receivable, balance fen)], oldest
    first): [(receivable id, fen)], each taking its whole balance until the money runs
    out. The caller has checked that the balances cover the amount."""
    parts = []
    left = amount_fen
    for receivable, balance in open_items:
        if left == 0:
            break
        take = min(left, balance)
        parts.append((receivable.id, take))
        left -= take
    return parts


def record_payment(
    debtor: Debtor, data: PaymentData, user: User, retry_key: str | None = None
) -> Payment:
    """One transaction: record the payment and allocate it; send ``receivable_paid``
    for each receivable it pays in full. ReceivablesError (nothing stored) when the
    user may not, the amount is not positive or too large, the date is in the future,
    before 2000 or before a receivable it pays was raised, the receipt number was
    used already, or the payment exceeds the open balance of the receivables it is
    for."""
    try:
        if not access.may_write(user, data.site_id):
            raise ReceivablesError(_("You may not record payments here."))
        check_amount(data.amount_fen)
        check_not_future(data.paid_on)
        # One payment of a debtor at a time: two clerks at once cannot both take the
        # same open balance (the lock ends with this transaction).
        limits.serialize(f"receivables.debtor:{debtor.id}")
        receipt_no = data.receipt_no.strip()
        if receipt_no and db.session.scalar(
            select(Payment.id).where(Payment.receipt_no == receipt_no)
        ):
            raise ReceivablesError(_("Receipt %(no)s is recorded already.", no=receipt_no))
        items = open_receivables(debtor.id, data.site_id, data.receivable_ids)
        if data.receivable_ids is not None and not items:
            raise ReceivablesError(_("Choose at least one receivable with a balance."))
        open_total = sum(balance for _r, balance in items)
        if data.amount_fen > open_total:
            raise ReceivablesError(
                _(
                    "The payment is larger than the open balance (%(open)s).",
                    open=format_fen(open_total),
                )
            )
        payment = Payment(
            debtor_id=debtor.id,
            site_id=data.site_id,
            paid_on=data.paid_on,
            amount_fen=data.amount_fen,
            method=data.method,
            receipt_no=receipt_no,
            note=data.note.strip(),
            recorded_by_id=user.id,
        )
        db.session.add(payment)
        db.session.flush()
        balances = {r.id: (r, b) for r, b in items}
        parts = allocate(data.amount_fen, items)
        _check_not_before_raised(data.paid_on, [balances[i][0] for i, _fen in parts])
        for receivable_id, fen in parts:
            db.session.add(
                Allocation(
                    payment_id=payment.id,
                    receivable_id=receivable_id,
                    amount_fen=fen,
                    paid_on=payment.paid_on,
                )
            )
        # Stored before the signal: a receiver reading balances sees this payment.
        ledger.settle(dict(parts), data.paid_on)
        for receivable_id, fen in parts:
            receivable, balance = balances[receivable_id]
            if fen == balance:
                _send_paid(receivable, debtor, data.paid_on, user)
        _link(payment, debtor, [r for r, _b in items if r.id in dict(parts)])
        audit.record(
            "receivables.payment",
            "payment",
            payment.id,
            {"amount_fen": data.amount_fen, "debtor_id": debtor.id},
            actor=user,
        )
    except ReceivablesError:
        db.session.rollback()
        raise
    if retry_key:  # the page it led to, for a repeat of the same form
        url = url_for("receivables.payment", payment_id=payment.id)
        idempotency.remember(retry_key, url, user.id)
    db.session.commit()
    return payment


def _check_not_before_raised(paid_on: date, paid: list[Receivable]) -> None:
    """A payment is not received before a receivable it pays was raised (a typo in
    the date would date the settlement before the debt)."""
    for receivable in paid:
        if paid_on < receivable.raised_on:
            raise ReceivablesError(
                _(
                    "Received on %(day)s, before receivable %(id)s was raised (%(raised)s).",
                    day=paid_on.isoformat(),
                    id=receivable.id,
                    raised=receivable.raised_on.isoformat(),
                )
            )


def _link(payment: Payment, debtor: Debtor, paid: list[Receivable]) -> None:
    """The payment is evidence for problem 36 (old debts collected) and, when it pays
    rent, for 12 (rent chased)."""
    summary = f"{debtor.name} {format_fen(payment.amount_fen)} {payment.paid_on.isoformat()}"
    link_evidence("receivables.payment", payment.id, summary, site_id=payment.site_id)
    if any(r.kind == ReceivableKind.RENT for r in paid):
        link_evidence("receivables.rent_payment", payment.id, summary, site_id=payment.site_id)


def _send_paid(receivable: Receivable, debtor: Debtor, paid_on: date, user: User) -> None:
    # A debtor another module raised (a merchant) is named by that module's subject;
    # any other by this module's own kind.
    kind = debtor.subject_kind or "receivables.debtor"
    subject_id = debtor.subject_id if debtor.subject_kind else debtor.id
    signals.send(
        signals.receivable_paid,
        sender="receivables",
        receivable_id=receivable.id,
        subject_kind=kind,
        subject_id=subject_id,
        amount_fen=receivable.amount_fen,
        paid_on=paid_on,
        user=user,
    )


def latest_reversal(payment: Payment) -> Reversal | None:
    return db.session.scalar(
        select(Reversal).where(Reversal.payment_id == payment.id).order_by(Reversal.id.desc())
    )


def propose_reversal(payment: Payment, reason: str, user: User) -> Reversal:
    """One transaction: ask for ``payment`` to be reversed. ReceivablesError when the
    user may not (a reversal already waits, or the payment is reversed) or gives no
    reason."""
    try:
        limits.serialize(f"receivables.debtor:{payment.debtor_id}")
        if "reverse" not in access.payment_steps(user, payment, latest_reversal(payment)):
            raise ReceivablesError(_("This payment cannot be reversed now."))
        if not reason.strip():
            raise ReceivablesError(_("Say why the payment is to be reversed."))
        reversal = Reversal(
            payment_id=payment.id,
            reason=reason.strip(),
            state=ReversalState.PROPOSED,
            proposed_by_id=user.id,
        )
        db.session.add(reversal)
        db.session.flush()
        audit.record(
            "receivables.reversal_proposed",
            "payment",
            payment.id,
            {"reason": reversal.reason},
            actor=user,
        )
    except ReceivablesError:
        db.session.rollback()
        raise
    db.session.commit()
    return reversal


def _decided_already(reversal: Reversal) -> deciding.AlreadyDecided:
    return deciding.AlreadyDecided(
        _(
            "This reversal was decided already, by %(name)s at %(time)s.",
            **deciding.who_when(reversal.decided_by_id, reversal.decided_at),
        )
    )


def decide_reversal(
    payment: Payment, approve: bool, user: User, shown_id: int | None = None
) -> Reversal:
    """One transaction: a second person approves (the payment's allocations are undone
    by negative ones) or refuses the waiting reversal (``shown_id``: the request the
    page showed, default the latest). ``deciding.AlreadyDecided`` (who, when), nothing
    changed, when that request was decided already (two people at once: the second
    waits for the first's commit, then is refused); ReceivablesError when nothing
    waits, or the user proposed it or may not decide."""
    try:
        limits.serialize(f"receivables.debtor:{payment.debtor_id}")
        reversal = latest_reversal(payment)
        shown = reversal if shown_id is None else db.session.get(Reversal, shown_id)
        if shown is not None and shown.payment_id == payment.id:
            deciding.once(shown, lambda r: r.state == ReversalState.PROPOSED, _decided_already)
        if "decide" not in access.payment_steps(user, payment, reversal):
            raise ReceivablesError(_("A second person decides on this reversal."))
        reversal.state = ReversalState.APPROVED if approve else ReversalState.REFUSED
        reversal.decided_by_id = user.id
        reversal.decided_at = utcnow()
        if approve:
            for part in list(payment.allocations):
                db.session.add(
                    Allocation(
                        payment_id=payment.id,
                        receivable_id=part.receivable_id,
                        amount_fen=-part.amount_fen,
                        paid_on=part.paid_on,
                        reversal_id=reversal.id,
                    )
                )
            ledger.settle((part.receivable_id for part in payment.allocations), payment.paid_on)
        action = "receivables.reversal_approved" if approve else "receivables.reversal_refused"
        audit.record(action, "payment", payment.id, {"reason": reversal.reason}, actor=user)
    except (ReceivablesError, deciding.AlreadyDecided):
        db.session.rollback()
        raise
    db.session.commit()
    return reversal
