"""Stored sums of what is owed, for the aging grid (``OpenSum``, ``MonthToDate``).

One row per site, kind, handler and due day holds the open balance (fen) of every
receivable with that key and how many of them owe (``open_count``: ``open_fen`` > 0),
so the count over a year past due reads a few hundred sums, not every receivable.
Each change to what a receivable owes adds its difference here, in the same
transaction: a receivable raised adds its amount and one (``ledger``, ``generate``,
``demo``), an allocation settled adds the change of ``open_fen`` and of whether it
owes (``ledger.settle``). The same changes are added to the days they happened on
and to each later day of their month (``MonthToDate``: the day raised, the
allocations' day; for how many owe, the days a receivable starts or stops owing,
``settled``), so a past day's grid adds one day's rows to the month-end before it. The
additions are upserts (INSERT … ON CONFLICT DO UPDATE SET open_fen = open_fen + the
change, the same for the count), so two writers of the same key add up: PostgreSQL
locks the row, SQLite has one writer at a time.
"""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select

from modules.receivables import month_sums
from modules.receivables.models import Allocation, OpenSum, ReceivableKind
from modules.receivables.month_models import MonthToDate
from parkops.db import insert_for
from parkops.extensions import db

BATCH = 5_000  # keys per executemany


def add(changes) -> None:
    """Add ``changes``, an iterable of (site id, kind, handler id or None, due day,
    fen, owing; fen negative: less is owed; owing: the change, -1, 0 or 1, in the
    receivables that owe), to the stored sums, one batch of keys at a time."""
    totals: dict[tuple[int, ReceivableKind, int, date], list[int]] = defaultdict(lambda: [0, 0])
    for site_id, kind, handler_id, due_on, fen, owing in changes:
        total = totals[(site_id, ReceivableKind(kind), handler_id or 0, due_on)]
        total[0] += fen
        total[1] += owing
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
    keys = ("site_id", "kind", "handler_id", "due_on")
    add((*(r[k] for k in keys), r["amount_fen"], 1) for r in rows)
    add_days((*(r[k] for k in keys), r["raised_on"], r["amount_fen"], 1) for r in rows)


def add_days(changes) -> None:
    """Add ``changes``, an iterable of (site id, kind, handler id or None, due day,
    local day, fen, owing: the change that day in what is owed and in how many owe) to
    ``MonthToDate``: each to its key's rows from its day to the last of its month (at
    most 31 a key), in one order of keys for every writer (no deadlock)."""
    months: dict[tuple, dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for site_id, kind, handler_id, due_on, day, fen, owing in changes:
        key = (day.replace(day=1), site_id, ReceivableKind(kind), handler_id or 0, due_on)
        total = months[key][day]
        total[0] += fen
        total[1] += owing
    totals = {}
    for (first, *key), days in months.items():
        fen = owing = 0
        day = min(days)
        while day.month == first.month:  # the running total, to the month's last day
            change = days.get(day)
            if change:
                fen, owing = fen + change[0], owing + change[1]
            if fen or owing:
                totals[(day, *key)] = (fen, owing)
            day += timedelta(days=1)
    rows = [
        {"day": day, "site_id": s, "kind": k, "handler_id": h, "due_on": d}
        | {"fen": fen, "owing": owing}
        for (day, s, k, h, d), (fen, owing) in sorted(totals.items())
    ]
    if not rows:
        return
    insert = insert_for(db.session, MonthToDate)
    upsert = insert.on_conflict_do_update(
        index_elements=["day", "site_id", "kind", "handler_id", "due_on"],
        set_={
            "fen": MonthToDate.fen + insert.excluded.fen,
            "owing": MonthToDate.owing + insert.excluded.owing,
        },
    )
    for start in range(0, len(rows), BATCH):
        db.session.execute(upsert, rows[start : start + BATCH])


def settled(changed, added: dict[int, dict[date, int]]) -> None:
    """Add to ``MonthToDate`` what settling new allocations changed: ``changed`` are
    (receivable id, site id, kind, handler id or None, due day, raised day, amount) of
    receivables, ``added`` {receivable id: {local day: fen}} of their new allocations.
    Each takes its fen off on its day (or the raised day, when later); whether a
    receivable owes may change on any later day of its allocations, so its days of
    owing are worked out before and after from its allocations per day (one statement
    per batch)."""
    ids = [row[0] for row in changed]
    paid: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for start in range(0, len(ids), BATCH):
        query = (
            select(Allocation.receivable_id, Allocation.paid_on, func.sum(Allocation.amount_fen))
            .where(Allocation.receivable_id.in_(ids[start : start + BATCH]))
            .group_by(Allocation.receivable_id, Allocation.paid_on)
        )
        for rid, paid_on, fen in db.session.execute(query):
            paid[rid][paid_on] += int(fen)
    changes = []
    for rid, site_id, kind, handler_id, due_on, raised_on, amount in changed:
        key = (site_id, kind, handler_id, due_on)
        moves = defaultdict(int, {raised_on: amount})
        for paid_on, fen in paid[rid].items():
            moves[max(paid_on, raised_on)] -= fen
        old = dict(moves)
        for paid_on, fen in added[rid].items():
            on = max(paid_on, raised_on)
            changes.append((*key, on, -fen, 0))
            old[on] = old.get(on, 0) + fen
        new_owing, old_owing = _owing(moves), _owing(old)
        for d in new_owing.keys() | old_owing.keys():
            changes.append((*key, d, 0, new_owing.get(d, 0) - old_owing.get(d, 0)))
    add_days(changes)


def _owing(moves: dict[date, int]) -> dict[date, int]:
    """{day: +1 or -1} on the days a receivable starts or stops owing, from its moves
    per day ({day: fen}: + raised, − allocated)."""
    found, balance, owes = {}, 0, 0
    for day in sorted(moves):
        balance += moves[day]
        if (balance > 0) != owes:
            owes = int(balance > 0)
            found[day] = 1 if owes else -1
    return found
