"""Debtors and receivables: registering them and computing what is still owed.

A receivable's balance is ``amount_fen`` less the sum of its allocations (contra rows
of reversed payments are negative; an approved write-off is one too). It is stored
(``Receivable.open_fen``): every path that adds allocations calls ``settle`` for the
receivables it touched, in its own transaction, so the lists, aging and campaigns read
one column instead of summing the ledger.
Amounts are fen; dates are local business days.
"""

from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from modules.receivables import campaign_counts, month_sums, sums
from modules.receivables.errors import ReceivablesError
from modules.receivables.models import (
    Allocation,
    Debtor,
    DebtorKind,
    Receivable,
    ReceivableKind,
)
from parkops import audit, idempotency
from parkops.attachments import AttachmentError, store_file
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.timeutil import business_day

SETTLE_BATCH = 10_000  # ids per UPDATE: under SQLite's bound-parameter limit
EARLIEST_DAY = date(2000, 1, 1)  # as the ledger forms (parkops.rectification.forms)
MAX_AMOUNT_FEN = 10**10  # ¥100,000,000: above any one debt a park is owed; refuses typos


def paid_fen(receivable_id_column=Receivable.id):
    """Correlated scalar: the fen allocated to the receivable (0 when none)."""
    return (
        select(func.coalesce(func.sum(Allocation.amount_fen), 0))
        .where(Allocation.receivable_id == receivable_id_column)
        .scalar_subquery()
    )


def balance_fen():
    """SQL expression: a receivable's open balance in fen (stored, see ``settle``)."""
    return Receivable.open_fen


def settle(receivable_ids, day: date, added: dict | None = None) -> None:
    """Store the open balance (amount less allocations) of ``receivable_ids`` (an
    iterable of ids), after flushing the allocations just added (``day``: the local
    day every one of them carries; or, for allocations of many days inserted in bulk
    (``generate``), ``added``: {receivable id: {local day: fen}} of them, ``day`` then
    their earliest), and add each change to the aging sums (``sums.add``) and to its
    days' (``sums.settled``), the campaigns' counts
    (``campaign_counts.refresh``) and drop the month-end sums it changes
    (``month_sums.stale``). Recomputed from the lines rather than
    decremented, so the stored figure is the sum whatever the path; the writers of one
    debtor are serialized (``limits.serialize``), so no allocation slips between the
    read and the write."""
    db.session.flush()
    touched = set(receivable_ids)
    ids = sorted(touched)
    for start in range(0, len(ids), SETTLE_BATCH):
        rows = db.session.execute(
            select(
                Receivable.id,
                Receivable.site_id,
                Receivable.kind,
                Receivable.handler_id,
                Receivable.due_on,
                Receivable.open_fen,
                Receivable.amount_fen - paid_fen(),
                Receivable.raised_on,
                Receivable.amount_fen,
            ).where(Receivable.id.in_(ids[start : start + SETTLE_BATCH]))
        ).all()
        changed = [row for row in rows if row[6] != row[5]]
        if not changed:
            continue
        db.session.execute(
            update(Receivable),
            [{"id": row[0], "open_fen": row[6]} for row in changed],
        )
        sums.add((*row[1:5], row[6] - row[5], (row[6] > 0) - (row[5] > 0)) for row in changed)
        paid = added or {row[0]: {day: row[5] - row[6]} for row in changed}
        sums.settled([(*row[:5], row[7], row[8]) for row in changed], paid)
        campaign_counts.refresh([row[0] for row in changed])
        month_sums.stale((row[1], min(paid[row[0]])) for row in changed)
    # Loaded receivables would keep the old figure for the rest of the request.
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Receivable) and obj.id in touched:
            db.session.expire(obj, ["open_fen"])


def balance_of(receivable: Receivable) -> int:
    """The receivable's open balance in fen, as of now."""
    return db.session.scalar(select(balance_fen()).where(Receivable.id == receivable.id))


def check_amount(amount_fen: int | None) -> int:
    """``amount_fen`` when it is a positive amount a person could owe; else a refusal."""
    if amount_fen is None or amount_fen <= 0:
        raise ReceivablesError(_("The amount must be more than zero."))
    if amount_fen > MAX_AMOUNT_FEN:
        raise ReceivablesError(_("The amount is too large."))
    return amount_fen


def check_not_future(day: date) -> date:
    """A day something happened (raised, received): refused in the future or before
    ``EARLIEST_DAY`` (a typo such as 1900-01-01; the ledger forms' bound)."""
    if day > business_day():
        raise ReceivablesError(_("The date %(day)s is in the future.", day=day.isoformat()))
    if day < EARLIEST_DAY:
        raise ReceivablesError(_("Enter a date between 2000 and 2100."))
    return day


USER_SUBJECT = "core.user"  # a staff debtor standing for a user account (reminders)


@dataclass
class DebtorData:
    """A debtor as typed: the site's id, the name, kind and the optional details."""

    site_id: int
    name: str
    kind: DebtorKind
    id_code: str = ""
    contact: str = ""
    phone: str = ""
    address: str = ""
    subject_kind: str | None = None
    subject_id: int | None = None


def add_debtor(data: DebtorData, user: User | None) -> Debtor:
    """Register a debtor (adds and flushes; the caller commits). ReceivablesError when
    the name is empty, the site unknown, or a user account (``USER_SUBJECT``) given for
    a debtor who is not a staff member, or one that is unknown or deactivated."""
    if not data.name.strip():
        raise ReceivablesError(_("Give the debtor's name."))
    if db.session.get(Site, data.site_id) is None:
        raise ReceivablesError(_("Choose a site."))
    if data.subject_kind == USER_SUBJECT:
        account = db.session.get(User, data.subject_id)
        if data.kind != DebtorKind.STAFF or account is None or not account.active:
            raise ReceivablesError(_("Only a staff member stands for an active account."))
    debtor = Debtor(
        site_id=data.site_id,
        name=data.name.strip(),
        kind=data.kind,
        id_code=data.id_code.strip().upper(),
        contact=data.contact.strip(),
        phone=data.phone.strip(),
        address=data.address.strip(),
        subject_kind=data.subject_kind,
        subject_id=data.subject_id,
        created_by_id=user.id if user else None,
    )
    db.session.add(debtor)
    db.session.flush()
    audit.record("receivables.debtor_added", "debtor", debtor.id, {"name": debtor.name}, actor=user)
    return debtor


def create_debtor(data: DebtorData, user: User, retry_key: str | None = None) -> Debtor:
    """One transaction: register a debtor from the form; ReceivablesError rolls back."""
    try:
        debtor = add_debtor(data, user)
    except ReceivablesError:
        db.session.rollback()
        raise
    if retry_key:  # the page it led to, for a repeat of the same form
        url = url_for("receivables.debtor", debtor_id=debtor.id)
        idempotency.remember(retry_key, url, user.id)
    db.session.commit()
    return debtor


@dataclass
class ReceivableData:
    """A receivable as typed: amount in fen, local dates; department and handler optional."""

    debtor_id: int
    site_id: int
    kind: ReceivableKind
    amount_fen: int
    raised_on: date
    due_on: date
    origin: str = ""
    department_id: int | None = None
    handler_id: int | None = None
    note: str = ""
    reference: str | None = None


def add_receivable(data: ReceivableData, user: User | None) -> Receivable:
    """Add a receivable (flushes; the caller commits). ReceivablesError when the amount
    is not positive or too large, it is raised in the future, falls due before it is
    raised, the debtor is unknown or registered at another site, or the handler cannot
    see the site; or when ``reference`` was used already."""
    check_amount(data.amount_fen)
    check_not_future(data.raised_on)
    if data.due_on < data.raised_on:
        raise ReceivablesError(_("The due date comes before the date it was raised."))
    debtor = db.session.get(Debtor, data.debtor_id)
    if debtor is None:
        raise ReceivablesError(_("Unknown debtor."))
    if db.session.get(Site, data.site_id) is None:
        raise ReceivablesError(_("Choose a site."))
    # A debtor is one site's (seen by its finance, matched by name and site on import,
    # paid at it): owed elsewhere is another site's debtor, else that site's finance
    # could not open the debtor of a receivable it sees.
    if debtor.site_id != data.site_id:
        raise ReceivablesError(
            _(
                "%(debtor)s is a debtor of %(site)s: raise it there, or add the debtor at"
                " this site.",
                debtor=debtor.name,
                site=debtor.site.name,
            )
        )
    # Handlers see what they handle: someone who cannot see the site could not open it.
    handler = db.session.get(User, data.handler_id) if data.handler_id else None
    if data.handler_id and not (handler and handler.active and handler.can_see_site(data.site_id)):
        raise ReceivablesError(_("The handler must be someone working at the site."))
    receivable = Receivable(
        debtor_id=debtor.id,
        site_id=data.site_id,
        kind=data.kind,
        origin=data.origin.strip(),
        amount_fen=data.amount_fen,
        raised_on=data.raised_on,
        due_on=data.due_on,
        department_id=data.department_id,
        handler_id=data.handler_id,
        note=data.note.strip(),
        reference=data.reference,
        created_by_id=user.id if user else None,
    )
    db.session.add(receivable)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as clash:
        raise ReceivablesError(_("This receivable was raised already.")) from clash
    key = (data.site_id, data.kind, data.handler_id, data.due_on)
    sums.add([(*key, data.amount_fen, 1)])
    sums.add_days([(*key, data.raised_on, data.amount_fen, 1)])
    month_sums.stale([(data.site_id, data.raised_on)])
    audit.record(
        "receivables.raised",
        "receivable",
        receivable.id,
        {"amount_fen": data.amount_fen, "debtor_id": debtor.id},
        actor=user,
    )
    return receivable


def raise_receivable(
    data: ReceivableData, user: User, files=(), retry_key: str | None = None
) -> Receivable:
    """One transaction: a receivable from the form, with its scans (contract, IOU,
    approval) as attachments. ReceivablesError (or AttachmentError) rolls back."""
    try:
        receivable = add_receivable(data, user)
        for upload in files:
            store_file(upload, "receivables.receivable", receivable.id, user.id)
    except (ReceivablesError, AttachmentError):
        db.session.rollback()
        raise
    if retry_key:  # the page it led to, for a repeat of the same form
        url = url_for("receivables.receivable", receivable_id=receivable.id)
        idempotency.remember(retry_key, url, user.id)
    db.session.commit()
    return receivable


def open_receivables(debtor_id: int, site_id: int, ids: list[int] | None = None):
    """The debtor's receivables at the site with a balance, oldest first (due date,
    then raised, then id): [(Receivable, balance fen)]; only ``ids`` when given."""
    balance = balance_fen().label("balance")
    query = (
        select(Receivable, balance)
        .where(Receivable.debtor_id == debtor_id, Receivable.site_id == site_id)
        .where(balance_fen() > 0)
        .order_by(Receivable.due_on, Receivable.raised_on, Receivable.id)
    )
    if ids is not None:
        query = query.where(Receivable.id.in_(ids))
    return [(r, b) for r, b in db.session.execute(query)]
