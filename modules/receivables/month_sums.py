"""Month-end aging sums (月末账龄): computed once, read flat, dropped by backdated writes.

Finance does aging at month-ends. The grid of a closed month-end (the last day of a
month, before today) is computed from the ledger the first time it is needed, by the
exact rule (a receivable raised by then, its balance then: the stored ``open_fen`` plus
what was allocated to it after the day), and stored per site (``month_models``): by
the nightly job for the last ``KEPT_MONTHS`` month-ends, and by the first reader of a
month-end still missing. Aging on a stored month-end then reads its rows only: a few
hundred per site by kind, site or handler; by debtor, a page of debtors' rows by key.

A write that changes a balance on or before a stored month-end (a payment received on
an earlier day, a reversal, which carries the payment's day, a write-off, a receivable
raised with an earlier day) calls ``stale`` in its own transaction: the site's
month-ends from that day on are dropped (their marks), so the next read recomputes
them. A reader computing from the state before such a write must not store what it
found: writers add one to the site's ``MonthStamp`` before dropping, and the reader
stores only if the stamp it read before computing is still the one it finds when it
stores, reading it with an upsert that locks the row on PostgreSQL (a writer waits for
the reader to commit and then drops what it stored; SQLite has one writer at a time).
"""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import case, delete, func, select

from modules.receivables.buckets import bucket_of
from modules.receivables.models import Allocation, Receivable
from modules.receivables.month_models import (
    MonthDaySum,
    MonthDebtorSum,
    MonthEnd,
    MonthStamp,
    MonthSum,
)
from parkops.auth.models import Site, User
from parkops.db import insert_for
from parkops.extensions import db
from parkops.timeutil import business_day

KEPT_MONTHS = 13  # month-ends the nightly job fills: the year back, for year-on-year
BATCH = 5_000  # rows per executemany
JOB = "receivables.month_ends"


def month_end_before(day: date) -> date:
    """The last day of the month before ``day``'s."""
    return day.replace(day=1) - timedelta(days=1)


def storable(day: date) -> bool:
    """True for the last day of a month that has closed (before today, local)."""
    return (day + timedelta(days=1)).day == 1 and day < business_day()


def choices(as_of: date) -> list[date]:
    """The month-ends the aging page offers: the last ``KEPT_MONTHS`` closed ones,
    newest first, and the one before ``as_of`` when it is older."""
    days = [month_end_before(business_day())]
    for _n in range(KEPT_MONTHS - 1):
        days.append(month_end_before(days[-1]))
    before = as_of if storable(as_of) else month_end_before(as_of)
    if before < days[-1]:
        days.append(before)
    return days


def stale(changes) -> None:
    """Drop the stored month-ends a write changes: ``changes`` are (site id, local day
    from which balances changed). Nothing for a day after every month-end that may be
    stored (today's payments, mostly): a reader stores days before its today, which is
    at most the writer's tomorrow (a transaction across midnight); one more day for a
    process whose clock runs ahead."""
    latest = month_end_before(business_day() + timedelta(days=2))
    earliest: dict[int, date] = {}
    for site_id, day in changes:
        if day <= latest and day < earliest.get(site_id, date.max):
            earliest[site_id] = day
    for site_id in sorted(earliest):  # one order for every writer: no deadlock
        _stamp(site_id, 1)
        db.session.execute(
            delete(MonthEnd).where(
                MonthEnd.site_id == site_id, MonthEnd.month_end >= earliest[site_id]
            )
        )


def _stamp(site_id: int, add: int) -> int:
    """Add ``add`` to the site's stamp and return it; the upsert locks the row on
    PostgreSQL until the transaction ends."""
    insert = insert_for(db.session, MonthStamp)
    upsert = insert.values(site_id=site_id, drops=add).on_conflict_do_update(
        index_elements=["site_id"], set_={"drops": MonthStamp.drops + add}
    )
    return db.session.scalar(upsert.returning(MonthStamp.drops))


def reader_sites(user: User, site_id: int | None) -> list[int]:
    """The sites a grid for ``user`` covers: ``site_id`` (checked by the view), else
    the user's sites."""
    return [site_id] if site_id is not None else site_list(user.site_ids)


def site_list(site_ids) -> list[int]:
    """``site_ids`` (a set of ids, or None: every site) as a sorted list."""
    if site_ids is not None:
        return sorted(site_ids)
    return list(db.session.scalars(select(Site.id).order_by(Site.id)))


def stored(site_ids: list[int], month_end: date) -> list[int] | None:
    """The ids of the stored month-ends (``MonthEnd``) of ``site_ids`` on ``month_end``,
    computing and storing the missing ones (and committing); None when a write dropped
    month-ends of a site while they were computed (the caller then computes the day
    exactly). ``month_end``: a closed month-end (``storable``)."""
    found = _marks(site_ids, month_end)
    missing = [s for s in site_ids if s not in found]
    if not missing:
        return list(found.values())
    stamps = dict(
        db.session.execute(
            select(MonthStamp.site_id, MonthStamp.drops).where(MonthStamp.site_id.in_(missing))
        ).all()
    )
    rows = compute(missing, month_end)
    for site_id in missing:
        if _stamp(site_id, 0) != stamps.get(site_id, 0):
            db.session.rollback()
            return None
    for site_id, month_id in _marks(missing, month_end).items():  # another reader's
        found[site_id] = month_id
    for site_id in missing:
        if site_id not in found:
            found[site_id] = _store(site_id, month_end, *rows[site_id])
    db.session.commit()
    return list(found.values())


def _marks(site_ids: list[int], month_end: date) -> dict[int, int]:
    query = select(MonthEnd.site_id, MonthEnd.id).where(
        MonthEnd.site_id.in_(site_ids), MonthEnd.month_end == month_end
    )
    return dict(db.session.execute(query).all())


def balance_as_of(as_of: date):
    """SQL: a receivable's balance at the end of ``as_of``: the stored balance plus what
    was allocated to it after that day (payments received, write-offs approved later)."""
    later = (
        select(func.coalesce(func.sum(Allocation.amount_fen), 0))
        .where(Allocation.receivable_id == Receivable.id, Allocation.paid_on > as_of)
        .scalar_subquery()
    )
    return Receivable.open_fen + later


def compute(site_ids: list[int], month_end: date) -> dict[int, tuple[dict, dict, dict]]:
    """Per site: ({(kind, handler id or 0, bucket): [fen, owing]}, {(debtor id, handler
    id or 0, bucket): fen}, {(kind, handler id or 0, due day): [fen, owing]}) at the end
    of ``month_end``, from every receivable raised by then (one statement, a balance
    per receivable: the cost of the exact rule, paid once per month-end)."""
    balance = balance_as_of(month_end).label("fen")
    each = (
        select(
            Receivable.site_id,
            Receivable.kind,
            func.coalesce(Receivable.handler_id, 0).label("handler_id"),
            Receivable.debtor_id,
            Receivable.due_on,
            balance,
        )
        .where(Receivable.raised_on <= month_end, Receivable.site_id.in_(site_ids))
        .subquery()
    )
    owing = func.sum(case((each.c.fen > 0, 1), else_=0))
    keys = (each.c.site_id, each.c.kind, each.c.handler_id, each.c.debtor_id, each.c.due_on)
    rows = {
        site_id: (defaultdict(lambda: [0, 0]), defaultdict(int), defaultdict(lambda: [0, 0]))
        for site_id in site_ids
    }
    for site_id, kind, handler_id, debtor_id, due_on, fen, count in db.session.execute(
        select(*keys, func.sum(each.c.fen), owing).group_by(*keys)
    ):
        sums, debtors, days = rows[site_id]
        bucket = bucket_of(due_on, month_end)
        for cell in (sums[(kind, handler_id, bucket)], days[(kind, handler_id, due_on)]):
            cell[0] += int(fen)
            cell[1] += int(count)
        debtors[(debtor_id, handler_id, bucket)] += int(fen)
    return rows


def _store(site_id: int, month_end: date, sums: dict, debtors: dict, days: dict) -> int:
    """Store one site's computed month-end (flushes); returns the mark's id."""
    mark = MonthEnd(site_id=site_id, month_end=month_end)
    db.session.add(mark)
    db.session.flush()
    kept = [
        {"month_id": mark.id, "site_id": site_id, "kind": k, "handler_id": h, "bucket": int(b)}
        | {"open_fen": fen, "open_count": count}
        for (k, h, b), (fen, count) in sums.items()
        if fen or count
    ]
    owed = [
        {"month_id": mark.id, "site_id": site_id, "debtor_id": d, "handler_id": h}
        | {"bucket": int(b), "open_fen": fen}
        for (d, h, b), fen in debtors.items()
        if fen
    ]
    by_day = [
        {"month_id": mark.id, "site_id": site_id, "kind": k, "handler_id": h, "due_on": d}
        | {"open_fen": fen, "open_count": count}
        for (k, h, d), (fen, count) in days.items()
        if fen or count
    ]
    for model, batch in ((MonthSum, kept), (MonthDebtorSum, owed), (MonthDaySum, by_day)):
        for start in range(0, len(batch), BATCH):
            db.session.execute(model.__table__.insert(), batch[start : start + BATCH])
    return mark.id


def fill() -> dict[str, int]:
    """The nightly job: store the last ``KEPT_MONTHS`` closed month-ends of every site
    that are missing (the month just closed, those a backdated write dropped), then
    delete the rows of dropped month-ends."""
    site_ids = site_list(None)
    month_end, filled = month_end_before(business_day()), 0
    for _n in range(KEPT_MONTHS):
        missing = len(site_ids) - len(_marks(site_ids, month_end))
        if missing and stored(site_ids, month_end) is not None:
            filled += missing
        month_end = month_end_before(month_end)
    live = select(MonthEnd.id)
    dropped = 0
    for model in (MonthSum, MonthDebtorSum, MonthDaySum):
        dropped += db.session.execute(delete(model).where(model.month_id.not_in(live))).rowcount
    db.session.commit()
    return {"filled": filled, "rows_dropped": dropped}
