"""The clean-up campaigns' stored progress (``CampaignCount``): per campaign and
verification, the items' figures, so a campaign's page reads a few rows whatever its
size.

An item adds to its verification's row a "share" worked out from its balance at the
start, its receivable's balance and what approved write-offs closed of it (fen), the
last two stored on the item as counted (``counted_fen``, ``written_fen``). Every change
adds the difference of shares, in the caller's transaction: a verification moves the
share from one row to another (``move``), a change of balance (``ledger.settle``: a
payment, a reversal, a write-off) refreshes the items of those receivables
(``refresh``); a new campaign, or a bulk change of verifications, is counted from its
items (``recount``). The addition is an upsert, so two writers add up.
"""

from sqlalchemy import case, delete, func, insert, select, update

from modules.receivables.models import (
    CampaignCount,
    CampaignItem,
    Receivable,
    Verification,
    WriteOff,
    WriteOffState,
)
from parkops.db import insert_for
from parkops.extensions import db

FIGURES = ("items", "start_fen", "collected", "collected_fen", "written_off", "written_off_fen")


def share(start_fen: int, balance: int, written: int) -> tuple[int, ...]:
    """One item's part of each of FIGURES: a write-off is not collected money, so what
    was written off is counted apart from what was paid since the start."""
    paid_since = start_fen - balance - written
    return (
        1,
        start_fen,
        1 if balance <= 0 and written == 0 else 0,
        max(paid_since, 0),
        1 if written > 0 else 0,
        written,
    )


def written_fen():
    """SQL: what approved write-offs closed of the receivable ``Receivable.id`` (fen)."""
    return (
        select(func.coalesce(func.sum(WriteOff.amount_fen), 0))
        .where(WriteOff.receivable_id == Receivable.id, WriteOff.state == WriteOffState.APPROVED)
        .scalar_subquery()
    )


def _add(changes: dict[tuple[int, Verification], list[int]]) -> None:
    """Add each (campaign id, verification) → FIGURES differences to the stored rows."""
    rows = [
        {"campaign_id": c, "state": s.value, **dict(zip(FIGURES, figures, strict=True))}
        for (c, s), figures in changes.items()
        if any(figures)
    ]
    if not rows:
        return
    insert_ = insert_for(db.session, CampaignCount.__table__)
    table = CampaignCount.__table__
    upsert = insert_.on_conflict_do_update(
        index_elements=["campaign_id", "state"],
        set_={name: table.c[name] + insert_.excluded[name] for name in FIGURES},
    )
    db.session.execute(upsert, rows)


def move(item: CampaignItem, state: Verification) -> None:
    """Count ``item`` under ``state`` instead of its verification now (before it is
    set); the caller sets it."""
    if state == item.state:
        return
    part = share(item.start_fen, item.counted_fen, item.written_fen)
    _add(
        {
            (item.campaign_id, item.state): [-n for n in part],
            (item.campaign_id, state): list(part),
        }
    )


def refresh(receivable_ids: list[int]) -> None:
    """Count the items of ``receivable_ids`` (a batch of ids) with their receivables'
    balances and write-offs now (flushed); items unchanged cost nothing more."""
    rows = db.session.execute(
        select(
            CampaignItem.id,
            CampaignItem.campaign_id,
            CampaignItem.state,
            CampaignItem.start_fen,
            CampaignItem.counted_fen,
            CampaignItem.written_fen,
            Receivable.open_fen,
            written_fen(),
        )
        .join(Receivable, Receivable.id == CampaignItem.receivable_id)
        .where(CampaignItem.receivable_id.in_(receivable_ids))
    ).all()
    changes: dict[tuple[int, Verification], list[int]] = {}
    updated = []
    for item_id, campaign_id, state, start, counted, written, balance, written_now in rows:
        if (counted, written) == (balance, written_now):
            continue
        old, new = share(start, counted, written), share(start, balance, written_now)
        figures = changes.setdefault((campaign_id, state), [0] * len(FIGURES))
        for n, (a, b) in enumerate(zip(old, new, strict=True)):
            figures[n] += b - a
        updated.append({"id": item_id, "counted_fen": balance, "written_fen": written_now})
    if updated:
        db.session.execute(update(CampaignItem), updated)
        _add(changes)
    # Loaded items would keep the old figures for the rest of the request.
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, CampaignItem) and obj.receivable_id in receivable_ids:
            db.session.expire(obj, ["counted_fen", "written_fen"])


def recount(campaign_id: int) -> None:
    """Count the campaign from its items (flushed), replacing its stored rows: for a new
    campaign or a bulk change of verifications."""
    table = CampaignCount.__table__
    db.session.execute(delete(table).where(table.c.campaign_id == campaign_id))
    item = CampaignItem
    paid_since = item.start_fen - item.counted_fen - item.written_fen
    counted = (
        select(
            item.campaign_id,
            item.state,
            func.count(),
            func.sum(item.start_fen),
            func.sum(case(((item.counted_fen <= 0) & (item.written_fen == 0), 1), else_=0)),
            func.sum(case((paid_since > 0, paid_since), else_=0)),
            func.sum(case((item.written_fen > 0, 1), else_=0)),
            func.sum(item.written_fen),
        )
        .where(item.campaign_id == campaign_id)
        .group_by(item.campaign_id, item.state)
    )
    db.session.execute(insert(table).from_select(["campaign_id", "state", *FIGURES], counted))
