"""Aging (账龄) as of any date: what was still owed on that day, by how long overdue.

A receivable counts when it was raised on or before the day; its balance that day is
its amount less what payments received by then paid of it (a reversed payment's
contra rows carry the payment's date, so it counts as never made). The bucket is
chosen by its due date against cut-off dates computed once for the day, so SQL
compares dates only (portable, index-friendly):

- not yet due: due on or after the day; 1–30, 31–90, 91–180 days overdue;
- 181 days to 1 year, 1–2 years, 2–3 years, over 3 years: years by the calendar
  (a debt is over one year overdue the day after its anniversary: due 2023-02-28,
  on 2024-02-29; due 2024-02-29, on 2025-03-01).

The grid, grouped by debtor, kind, site or handler, reads the stored balances and adds
back what was allocated after the day (two queries whatever the volume); totals are
integer sums of fen, so rows, columns and the grand total add up to the fen.
"""

import enum
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, exists, func, literal, or_, select

from modules.receivables import access
from modules.receivables.models import Allocation, Debtor, OpenSum, Receivable, ReceivableKind
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.labels import label
from parkops.paging import paginate_capped_rows


class Bucket(enum.IntEnum):
    NOT_DUE = 0
    D1_30 = 1
    D31_90 = 2
    D91_180 = 3
    D181_365 = 4
    Y1_2 = 5
    Y2_3 = 6
    OVER_3Y = 7


BUCKET_LABELS = {
    Bucket.NOT_DUE: _l("Not yet due"),
    Bucket.D1_30: _l("1–30 days"),
    Bucket.D31_90: _l("31–90 days"),
    Bucket.D91_180: _l("91–180 days"),
    Bucket.D181_365: _l("181 days–1 year"),
    Bucket.Y1_2: _l("1–2 years"),
    Bucket.Y2_3: _l("2–3 years"),
    Bucket.OVER_3Y: _l("Over 3 years"),
}
GROUPINGS = ("debtor", "kind", "site", "handler")


def years_before(day: date, years: int) -> date:
    """The earliest due date not yet ``years`` overdue on ``day``: the same calendar
    day ``years`` earlier; for 29 February, 1 March (a debt due 28 February of a
    common year had its anniversary the day before)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 3, 1)


def cutoffs(as_of: date) -> list[tuple[date, Bucket]]:
    """(earliest due date in the bucket, bucket), youngest first: a receivable due on
    ``d`` falls in the first bucket whose date is <= d; older ones are over 3 years."""
    return [
        (as_of, Bucket.NOT_DUE),
        (as_of - timedelta(days=30), Bucket.D1_30),
        (as_of - timedelta(days=90), Bucket.D31_90),
        (as_of - timedelta(days=180), Bucket.D91_180),
        (years_before(as_of, 1), Bucket.D181_365),
        (years_before(as_of, 2), Bucket.Y1_2),
        (years_before(as_of, 3), Bucket.Y2_3),
    ]


def bucket_of(due_on: date, as_of: date) -> Bucket:
    """The bucket of one due date on ``as_of`` (the rule the SQL applies)."""
    for earliest, bucket in cutoffs(as_of):
        if due_on >= earliest:
            return bucket
    return Bucket.OVER_3Y


def balance_as_of(as_of: date):
    """SQL: a receivable's balance on ``as_of``: the stored balance plus what was
    allocated to it after that day (payments received, write-offs approved later)."""
    later = (
        select(func.coalesce(func.sum(Allocation.amount_fen), 0))
        .where(Allocation.receivable_id == Receivable.id, Allocation.paid_on > as_of)
        .scalar_subquery()
    )
    return Receivable.open_fen + later


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

    @property
    def total(self) -> int:
        return sum(self.totals)


def _bucket(due_on, as_of: date):
    """SQL: the bucket (int) of the due date column ``due_on`` on ``as_of``."""
    return case(
        *[(due_on >= earliest, int(b)) for earliest, b in cutoffs(as_of)],
        else_=int(Bucket.OVER_3Y),
    )


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
    bucket = _bucket(Receivable.due_on, as_of)
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


def _sum_parts(user, as_of: date, by: str | None, site_id):
    """The same from the stored sums (a few thousand rows whatever the ledger): the
    sums, less what receivables raised after ``as_of`` owe now, plus what was
    allocated after it (``_parts``)."""
    key, _name, _joined = _group(by, OpenSum)
    where = [access.site_clause(user, OpenSum.site_id)]
    if not access.reads_all(user):
        where.append(OpenSum.handler_id == user.id)
    if site_id is not None:
        where.append(OpenSum.site_id == site_id)
    stored = select(
        key.label("key"),
        _bucket(OpenSum.due_on, as_of).label("bucket"),
        OpenSum.open_fen.label("fen"),
    ).where(*where)
    rkey, _name, _joined = _group(by, Receivable)
    raised_later = select(
        rkey.label("key"),
        _bucket(Receivable.due_on, as_of).label("bucket"),
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

    By kind, site or handler: read from the stored sums (three queries). By debtor with
    ``page`` (from 1): that page of the debtors (two queries), their rows from their
    own receivables (two), the totals from the sums (three). By debtor without
    ``page`` (the export): every debtor's rows from the receivables (two queries)."""
    by = by if by in GROUPINGS else "debtor"
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
