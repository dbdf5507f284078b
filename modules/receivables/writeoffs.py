"""Write-offs (核销): finance proposes writing off what is left of a receivable, with a
reason and scans (court rulings, death certificates, bankruptcy papers, approval
minutes); a leader (``receivables.approve``) other than the proposer approves or
refuses. Approval adds an allocation of the balance left then (no payment, the
approval's local day), so every balance, the aging, statements and chasing count it;
the receivable, its payments and the proposal stay as they were.

Money is int fen; ``written_off_on`` is a local date. Every step is audited; an
approved write-off is evidence for problem 36 (``receivables.write_off``).
"""

from flask_babel import gettext as _
from sqlalchemy import exists, false, func, select
from sqlalchemy.orm import joinedload

from modules.receivables import access, campaigns, ledger
from modules.receivables.errors import ReceivablesError
from modules.receivables.models import (
    Allocation,
    CampaignItem,
    Debtor,
    Receivable,
    Verification,
    WriteOff,
    WriteOffState,
)
from parkops import audit, deciding, limits, paging
from parkops.attachments import AttachmentError, store_file
from parkops.auth.models import Site, User
from parkops.db import utcnow
from parkops.extensions import db
from parkops.money import format_fen
from parkops.rectification.services import link_evidence
from parkops.timeutil import business_day

OWNER = "receivables.write_off"  # the attachments' owner kind
MAX_REASON = 2000


def open_proposal(receivable_id: int) -> WriteOff | None:
    """The receivable's write-off awaiting a decision, if any."""
    return db.session.scalar(
        select(WriteOff).where(
            WriteOff.receivable_id == receivable_id, WriteOff.state == WriteOffState.PROPOSED
        )
    )


def may_decide(user: User, write_off: WriteOff) -> bool:
    """A leader at the receivable's site who did not propose it, while it waits."""
    return (
        write_off.state == WriteOffState.PROPOSED
        and user.can("receivables.approve")
        and user.can_see_site(write_off.receivable.site_id)
        and user.id != write_off.proposed_by_id
    )


def propose(
    receivable: Receivable,
    reason: str,
    files,
    user: User,
    item: CampaignItem | None = None,
) -> WriteOff:
    """One transaction: propose writing off ``receivable``'s balance with ``reason``
    and ``files`` (uploads: photos re-encoded, PDF/Word/Excel checked); an ``item`` of a
    clean-up campaign is marked "proposed for write-off" with the reason as its note.
    ReceivablesError or AttachmentError, nothing stored, when the user may not write at
    the site, the reason is empty or over 2,000 characters, no file is attached (issue
    10: proposed "with a reason and attachments"), nothing is left owed (paid or written
    off), a proposal already waits, or a file is refused."""
    reason = reason.strip()
    try:
        limits.serialize(f"receivables.debtor:{receivable.debtor_id}")
        if not access.may_write(user, receivable.site_id):
            raise ReceivablesError(_("Only finance at the receivable's site proposes a write-off."))
        if not reason:
            raise ReceivablesError(_("A write-off proposal needs its reason."))
        if len(reason) > MAX_REASON:
            raise ReceivablesError(_("The reason is too long (at most 2,000 characters)."))
        if not files:
            raise ReceivablesError(
                _("Attach at least one scan (a court ruling, a certificate, an approval…).")
            )
        balance = ledger.balance_of(receivable)
        if balance <= 0:
            raise ReceivablesError(
                _("Nothing is owed on this receivable: there is nothing to write off.")
            )
        if open_proposal(receivable.id) is not None:
            raise ReceivablesError(_("A write-off of this receivable already awaits a decision."))
        write_off = WriteOff(
            receivable_id=receivable.id,
            item_id=item.id if item else None,
            reason=reason,
            state=WriteOffState.PROPOSED,
            proposed_fen=balance,
            proposed_by_id=user.id,
        )
        db.session.add(write_off)
        db.session.flush()
        for upload in files:
            store_file(upload, OWNER, write_off.id, user.id)
        if item is not None:
            campaigns.mark(item, Verification.WRITE_OFF, reason, user)
        _audit("receivables.write_off_proposed", write_off, balance, user)
    except (ReceivablesError, AttachmentError):
        db.session.rollback()
        raise
    db.session.commit()
    return write_off


def _decided_already(write_off: WriteOff) -> deciding.AlreadyDecided:
    return deciding.AlreadyDecided(
        _(
            "This write-off was decided already, by %(name)s at %(time)s.",
            **deciding.who_when(write_off.decided_by_id, write_off.decided_at),
        )
    )


def decide(write_off: WriteOff, approve: bool, user: User) -> WriteOff:
    """One transaction: approve (an allocation closes the balance left, linked as
    evidence for 36) or refuse ``write_off``. ``deciding.AlreadyDecided`` (who, when),
    nothing changed, when it was decided already (two leaders at once: the second
    waits for the first's commit, then is refused); ReceivablesError when the user
    proposed it or is not a leader at its site, or (approving) nothing is left owed."""
    receivable = write_off.receivable
    try:
        limits.serialize(f"receivables.debtor:{receivable.debtor_id}")
        # The state first, under the lock: a second leader's approval closed the balance.
        deciding.once(write_off, lambda w: w.state == WriteOffState.PROPOSED, _decided_already)
        if user.id == write_off.proposed_by_id:
            raise ReceivablesError(_("You proposed this write-off: another leader decides."))
        if not user.can("receivables.approve") or not user.can_see_site(receivable.site_id):
            raise ReceivablesError(_("A leader decides on a write-off."))
        balance = ledger.balance_of(receivable)
        if approve and balance <= 0:
            raise ReceivablesError(
                _("Nothing is owed on this receivable: there is nothing to write off.")
            )
        today = business_day()
        write_off.state = WriteOffState.APPROVED if approve else WriteOffState.REFUSED
        write_off.decided_by_id, write_off.decided_at = user.id, utcnow()
        write_off.amount_fen = balance if approve else None
        write_off.written_off_on = today if approve else None
        if approve:
            db.session.add(
                Allocation(
                    receivable_id=receivable.id,
                    amount_fen=balance,
                    paid_on=today,
                    write_off_id=write_off.id,
                )
            )
            ledger.settle([receivable.id], today)
            summary = f"{receivable.debtor.name} #{receivable.id} {format_fen(balance)}"
            link_evidence(
                "receivables.write_off", write_off.id, summary, site_id=receivable.site_id
            )
        action = "receivables.write_off_approved" if approve else "receivables.write_off_refused"
        _audit(action, write_off, balance, user)
    except (ReceivablesError, deciding.AlreadyDecided):
        db.session.rollback()
        raise
    db.session.commit()
    return write_off


def _audit(action: str, write_off: WriteOff, balance: int, user: User) -> None:
    audit.record(
        action,
        "receivable",
        write_off.receivable_id,
        {"write_off_id": write_off.id, "amount_fen": balance, "reason": write_off.reason},
        actor=user,
    )


def page_of(user: User, page: int, waiting_only: bool = False):
    """Page ``page`` (from 1) of the write-offs of the receivables ``user`` may see,
    waiting ones first, newest first: a ``paging.SplitPagination`` of rows ``id,
    receivable_id, debtor_name, site_name`` (the receivable's), ``proposed_fen,
    amount_fen`` (fen; None until approved), ``proposed_by_name, proposed_at`` (UTC),
    ``state``. The waiting ones and the others are each read newest first along an
    index (the waiting ones along ``(state, id)``), so no statement sorts every
    write-off."""
    where = []
    if user.site_ids is not None or not access.reads_all(user):
        # EXISTS, not a join: SQLite would read the receivables first, every one of
        # the reader's sites (200,000), to find the few thousand written off. A reader
        # of every site needs neither: every write-off's receivable is hers.
        where.append(
            exists(
                select(Receivable.id).where(
                    Receivable.id == WriteOff.receivable_id, access.receivable_scope(user)
                )
            )
        )
    waiting = WriteOff.state == WriteOffState.PROPOSED
    newest = select(WriteOff.id).where(*where).order_by(WriteOff.id.desc())
    total = func.count().filter(waiting) if waiting_only else func.count()
    return paging.paginate_split(
        newest.where(waiting),
        newest.where(false() if waiting_only else ~waiting),
        select(func.count().filter(waiting), total).select_from(WriteOff).where(*where),
        _rows,
        page,
    )


def _rows(ids: list[int]):
    """The select of the list's rows of the write-offs ``ids``, by primary key. Columns,
    not objects: a write-off object brought its receivable, debtor, sites and proposer,
    five objects a row drawn."""
    return (
        select(
            WriteOff.id,
            WriteOff.receivable_id,
            Debtor.name.label("debtor_name"),
            Site.name.label("site_name"),
            WriteOff.proposed_fen,
            WriteOff.amount_fen,
            User.display_name.label("proposed_by_name"),
            WriteOff.proposed_at,
            WriteOff.state,
        )
        .join(Receivable, Receivable.id == WriteOff.receivable_id)
        .join(Debtor, Debtor.id == Receivable.debtor_id)
        .join(Site, Site.id == Receivable.site_id)
        .join(User, User.id == WriteOff.proposed_by_id)
        .where(WriteOff.id.in_(ids))
    )


def of_receivable(receivable_id: int) -> list[WriteOff]:
    """The receivable's write-offs, oldest first (its history)."""
    return list(
        db.session.scalars(
            select(WriteOff)
            .options(joinedload(WriteOff.proposed_by))
            .where(WriteOff.receivable_id == receivable_id)
            .order_by(WriteOff.id)
        )
    )
