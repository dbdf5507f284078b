"""The special clean-up (专项清理): a campaign lists every receivable of one site due
before a chosen date and still open when it starts; each is verified one by one
(甄别核实): confirmed as owed, disputed, paperwork to complete (then completed), or
proposed for write-off with a reason. Progress counts and sums (fen) by verification,
and what has been collected since the start (the start balance less the balance now).

Money is int fen; ``due_before`` and ``started_on`` are local dates.
"""

from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, insert, literal, select

from modules.receivables import access, campaign_counts, ledger
from modules.receivables.errors import ReceivablesError
from modules.receivables.models import (
    Campaign,
    CampaignCount,
    CampaignItem,
    Receivable,
    Verification,
)
from parkops import audit, deciding, idempotency, limits
from parkops.auth.models import User
from parkops.db import utcnow
from parkops.extensions import db
from parkops.money import format_fen
from parkops.rectification.services import link_evidence

MAX_NOTE = 2000


def start(
    name: str,
    site_id: int,
    due_before: date,
    user: User,
    today: date,
    retry_key: str | None = None,
) -> Campaign:
    """Open a campaign over the site's open receivables due before ``due_before``, each
    to verify, with its balance now; audited, commits. ReceivablesError (nothing
    stored) for an empty or over-long name, a site the user may not write at, a date
    after today, or no receivable to clean up."""
    name = name.strip()
    if not name or len(name) > 120:
        raise ReceivablesError(_("Give the campaign a name (at most 120 characters)."))
    if not access.may_write(user, site_id):
        raise ReceivablesError(_("Choose a site."))
    if due_before > today:
        raise ReceivablesError(_("The date cannot be in the future."))
    campaign = Campaign(
        name=name, site_id=site_id, due_before=due_before, started_on=today, created_by_id=user.id
    )
    db.session.add(campaign)
    db.session.flush()
    balance = ledger.balance_fen()
    chosen = select(
        literal(campaign.id),
        Receivable.id,
        Receivable.due_on,
        balance,
        balance,
        campaign_counts.written_fen(),
        literal(Verification.TO_VERIFY.value),
        literal(""),
    ).where(Receivable.site_id == site_id, Receivable.due_on < due_before, balance > 0)
    columns = [
        "campaign_id",
        "receivable_id",
        "due_on",
        "start_fen",
        "counted_fen",
        "written_fen",
        "state",
        "note",
    ]
    db.session.execute(insert(CampaignItem).from_select(columns, chosen))
    # Counted, not rowcount: the PostgreSQL driver reports -1 for an INSERT … SELECT here.
    added = db.session.scalar(select(func.count()).where(CampaignItem.campaign_id == campaign.id))
    if not added:
        db.session.rollback()
        raise ReceivablesError(_("No open receivable of that site is due before that date."))
    campaign_counts.recount(campaign.id)
    audit.record(
        "receivables.campaign_started",
        "campaign",
        campaign.id,
        {"name": name, "items": added},
        actor=user,
    )
    if retry_key:
        url = url_for("receivables.campaign", campaign_id=campaign.id)
        idempotency.remember(retry_key, url, user.id)
    db.session.commit()
    return campaign


def take(item: CampaignItem) -> None:
    """Lock ``item`` for a verification until the transaction ends and reload it: the
    debtor's writers first (as ``mark``), then its row (``deciding.take``), so a second
    verifier waits for the first's commit and then sees its verification."""
    limits.serialize(f"receivables.debtor:{item.receivable.debtor_id}")
    deciding.take(item)


def verify(item: CampaignItem, state: Verification, note: str, user: User) -> None:
    """Record an item's verification, audited; commits. ReceivablesError (nothing
    changed) for "to verify", a note over 2,000 characters, or a write-off proposal
    (that is ``writeoffs.propose``, with its reason and scans)."""
    if state == Verification.WRITE_OFF:
        raise ReceivablesError(_("Propose the write-off with its reason and scans."))
    mark(item, state, note, user)
    db.session.commit()


def mark(item: CampaignItem, state: Verification, note: str, user: User) -> None:
    """Set an item's verification and audit it; the first one is linked as evidence
    for problem 36 (``receivables.verified``). Flushes nothing, never commits.
    ReceivablesError for "to verify" or a note over 2,000 characters."""
    note = note.strip()
    if state == Verification.TO_VERIFY:
        raise ReceivablesError(_("Choose what the verification found."))
    if len(note) > MAX_NOTE:
        raise ReceivablesError(_("The note is too long (at most 2,000 characters)."))
    # The debtor's writers wait for each other (as ``ledger.settle``'s callers do), and
    # the item is read again under the lock: a verification or a payment that went on
    # at the same time would otherwise move or refresh the share this one moves.
    limits.serialize(f"receivables.debtor:{item.receivable.debtor_id}")
    db.session.refresh(item)
    first = item.state == Verification.TO_VERIFY
    campaign_counts.move(item, state)
    item.state, item.note = state, note
    item.verified_at, item.verified_by_id = utcnow(), user.id
    if first:  # an old debt analysed and verified: evidence for 36, once per item
        r = item.receivable
        summary = f"{r.debtor.name} #{r.id} {format_fen(item.start_fen)}"
        link_evidence("receivables.verified", item.id, summary, site_id=r.site_id)
    audit.record(
        "receivables.verified",
        "receivable",
        item.receivable_id,
        {"campaign_id": item.campaign_id, "state": state.value, "note": note},
        actor=user,
    )


@dataclass
class Line:
    """One verification's figures: items, their balance at the start (fen)."""

    state: Verification
    count: int
    start_fen: int


@dataclass
class Progress:
    lines: list[Line]  # every verification, in the enum's order
    count: int
    start_fen: int
    verified: int  # items no longer "to verify"
    verified_fen: int
    collected: int  # items paid in full since the start (not by a write-off)
    collected_fen: int  # paid since the start, over all items (write-offs apart)
    written_off: int  # items with an approved write-off
    written_off_fen: int


def progress(campaign: Campaign) -> Progress:
    """The campaign's figures, read from its stored counts (``campaign_counts``): a few
    rows whatever its size. A write-off is not collected money: what was written off
    is counted apart from what was paid since the start."""
    found = {
        row.state: row
        for row in db.session.scalars(
            select(CampaignCount).where(CampaignCount.campaign_id == campaign.id)
        )
    }
    lines = [
        Line(state, found[state].items, found[state].start_fen)
        if state in found
        else Line(state, 0, 0)
        for state in Verification
    ]
    to_verify = next(line for line in lines if line.state == Verification.TO_VERIFY)
    count = sum(line.count for line in lines)
    start_fen = sum(line.start_fen for line in lines)
    return Progress(
        lines=lines,
        count=count,
        start_fen=start_fen,
        verified=count - to_verify.count,
        verified_fen=start_fen - to_verify.start_fen,
        collected=sum(row.collected for row in found.values()),
        collected_fen=sum(row.collected_fen for row in found.values()),
        written_off=sum(row.written_off for row in found.values()),
        written_off_fen=sum(row.written_off_fen for row in found.values()),
    )


def verified_share(site_ids: frozenset[int] | None) -> tuple[int, int]:
    """(verified, all) items of the campaigns at ``site_ids`` (None: every site)."""
    where = [] if site_ids is None else [Campaign.site_id.in_(site_ids)]
    verified, count = db.session.execute(
        select(
            func.count().filter(CampaignItem.state != Verification.TO_VERIFY),
            func.count(),
        )
        .join(Campaign, Campaign.id == CampaignItem.campaign_id)
        .where(*where)
    ).one()
    return int(verified), int(count)


def first_start(site_ids: frozenset[int] | None) -> date | None:
    """The day the first campaign at ``site_ids`` started (None: no campaign)."""
    where = [] if site_ids is None else [Campaign.site_id.in_(site_ids)]
    return db.session.scalar(select(func.min(Campaign.started_on)).where(*where))


def items(campaign: Campaign, state: Verification | None = None):
    """SELECT of (CampaignItem, balance now in fen), oldest due first (along the item's
    ``(campaign, due day, id)`` index); one state only when given."""
    query = (
        select(CampaignItem, ledger.balance_fen().label("balance"))
        .join(Receivable, Receivable.id == CampaignItem.receivable_id)
        .where(CampaignItem.campaign_id == campaign.id)
        .order_by(CampaignItem.due_on, CampaignItem.id)
    )
    if state is not None:
        query = query.where(CampaignItem.state == state)
    return query


def item_count(campaign: Campaign, state: Verification | None = None):
    """SELECT of the number of the campaign's items (of ``state`` when given), from its
    stored counts."""
    where = [CampaignCount.campaign_id == campaign.id]
    if state is not None:
        where.append(CampaignCount.state == state)
    return select(func.coalesce(func.sum(CampaignCount.items), 0)).where(*where)
