"""What waits for a user in receivables, on the home page: counted, never listed.

- finance: receivables at her sites that may go up a reminder level (awaiting a
  letter; ``levels.due_clause``);
- a handler (经手人): overdue receivables she handles;
- a leader (``receivables.approve``): write-offs at her sites awaiting a decision
  that someone else proposed.
"""

from flask import url_for
from flask_babel import gettext, ngettext
from sqlalchemy import func, select

from modules.receivables import access, ledger, levels
from modules.receivables.models import Receivable, WriteOff, WriteOffState
from parkops.auth.models import User
from parkops.extensions import db
from parkops.registry import TodoItem
from parkops.timeutil import business_day

CAP = 999  # awaiting a letter, counted at most (the home page shows it at every visit)


def _count(*where) -> int:
    return db.session.scalar(select(func.count()).select_from(Receivable).where(*where))


def _count_capped(*where) -> int:
    """The receivables matching ``where``, counted up to CAP + 1: past that the home
    page says "more than", and the count stops reading (counting every receivable
    awaiting a letter summed the payments of each, at every visit of the home page)."""
    matching = select(Receivable.id).where(*where).limit(CAP + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(matching))


def todo(user: User) -> list[TodoItem]:
    today = business_day()
    items = []
    if access.may_write(user):
        awaiting = _count_capped(levels.due_clause(today), access.receivable_scope(user))
        if awaiting > CAP:
            text = gettext(
                "More than %(num)s receivables await a letter at a new reminder level",
                num=CAP,
            )
        else:
            text = ngettext(
                "%(num)s receivable awaits a letter at a new reminder level",
                "%(num)s receivables await a letter at a new reminder level",
                awaiting,
            )
        if awaiting:
            items.append(TodoItem(text, url_for("receivables.index", chase=1), overdue=True))
    elif user.can("receivables.own"):
        overdue = _count(
            Receivable.handler_id == user.id,
            access.receivable_scope(user),
            Receivable.due_on < today,
            ledger.balance_fen() > 0,
        )
        if overdue:
            text = ngettext(
                "%(num)s receivable you handle is overdue",
                "%(num)s receivables you handle are overdue",
                overdue,
            )
            items.append(TodoItem(text, url_for("receivables.index")))
    if user.can("receivables.approve"):
        waiting = _count(
            Receivable.id == WriteOff.receivable_id,
            WriteOff.state == WriteOffState.PROPOSED,
            WriteOff.proposed_by_id != user.id,
            access.receivable_scope(user),
        )
        if waiting:
            text = ngettext(
                "%(num)s write-off awaits your decision",
                "%(num)s write-offs await your decision",
                waiting,
            )
            items.append(TodoItem(text, url_for("receivables.write_offs")))
    return items
