"""The receivables module's public services: the one cross-module call the design
allows (merchants raises rent here; see README "How modules meet").

Each function works in the caller's transaction: it adds and flushes, never
commits, so the caller's record and the receivable are stored together or not at
all. Money is fen (int), dates are local business days (``datetime.date``).
Errors are ``ReceivablesError`` (a translated message for people); after one the
caller rolls back.
"""

from datetime import date

from sqlalchemy import func, select

from modules.receivables import ledger
from modules.receivables.errors import ReceivablesError
from modules.receivables.models import (
    CampaignItem,
    Debtor,
    DebtorKind,
    Receivable,
    ReceivableKind,
)
from parkops.auth.models import User
from parkops.extensions import db

__all__ = [
    "DebtorKind",
    "ReceivableKind",
    "ReceivablesError",
    "ensure_debtor",
    "open_balance_fen",
    "open_balances_fen",
    "outside_clean_up_fen",
    "raise_receivable",
]


def ensure_debtor(
    subject_kind: str,
    subject_id: int,
    name: str,
    site_id: int,
    kind: DebtorKind = DebtorKind.MERCHANT,
    *,
    id_code: str = "",
    contact: str = "",
    phone: str = "",
    address: str = "",
    user: User | None = None,
) -> int:
    """The id of the debtor standing for ``(subject_kind, subject_id)`` (e.g.
    ``("merchants.merchant", 12)``), registered at ``site_id`` with these details the
    first time; later calls return the same id and change nothing."""
    found = db.session.scalar(
        select(Debtor.id).where(
            Debtor.subject_kind == subject_kind, Debtor.subject_id == subject_id
        )
    )
    if found is not None:
        return found
    data = ledger.DebtorData(
        site_id=site_id,
        name=name,
        kind=kind,
        id_code=id_code,
        contact=contact,
        phone=phone,
        address=address,
        subject_kind=subject_kind,
        subject_id=subject_id,
    )
    return ledger.add_debtor(data, user).id


def raise_receivable(
    debtor_id: int,
    site_id: int,
    kind: ReceivableKind,
    amount_fen: int,
    raised_on: date,
    due_on: date,
    *,
    reference: str,
    origin: str = "",
    department_id: int | None = None,
    handler_id: int | None = None,
    note: str = "",
    user: User | None = None,
) -> int:
    """Raise what ``debtor_id`` owes at ``site_id`` (``amount_fen`` > 0, at most
    ¥100,000,000; ``raised_on`` not in the future; ``due_on`` not before it); returns
    the receivable's id. ``reference`` is the caller's own unique key for the thing
    owed (``"merchants.instalment:345"``): a second call with it returns the first
    receivable's id and adds nothing, so a job that runs twice raises once.
    ReceivablesError when an amount or date is refused or the debtor is unknown."""
    found = db.session.scalar(select(Receivable.id).where(Receivable.reference == reference))
    if found is not None:
        return found
    data = ledger.ReceivableData(
        debtor_id=debtor_id,
        site_id=site_id,
        kind=kind,
        amount_fen=amount_fen,
        raised_on=raised_on,
        due_on=due_on,
        origin=origin,
        department_id=department_id,
        handler_id=handler_id,
        note=note,
        reference=reference,
    )
    return ledger.add_receivable(data, user).id


def open_balance_fen(subject_kind: str, subject_id: int, due_by: date | None = None) -> int:
    """What the debtor standing for ``(subject_kind, subject_id)`` still owes, in fen
    (0 when there is no such debtor); with ``due_by``, only what fell due on or
    before that date (arrears)."""
    query = (
        select(func.coalesce(func.sum(ledger.balance_fen()), 0))
        .join(Debtor, Debtor.id == Receivable.debtor_id)
        .where(Debtor.subject_kind == subject_kind, Debtor.subject_id == subject_id)
    )
    if due_by is not None:
        query = query.where(Receivable.due_on <= due_by)
    return db.session.scalar(query)


def open_balances_fen(subject_kind: str, subject_ids: list[int], due_by: date) -> dict[int, int]:
    """``{subject_id: fen}`` owed by the debtors standing for ``subject_ids`` that fell
    due on or before ``due_by`` (only those owing more than zero); one query."""
    if not subject_ids:
        return {}
    rows = db.session.execute(
        select(Debtor.subject_id, func.sum(ledger.balance_fen()))
        .join(Debtor, Debtor.id == Receivable.debtor_id)
        .where(
            Debtor.subject_kind == subject_kind,
            Debtor.subject_id.in_(subject_ids),
            Receivable.due_on <= due_by,
        )
        .group_by(Debtor.subject_id)
    )
    return {subject_id: fen for subject_id, fen in rows if fen and fen > 0}


def outside_clean_up_fen(subject_kind: str, subject_id: int, due_by: date) -> int:
    """What the debtor standing for ``(subject_kind, subject_id)`` owes, fallen due on
    or before ``due_by``, on receivables that no special clean-up campaign (专项清理)
    holds: zero means every arrear is settled or moved to a clean-up."""
    held = select(CampaignItem.id).where(CampaignItem.receivable_id == Receivable.id).exists()
    query = (
        select(func.coalesce(func.sum(ledger.balance_fen()), 0))
        .join(Debtor, Debtor.id == Receivable.debtor_id)
        .where(
            Debtor.subject_kind == subject_kind,
            Debtor.subject_id == subject_id,
            Receivable.due_on <= due_by,
            ~held,
        )
    )
    return db.session.scalar(query)
