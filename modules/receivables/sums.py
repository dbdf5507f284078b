"""Stored sums of what is owed, for the aging grid (``OpenSum``).

One row per site, kind, handler and due day holds the open balance (fen) of every
receivable with that key. Each change to what a receivable owes adds its difference
here, in the same transaction: a receivable raised adds its amount (``ledger``,
``generate``, ``demo``), an allocation settled adds the change of ``open_fen``
(``ledger.settle``). The addition is an upsert (INSERT … ON CONFLICT DO UPDATE SET
open_fen = open_fen + the change), so two writers of the same key add up: PostgreSQL
locks the row, SQLite has one writer at a time.
"""

from collections import defaultdict
from datetime import date

from modules.receivables.models import OpenSum, ReceivableKind
from parkops.db import insert_for
from parkops.extensions import db

BATCH = 5_000  # keys per executemany


def add(changes) -> None:
    """Add ``changes``, an iterable of (site id, kind, handler id or None, due day,
    fen; negative: less is owed), to the stored sums, one batch of keys at a time."""
    totals: dict[tuple[int, ReceivableKind, int, date], int] = defaultdict(int)
    for site_id, kind, handler_id, due_on, fen in changes:
        totals[(site_id, ReceivableKind(kind), handler_id or 0, due_on)] += fen
    rows = [
        {"site_id": s, "kind": k, "handler_id": h, "due_on": d, "open_fen": fen}
        for (s, k, h, d), fen in totals.items()
        if fen
    ]
    if not rows:
        return
    insert = insert_for(db.session, OpenSum)
    upsert = insert.on_conflict_do_update(
        index_elements=["site_id", "kind", "handler_id", "due_on"],
        set_={"open_fen": OpenSum.open_fen + insert.excluded.open_fen},
    )
    for start in range(0, len(rows), BATCH):
        db.session.execute(upsert, rows[start : start + BATCH])
