"""Aging (账龄) as of any date: what was still owed on that day, by how long overdue.

A receivable counts when it was raised on or before the day; its balance that day is
its amount less what payments received by then paid of it (a reversed payment's
contra rows carry the payment's date, so it counts as never made). The bucket is
chosen by its due date (``buckets``).

The grid, grouped by debtor, kind, site or handler, reads the stored balances and adds
back what was allocated after the day (two queries whatever the volume); totals are
integer sums of fen, so rows, columns and the grand total add up to the fen. On a
closed month-end it reads that month-end's stored sums instead (``month_sums``: flat);
on another past day, the month-end before it and what changed since, up to the day
(``MonthToDate``: that day's rows), flat too.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, func, literal, or_, select

from modules.receivables import access, month_sums
from modules.receivables.buckets import Bucket, bucket_sql
from modules.receivables.models import Allocation, Debtor, OpenSum, Receivable, ReceivableKind
from modules.receivables.month_models import MonthDaySum, MonthDebtorSum, MonthSum, MonthToDate
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.labels import label
from parkops.paging import paginate_capped_rows
from parkops.timeutil import business_day

GROUPINGS = ("debtor", "kind", "site", "handler")


@dataclass
class AgingRow:
    key: object
    name: str
    cells: list[int] = field(default_factory=lambda: [0] * len(Bucket))

    @property
    def total(self) -> int:
        return sum(self.cells)


@dataclass
class Aging:
    """The grid: ``rows`` (one page of them when ``page`` is set: the debtors) and the
    bucket ``totals`` of every row, paged or not (fen)."""

    as_of: date
    by: str
    rows: list[AgingRow]
    totals: list[int]
    page: object = None  # a parkops.paging pagination of the debtors, when paged
    stored: bool = False  # read from the month-end sums (``month_sums``)

    @property
    def total(self) -> int:
        return sum(self.totals)


def _group(by: str, source):
    """(key column, name column, joined table) for a grouping of ``source``
    (Receivable or OpenSum); by None: one group (the totals)."""
    if by == "debtor":
        return source.debtor_id, Debtor.name, Debtor
    if by == "site":
        return source.site_id, Site.name, Site
    if by == "handler":  # no handler: 0, as the sums store it
        return func.coalesce(source.handler_id, 0), User.display_name, User
    if by == "kind":
        return source.kind, literal(""), None
    return literal(0), literal(""), None


def _receivables_where(user, site_id: int | None, debtor_ids):
    """WHERE terms: the receivables ``user`` sees, at ``site_id`` and of ``debtor_ids``
    when given."""
    where = [access.receivable_scope(user)]
    if site_id is not None:
        where.append(Receivable.site_id == site_id)
    if debtor_ids is not None:
        where.append(Receivable.debtor_id.in_(debtor_ids))
    return where


def _parts(user, as_of: date, by: str | None, site_id, debtor_ids=None, stored=True):
    """The selects of (key, bucket, fen) whose sum per key and bucket is the grid: what
    was allocated after ``as_of`` to receivables raised by then (added back); with
    ``stored``, the stored balances of the receivables raised by then, read from the
    receivables themselves (for some debtors, or the export)."""
    key, _name, _joined = _group(by, Receivable)
    bucket = bucket_sql(Receivable.due_on, as_of)
    where = _receivables_where(user, site_id, debtor_ids)
    raised = Receivable.raised_on <= as_of
    later = (
        select(key.label("key"), bucket.label("bucket"), Allocation.amount_fen.label("fen"))
        .join(Receivable, Receivable.id == Allocation.receivable_id)
        .where(Allocation.paid_on > as_of, raised, *where)
    )
    if not stored:
        return [later]
    owed = select(key.label("key"), bucket.label("bucket"), Receivable.open_fen.label("fen"))
    return [owed.where(Receivable.open_fen != 0, raised, *where), later]


def _sums_scope(user, model, site_id) -> list:
    """WHERE terms: the rows of stored sums (``OpenSum``, ``MonthToDate``) that ``user``
    sees (a handler: hers), at ``site_id`` when given."""
    where = [access.site_clause(user, model.site_id)]
    if not access.reads_all(user):
        where.append(model.handler_id == user.id)
    if site_id is not None:
        where.append(model.site_id == site_id)
    return where


def _sum_parts(user, as_of: date, by: str | None, site_id):
    """The same from the stored sums (a few thousand rows whatever the ledger): the
    sums, less what receivables raised after ``as_of`` owe now, plus what was
    allocated after it (``_parts``)."""
    key, _name, _joined = _group(by, OpenSum)
    where = _sums_scope(user, OpenSum, site_id)
    stored = select(
        key.label("key"),
        bucket_sql(OpenSum.due_on, as_of).label("bucket"),
        OpenSum.open_fen.label("fen"),
    ).where(*where)
    rkey, _name, _joined = _group(by, Receivable)
    raised_later = select(
        rkey.label("key"),
        bucket_sql(Receivable.due_on, as_of).label("bucket"),
        (-Receivable.open_fen).label("fen"),
    ).where(Receivable.raised_on > as_of, *_receivables_where(user, site_id, None))
    later = _parts(user, as_of, by, site_id, stored=False)[0]
    return [stored, raised_later, later]


def _summed(parts, by: str | None, rows: dict[object, AgingRow]) -> dict[object, AgingRow]:
    """Run each select of (key, bucket, fen), grouped by key and bucket, into ``rows``."""
    _key, name, joined = _group(by, Receivable)
    for part in parts:
        inner = part.subquery()
        query = select(inner.c.key, name, inner.c.bucket, func.sum(inner.c.fen))
        if joined is not None:
            query = query.outerjoin(joined, joined.id == inner.c.key)
        query = query.group_by(inner.c.key, name, inner.c.bucket)
        for k, row_name, b, fen in db.session.execute(query):
            if by == "kind":
                row_name = label(ReceivableKind(k))
            row = rows.setdefault(k, AgingRow(k, row_name or "—"))
            row.cells[int(b)] += int(fen)
    return rows


def _ordered(rows: dict[object, AgingRow]) -> list[AgingRow]:
    return sorted((r for r in rows.values() if any(r.cells)), key=lambda r: (r.name, str(r.key)))


def _debtor_page(user, as_of: date, site_id, page: int):
    """The page of debtors (id, name) by name owing something on ``as_of``: a
    receivable raised by then in the reader's scope that owes now, or had an
    allocation after that day (it may have owed then)."""
    where = _receivables_where(user, site_id, None)
    later = exists(
        select(Allocation.id).where(
            Allocation.receivable_id == Receivable.id, Allocation.paid_on > as_of
        )
    )
    owing = exists(
        select(Receivable.id).where(
            Receivable.debtor_id == Debtor.id,
            Receivable.raised_on <= as_of,
            or_(Receivable.open_fen != 0, later),
            *where,
        )
    )
    query = select(Debtor.id, Debtor.name).where(owing).order_by(Debtor.name, Debtor.id)
    return paginate_capped_rows(query, page)


def aging(
    user, as_of: date, by: str = "debtor", site_id: int | None = None, page: int | None = None
) -> Aging:
    """The aging grid on ``as_of`` of the receivables ``user`` may see, grouped ``by``
    one of GROUPINGS; rows by name (kind: in the enum's order), none without balance.

    On a closed month-end: read from the month-end sums (``month_sums``; computed and
    stored first when missing). On another past day: from the sums of the month-end
    before it and what changed since (``_days_after``; by debtor without ``page``,
    as today). Else (today) by kind, site or handler: read from the stored
    sums (three queries). By debtor with
    ``page`` (from 1): that page of the debtors (two queries), their rows from their
    own receivables (two), the totals from the sums (three). By debtor without
    ``page`` (the export): every debtor's rows from the receivables (two queries)."""
    by = by if by in GROUPINGS else "debtor"
    months, month_end = None, as_of
    if as_of < business_day():  # else no statement: today's grid reads no site list
        month_end = as_of if month_sums.storable(as_of) else month_sums.month_end_before(as_of)
        months = month_sums.stored(month_sums.reader_sites(user, site_id), month_end)
    if months is not None and month_end == as_of:
        return _month_end(user, as_of, by, months, page)
    if months is not None and (by != "debtor" or page is not None):
        return _days_after(user, as_of, by, site_id, months, page)
    if by != "debtor":
        rows = _ordered(_summed(_sum_parts(user, as_of, by, site_id), by, {}))
        return Aging(as_of, by, rows, [sum(r.cells[b] for r in rows) for b in Bucket])
    if page is None:
        rows = _ordered(_summed(_parts(user, as_of, by, site_id), by, {}))
        return Aging(as_of, by, rows, [sum(r.cells[b] for r in rows) for b in Bucket])
    found = _debtor_page(user, as_of, site_id, page)
    named = {debtor_id: AgingRow(debtor_id, name) for debtor_id, name in found.items}
    owed, _later = _parts(user, as_of, by, site_id, list(named))
    _summed([owed], by, named)
    # What was allocated after the day, every debtor's, kept for the page's: read from
    # the allocations (none for today), where for the page's debtors SQLite would
    # probe the allocations of each of their receivables.
    later = _summed(_parts(user, as_of, by, site_id, stored=False), by, {})
    for key, row in later.items():
        if key in named:
            named[key].cells = [a + b for a, b in zip(named[key].cells, row.cells, strict=True)]
    totals = _summed(_sum_parts(user, as_of, None, site_id), None, {}).get(0)
    cells = totals.cells if totals else [0] * len(Bucket)
    return Aging(as_of, by, _ordered(named), list(cells), found)


def _month_scope(user, model, months: list[int]) -> list:
    """WHERE terms: the rows of the stored month-ends ``months`` (of the reader's sites,
    see ``month_sums.reader_sites``) that ``user`` sees (a handler: hers)."""
    where = [model.month_id.in_(months)]
    if not access.reads_all(user):
        where.append(model.handler_id == user.id)
    return where


def _month_end(user, as_of: date, by: str, months: list[int], page: int | None) -> Aging:
    """The grid from stored month-end sums: by kind, site or handler, one query of a few
    hundred rows per site; by debtor, a page of debtors along the sums' key (two
    queries), their rows (one) and the totals (one); without ``page``, every debtor's."""
    if by != "debtor":
        key, _name, _joined = _group(by, MonthSum)
        part = select(key.label("key"), MonthSum.bucket, MonthSum.open_fen.label("fen"))
        rows = _ordered(_summed([part.where(*_month_scope(user, MonthSum, months))], by, {}))
        return Aging(as_of, by, rows, [sum(r.cells[b] for r in rows) for b in Bucket], None, True)
    scope = _month_scope(user, MonthDebtorSum, months)
    part = select(
        MonthDebtorSum.debtor_id.label("key"),
        MonthDebtorSum.bucket,
        MonthDebtorSum.open_fen.label("fen"),
    ).where(*scope)
    if page is None:
        rows = _ordered(_summed([part], by, {}))
        return Aging(as_of, by, rows, [sum(r.cells[b] for r in rows) for b in Bucket], None, True)
    owing = exists(
        select(MonthDebtorSum.debtor_id).where(MonthDebtorSum.debtor_id == Debtor.id, *scope)
    )
    found = paginate_capped_rows(
        select(Debtor.id, Debtor.name).where(owing).order_by(Debtor.name, Debtor.id), page
    )
    named = {debtor_id: AgingRow(debtor_id, name) for debtor_id, name in found.items}
    _summed([part.where(MonthDebtorSum.debtor_id.in_(list(named)))], by, named)
    total = select(literal(0).label("key"), MonthSum.bucket, MonthSum.open_fen.label("fen"))
    totals = _summed([total.where(*_month_scope(user, MonthSum, months))], None, {}).get(0)
    cells = totals.cells if totals else [0] * len(Bucket)
    return Aging(as_of, by, _ordered(named), list(cells), found, True)


def _month_parts(user, as_of: date, by: str | None, site_id, months: list[int]) -> list:
    """The selects of (key, bucket on ``as_of``, fen) whose sum is the grid on a day
    after the stored month-ends ``months`` (the month-end before it): what was owed at
    the month-end per due day, and what changed since, up to ``as_of``, per due day
    (``MonthToDate``: raised, less allocated; that day's rows alone), both re-bucketed
    by age on ``as_of``. One row per key of each, whatever the ledger and the day."""
    key, _name, _joined = _group(by, MonthDaySum)
    stored = select(
        key.label("key"),
        bucket_sql(MonthDaySum.due_on, as_of).label("bucket"),
        MonthDaySum.open_fen.label("fen"),
    ).where(*_month_scope(user, MonthDaySum, months))
    key, _name, _joined = _group(by, MonthToDate)
    changed = select(
        key.label("key"),
        bucket_sql(MonthToDate.due_on, as_of).label("bucket"),
        MonthToDate.fen.label("fen"),
    ).where(MonthToDate.day == as_of, *_sums_scope(user, MonthToDate, site_id))
    return [stored, changed]


def _days_after(user, as_of: date, by: str, site_id, months: list[int], page) -> Aging:
    """The grid on a past day that is not a month-end, from the month-end before it
    (``_month_parts``); by debtor, the page of debtors (two queries), their rows from
    their own receivables' balances (one) and the totals from the month (two)."""
    if by != "debtor":
        rows = _ordered(_summed(_month_parts(user, as_of, by, site_id, months), by, {}))
        return Aging(as_of, by, rows, [sum(r.cells[b] for r in rows) for b in Bucket])
    found = _debtor_page(user, as_of, site_id, page)
    named = {debtor_id: AgingRow(debtor_id, name) for debtor_id, name in found.items}
    balances = select(
        Receivable.debtor_id.label("key"),
        bucket_sql(Receivable.due_on, as_of).label("bucket"),
        month_sums.balance_as_of(as_of).label("fen"),
    ).where(Receivable.raised_on <= as_of, *_receivables_where(user, site_id, list(named)))
    _summed([balances], by, named)
    totals = _summed(_month_parts(user, as_of, None, site_id, months), None, {}).get(0)
    cells = totals.cells if totals else [0] * len(Bucket)
    return Aging(as_of, by, _ordered(named), list(cells), found)
