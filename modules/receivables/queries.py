"""The lists' queries: balances computed in SQL, a constant number of statements per page."""

from sqlalchemy import Select, case, func, select

from modules.receivables import access
from modules.receivables.ledger import balance_fen
from modules.receivables.models import Debtor, Payment, Receivable, Reversal
from parkops.auth.models import User


def debtor_list(user: User, text: str = "") -> Select:
    """Debtors ``user`` may see with what they owe over the receivables she may see:
    rows (Debtor, open fen, count of open receivables), by name."""
    owed = (
        select(
            Receivable.debtor_id,
            func.sum(balance_fen()).label("open_fen"),
            func.sum(case((balance_fen() > 0, 1), else_=0)).label("open_count"),
        )
        .where(access.receivable_scope(user))
        .group_by(Receivable.debtor_id)
        .subquery()
    )
    query = (
        select(
            Debtor,
            func.coalesce(owed.c.open_fen, 0),
            func.coalesce(owed.c.open_count, 0),
        )
        .outerjoin(owed, owed.c.debtor_id == Debtor.id)
        .where(access.debtor_scope(user))
        .order_by(Debtor.name, Debtor.id)
    )
    if text:
        query = query.where(Debtor.name.contains(text, autoescape=True))
    return query


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
