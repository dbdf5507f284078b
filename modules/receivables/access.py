"""Who may see and do what in receivables: the predicates views call (and refuse)
and templates are given (to hide buttons), never re-written in a template.

- ``receivables.view`` (finance, leaders, the office): every receivable at one's sites;
- ``receivables.own`` (other staff): only the receivables one handles (经手人), and
  their debtors; the module is closed (403) to one who handles none (``may_enter``);
- ``receivables.write`` (finance): debtors, receivables, payments, reversal requests;
- a reversal is decided by a holder of ``receivables.write`` or
  ``receivables.approve`` (leaders) who did not propose it (four eyes).
"""

from sqlalchemy import ColumnElement, and_, exists, select

from modules.receivables.models import Debtor, Payment, Receivable, Reversal, ReversalState
from parkops.auth.models import User
from parkops.extensions import db


def site_clause(user: User, column) -> ColumnElement[bool]:
    """WHERE clause limiting ``column`` (a site_id) to ``user``'s sites."""
    site_ids = user.site_ids
    return column.is_not(None) if site_ids is None else column.in_(site_ids)


def reads_all(user: User) -> bool:
    """True when ``user`` sees every receivable at their sites, not only their own."""
    return user.can("receivables.view") or user.can("receivables.write")


def may_enter(user: User) -> bool:
    """True when the module is ``user``'s at all: a reader of every receivable, an
    approver, or staff holding only ``receivables.own`` who handles at least one
    receivable at their sites. Anyone else gets 403, as other modules answer the roles
    outside them (a cashier met an empty module and an aging of zeros)."""
    if reads_all(user) or user.can("receivables.approve"):
        return True
    handled = select(Receivable.id).where(
        Receivable.handler_id == user.id, site_clause(user, Receivable.site_id)
    )
    return user.can("receivables.own") and db.session.scalar(select(exists(handled)))


def may_write(user: User, site_id: int | None = None) -> bool:
    return user.can("receivables.write") and (site_id is None or user.can_see_site(site_id))


def may_follow_up(user: User, receivable: Receivable) -> bool:
    """Finance at the receivable's site, or the person who handles it, logs follow-ups."""
    if may_write(user, receivable.site_id):
        return True
    return receivable.handler_id == user.id and user.can_see_site(receivable.site_id)


def receivable_scope(user: User) -> ColumnElement[bool]:
    """WHERE clause: the receivables ``user`` may see (their sites; a handler: hers)."""
    clause = site_clause(user, Receivable.site_id)
    if not reads_all(user):
        clause = and_(clause, Receivable.handler_id == user.id)
    return clause


def debtor_scope(user: User) -> ColumnElement[bool]:
    """WHERE clause: the debtors ``user`` may see (a handler: those she handles a
    receivable of)."""
    clause = site_clause(user, Debtor.site_id)
    if reads_all(user):
        return clause
    handled = exists(
        select(Receivable.id).where(
            Receivable.debtor_id == Debtor.id,
            Receivable.handler_id == user.id,
            site_clause(user, Receivable.site_id),
        )
    )
    return handled


def may_see_receivable(user: User, receivable: Receivable) -> bool:
    if not user.can_see_site(receivable.site_id):
        return False
    return reads_all(user) or receivable.handler_id == user.id


def payment_steps(user: User, payment: Payment, reversal: Reversal | None) -> set[str]:
    """What ``user`` may do with ``payment`` given its latest reversal request:
    "reverse" (propose), "decide" (approve or refuse someone else's proposal)."""
    if not user.can_see_site(payment.site_id):
        return set()
    steps: set[str] = set()
    pending = reversal is not None and reversal.state == ReversalState.PROPOSED
    reversed_ = reversal is not None and reversal.state == ReversalState.APPROVED
    if may_write(user) and not pending and not reversed_:
        steps.add("reverse")
    deciders = user.can("receivables.write") or user.can("receivables.approve")
    if pending and deciders and user.id != reversal.proposed_by_id:
        steps.add("decide")
    return steps
