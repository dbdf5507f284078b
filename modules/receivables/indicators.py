"""Live figures for the ledger, over the reader's sites (a frozenset of ids; None:
every site), filtered in SQL; each returns (text, good?) with None for "no judgement".

- problem 36: what has been owed for over a year (more than a year past due), amount
  and count, against the same figure on the day the first clean-up campaign started
  (1 January of this year when there is none); and the share of the campaigns'
  receivables verified;
- problem 12: rent that fell due this month against what of it was collected.
"""

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from modules.receivables import campaigns, month_sums
from modules.receivables.buckets import Bucket, years_before
from modules.receivables.models import Allocation, OpenSum, Receivable, ReceivableKind
from modules.receivables.month_models import MonthDaySum, MonthSum, MonthToDate
from parkops.extensions import db
from parkops.money import format_fen
from parkops.timeutil import business_day

RENT_TARGET = 0.9  # share of the month's rent collected that counts as "collected"


def _sites(site_ids: frozenset[int] | None):
    return Receivable.site_id.is_not(None) if site_ids is None else Receivable.site_id.in_(site_ids)


def over_one_year(site_ids: frozenset[int] | None, as_of: date) -> tuple[int, int]:
    """(fen, count) of receivables with a balance on ``as_of`` more than a year past due.

    One statement reading stored figures, not a balance per receivable: the fen and the
    count from the aging sums (``open_fen``, ``open_count``), less what receivables
    raised after ``as_of`` owe now, corrected by what was allocated after it (for
    today: neither, so the figures read only the sums). On a closed month-end: the
    month-end sums (``month_sums``), stored first when missing; on another past day,
    those of the month-end before it and what changed since (``_after_month_end``)."""
    months, month_end = None, as_of
    if as_of < business_day():
        month_end = as_of if month_sums.storable(as_of) else month_sums.month_end_before(as_of)
        months = month_sums.stored(month_sums.site_list(site_ids), month_end)
    if months is not None and month_end != as_of:
        return _after_month_end(site_ids, as_of, months)
    if months is not None:
        fen, count = db.session.execute(
            select(
                func.coalesce(func.sum(MonthSum.open_fen), 0),
                func.coalesce(func.sum(MonthSum.open_count), 0),
            ).where(MonthSum.month_id.in_(months), MonthSum.bucket >= int(Bucket.Y1_2))
        ).one()
        return int(fen), int(count)
    old = (Receivable.due_on < years_before(as_of, 1), _sites(site_ids))
    sums_at = OpenSum.site_id.is_not(None) if site_ids is None else OpenSum.site_id.in_(site_ids)
    # Grouped by an expression, not the column: SQLite would otherwise walk every
    # allocation along the receivable's index for its order; so it reads the range of
    # days from the covering day index (nothing for today) and sorts what it found.
    rid = (Allocation.receivable_id + 0).label("receivable_id")
    later = (
        select(rid, func.sum(Allocation.amount_fen).label("fen"))
        .where(Allocation.paid_on > as_of)
        .group_by(rid)
        .subquery()
    )
    changed = (
        select(
            func.coalesce(func.sum(later.c.fen), 0).label("fen"),
            func.count().filter(Receivable.open_fen + later.c.fen > 0).label("owing_then"),
            func.count().filter(Receivable.open_fen > 0).label("owing_now"),
        )
        .join(Receivable, Receivable.id == later.c.receivable_id)
        .where(Receivable.raised_on <= as_of, *old)
        .subquery()
    )
    # What receivables raised after the day owe now: taken back from the sums.
    later_raised = (Receivable.raised_on > as_of, *old)
    old_sums = (OpenSum.due_on < years_before(as_of, 1), sums_at)
    # ``changed`` is one row of aggregates: the statement returns one row.
    row = db.session.execute(
        select(
            select(func.coalesce(func.sum(OpenSum.open_fen), 0))
            .where(*old_sums)
            .scalar_subquery()
            .label("stored_fen"),
            select(func.coalesce(func.sum(OpenSum.open_count), 0))
            .where(*old_sums)
            .scalar_subquery()
            .label("stored_owing"),
            select(func.coalesce(func.sum(Receivable.open_fen), 0))
            .where(*later_raised)
            .scalar_subquery()
            .label("raised_later_fen"),
            select(func.count())
            .where(Receivable.open_fen > 0, *later_raised)
            .scalar_subquery()
            .label("raised_later_owing"),
            changed,
        )
    ).one()
    fen = row.stored_fen - row.raised_later_fen + row.fen
    owing = row.stored_owing - row.raised_later_owing + row.owing_then - row.owing_now
    return int(fen), int(owing)


def _after_month_end(site_ids, as_of: date, months: list[int]) -> tuple[int, int]:
    """``over_one_year`` on a day after the stored month-ends ``months`` (the month-end
    before it): the month-end's fen and count per due day more than a year past due on
    ``as_of``, plus what changed since, up to ``as_of``, for those due days
    (``MonthToDate``: what is owed, how many owe; that day's rows alone). One row per
    key whatever the ledger and the day: one statement."""
    old = years_before(as_of, 1)
    stored = (MonthDaySum.month_id.in_(months), MonthDaySum.due_on < old)
    sites = (
        MonthToDate.site_id.is_not(None) if site_ids is None else MonthToDate.site_id.in_(site_ids)
    )
    changed = (MonthToDate.day == as_of, MonthToDate.due_on < old, sites)

    def total(column, *where):
        return select(func.coalesce(func.sum(column), 0)).where(*where).scalar_subquery()

    row = db.session.execute(
        select(
            total(MonthDaySum.open_fen, *stored) + total(MonthToDate.fen, *changed),
            total(MonthDaySum.open_count, *stored) + total(MonthToDate.owing, *changed),
        )
    ).one()
    return int(row[0]), int(row[1])


def over_one_year_indicator(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    """Receivables over a year old now against the eve of the first clean-up campaign
    (or of 1 January): good when fewer fen are owed (notice: problem 36's 专项清理)."""
    today = business_day()
    fen, count = over_one_year(site_ids, today)
    start = campaigns.first_start(site_ids) or today.replace(month=1, day=1)
    # As the day before the start closed: what is collected on the first day counts.
    eve = start - timedelta(days=1)
    before, _count = over_one_year(site_ids, eve)
    text = _(
        "%(amount)s in %(count)s receivables (%(before)s on %(day)s)",
        amount=format_fen(fen),
        count=count,
        before=format_fen(before),
        day=eve.isoformat(),
    )
    if fen == 0 and before == 0:
        return text, True
    return text, fen < before


def campaign_verified(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    verified, count = campaigns.verified_share(site_ids)
    if not count:
        return _("no clean-up campaign yet"), None
    text = _(
        "%(verified)s of %(count)s verified (%(percent)s%%)",
        verified=verified,
        count=count,
        percent=round(verified * 100 / count),
    )
    return text, verified == count


def rent_collected_this_month(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    today = business_day()
    start = today.replace(day=1)
    due = (
        select(Receivable.id, Receivable.amount_fen)
        .where(
            _sites(site_ids),
            Receivable.kind == ReceivableKind.RENT,
            Receivable.due_on >= start,
            Receivable.due_on <= today,
        )
        .subquery()
    )
    due_fen, paid_fen = db.session.execute(
        select(
            select(func.coalesce(func.sum(due.c.amount_fen), 0)).scalar_subquery(),
            select(func.coalesce(func.sum(Allocation.amount_fen), 0))
            .where(Allocation.receivable_id.in_(select(due.c.id)))
            .where(Allocation.payment_id.is_not(None))  # written off is not collected
            .scalar_subquery(),
        )
    ).one()
    if not due_fen:
        return _("no rent fell due this month yet"), None
    share = paid_fen / due_fen
    text = _(
        "%(paid)s of %(due)s (%(percent)s%%)",
        paid=format_fen(paid_fen),
        due=format_fen(due_fen),
        percent=round(share * 100),
    )
    return text, share >= RENT_TARGET
