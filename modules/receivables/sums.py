"""Stored sums of what is owed, for the aging grid (``OpenSum``, ``DayChange``).

One row per site, kind, handler and due day holds the open balance (fen) of every
receivable with that key and how many of them owe (``open_count``: ``open_fen`` > 0),
so the count over a year past due reads a few hundred sums, not every receivable.
Each change to what a receivable owes adds its difference here, in the same
transaction: a receivable raised adds its amount and one (``ledger``, ``generate``,
``demo``), an allocation settled adds the change of ``open_fen`` and of whether it
owes (``ledger.settle``). The same change is added to the day it happened on
(``DayChange``: the day raised, the allocations' day), so a past day's grid adds a
month of days to the month-end before it. The additions are upserts (INSERT … ON
CONFLICT DO UPDATE SET open_fen = open_fen + the change, the same for the count), so
two writers of the same key add up: PostgreSQL locks the row, SQLite has one writer at
a time.
"""

from collections import defaultdict
from datetime import date

from modules.receivables import month_sums
from modules.receivables.models import OpenSum, ReceivableKind
from modules.receivables.month_models import DayChange
from parkops.db import insert_for
from parkops.extensions import db

BATCH = 5_000  # keys per executemany


def add(changes) -> None:
    """Add ``changes``, an iterable of (site id, kind, handler id or None, due day,
    local day of the change, fen, owing; fen negative: less is owed; owing: the change,
    -1, 0 or 1, in the receivables that owe), to the stored sums and to the day's
    changes, one batch of keys at a time."""
    totals: dict[tuple[int, ReceivableKind, int, date], list[int]] = defaultdict(lambda: [0, 0])
    days: dict[tuple[date, int, ReceivableKind, int, date], int] = defaultdict(int)
    for site_id, kind, handler_id, due_on, day, fen, owing in changes:
        key = (site_id, ReceivableKind(kind), handler_id or 0, due_on)
        totals[key][0] += fen
        totals[key][1] += owing
        days[(day, *key)] += fen
    _add_days(days)
    rows = [
        {"site_id": s, "kind": k, "handler_id": h, "due_on": d, "open_fen": f, "open_count": c}
        for (s, k, h, d), (f, c) in totals.items()
        if f or c
    ]
    if not rows:
        return
    insert = insert_for(db.session, OpenSum)
    upsert = insert.on_conflict_do_update(
        index_elements=["site_id", "kind", "handler_id", "due_on"],
        set_={
            "open_fen": OpenSum.open_fen + insert.excluded.open_fen,
            "open_count": OpenSum.open_count + insert.excluded.open_count,
        },
    )
    for start in range(0, len(rows), BATCH):
        db.session.execute(upsert, rows[start : start + BATCH])


def add_raised(rows) -> None:
    """Add receivables just inserted in bulk (dicts with ``site_id``, ``kind``,
    ``handler_id``, ``due_on``, ``raised_on`` and ``amount_fen``, positive): each owes
    all of it, from the day it was raised on (``month_sums.stale``)."""
    month_sums.stale((r["site_id"], r["raised_on"]) for r in rows)
    keys = ("site_id", "kind", "handler_id", "due_on", "raised_on", "amount_fen")
    add((*(r[k] for k in keys), 1) for r in rows)


def _add_days(days: dict) -> None:
    """Add {(day, site id, kind, handler id or 0, due day): fen} to ``DayChange``."""
    rows = [
        {"day": day, "site_id": s, "kind": k, "handler_id": h, "due_on": d, "fen": fen}
        for (day, s, k, h, d), fen in sorted(days.items())  # one order: no deadlock
        if fen
    ]
    if not rows:
        return
    insert = insert_for(db.session, DayChange)
    upsert = insert.on_conflict_do_update(
        index_elements=["day", "site_id", "kind", "handler_id", "due_on"],
        set_={"fen": DayChange.fen + insert.excluded.fen},
    )
    for start in range(0, len(rows), BATCH):
        db.session.execute(upsert, rows[start : start + BATCH])
