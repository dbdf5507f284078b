"""The follow-up log of a receivable: calls, visits, promises to pay, replies.

Entries are added, never edited or removed; each keeps its author and time (UTC).
A promise to pay names the local date it runs to (today or later) and the amount
promised in fen (above zero, at most the receivable's open balance); while that date
has not passed the receivable's chasing level does not rise (``levels``).
"""

from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from modules.receivables import ledger
from modules.receivables.errors import ReceivablesError
from modules.receivables.models import Debtor, FollowUp, FollowUpKind, Receivable
from parkops import audit, idempotency
from parkops.auth.models import User
from parkops.extensions import db
from parkops.money import format_fen

MAX_NOTE = 2000


@dataclass
class FollowUpData:
    """As typed: ``promised_on`` and ``promised_fen`` for a promise only."""

    kind: FollowUpKind
    note: str = ""
    promised_on: date | None = None
    promised_fen: int | None = None


def add(
    receivable: Receivable,
    data: FollowUpData,
    user: User,
    today: date,
    retry_key: str | None = None,
) -> FollowUp:
    """Log one entry, audited; commits (with ``retry_key`` remembered, so a repeated
    post adds nothing). ReceivablesError (nothing stored) for an empty
    note on anything but a promise, a note over 2,000 characters, or a promise without
    a date, dated before ``today``, of no amount or a negative one, or over the open
    balance."""
    note = data.note.strip()
    if len(note) > MAX_NOTE:
        raise ReceivablesError(_("The note is too long (at most 2,000 characters)."))
    if data.kind == FollowUpKind.PROMISE:
        if data.promised_on is None or data.promised_on < today:
            raise ReceivablesError(_("A promise to pay needs a date, today or later."))
        if data.promised_fen is None or data.promised_fen <= 0:
            raise ReceivablesError(_("A promise to pay needs an amount above zero."))
        balance = ledger.balance_of(receivable)
        if data.promised_fen > balance:
            raise ReceivablesError(
                _(
                    "The amount promised is more than the open balance (%(fen)s).",
                    fen=format_fen(balance),
                )
            )
        promised_on, promised_fen = data.promised_on, data.promised_fen
    else:
        if not note:
            raise ReceivablesError(_("Say what was said or done."))
        promised_on = promised_fen = None
    entry = FollowUp(
        receivable_id=receivable.id,
        kind=data.kind,
        note=note,
        promised_on=promised_on,
        promised_fen=promised_fen,
        created_by_id=user.id,
    )
    db.session.add(entry)
    db.session.flush()
    details = {"kind": data.kind.value, "receivable_id": receivable.id}
    if promised_fen is not None:
        details |= {"amount_fen": promised_fen, "promised_on": promised_on.isoformat()}
    audit.record("receivables.follow_up", "receivable", receivable.id, details, actor=user)
    if retry_key:  # a repeat of the same form lands on the log, adds nothing
        url = url_for("receivables.receivable", receivable_id=receivable.id) + "#follow-ups"
        idempotency.remember(retry_key, url, user.id)
    db.session.commit()
    return entry


def of_receivable(receivable_id: int) -> list[FollowUp]:
    """The receivable's log, newest first (authors loaded in the same query)."""
    return _log(FollowUp.receivable_id == receivable_id)


def of_debtor(debtor: Debtor, receivable_scope) -> list[FollowUp]:
    """The log of every receivable of ``debtor`` the reader sees (``receivable_scope``,
    an SQL clause), newest first; one query."""
    ids = select(Receivable.id).where(Receivable.debtor_id == debtor.id, receivable_scope)
    return _log(FollowUp.receivable_id.in_(ids))


def _log(clause) -> list[FollowUp]:
    query = (
        select(FollowUp)
        .where(clause)
        .options(joinedload(FollowUp.created_by))
        .order_by(FollowUp.created_at.desc(), FollowUp.id.desc())
    )
    return list(db.session.scalars(query))
