"""The lists' queries: balances computed in SQL, a constant number of statements per page."""

from sqlalchemy import Select, case, func, select

from modules.receivables import access
from modules.receivables.ledger import balance_fen
from modules.receivables.models import Debtor, Payment, Receivable, Reversal
from parkops.auth.models import User
from parkops.extensions import db


def debtor_list(user: User, text: str = "") -> Select:
    """Debtors ``user`` may see, by name (their names containing ``text`` when given):
    a select of Debtor; what each owes is ``owed_by`` for the page shown."""
    query = select(Debtor).where(access.debtor_scope(user)).order_by(Debtor.name, Debtor.id)
    if text:
        query = query.where(Debtor.name.contains(text, autoescape=True))
    return query


def owed_by(user: User, debtor_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{debtor id: (open fen, count of open receivables)} over the receivables ``user``
    may see, for these debtors only (a debtor owing nothing is left out). One statement
    reading only their receivables: summing every debtor's for one page of the list
    grew with the whole ledger."""
    if not debtor_ids:
        return {}
    balance = balance_fen()
    rows = db.session.execute(
        select(
            Receivable.debtor_id,
            func.sum(balance),
            func.sum(case((balance > 0, 1), else_=0)),
        )
        .where(Receivable.debtor_id.in_(debtor_ids), access.receivable_scope(user))
        .group_by(Receivable.debtor_id)
    )
    return {debtor_id: (fen, count) for debtor_id, fen, count in rows}


def receivable_list(user: User, debtor_id: int | None = None, open_only: bool = False) -> Select:
    """Receivables ``user`` may see with their balance: rows (Receivable, balance fen),
    oldest due first."""
    balance = balance_fen()
    query = (
        select(Receivable, balance.label("balance"))
        .where(access.receivable_scope(user))
        .order_by(Receivable.due_on, Receivable.id)
    )
    if debtor_id is not None:
        query = query.where(Receivable.debtor_id == debtor_id)
    if open_only:
        query = query.where(balance > 0)
    return query


def debtor_payments(debtor_id: int, user: User) -> Select:
    """The debtor's payments at ``user``'s sites with their latest reversal request's
    state: rows (Payment, state or None), newest first."""
    latest = (
        select(Reversal.state)
        .where(Reversal.payment_id == Payment.id)
        .order_by(Reversal.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(Payment, latest)
        .where(Payment.debtor_id == debtor_id, access.site_clause(user, Payment.site_id))
        .order_by(Payment.paid_on.desc(), Payment.id.desc())
    )
