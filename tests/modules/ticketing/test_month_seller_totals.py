"""The per-seller month totals (tkt_month_seller_sales) behind a year of the sales report by
seller: kept equal to the month's sum over the sales lines by every write path (import,
approved reversal, range sales at the blind count, correction, rebuild), filled by their
migration, and read for the whole months of a period with the day totals of its ends."""

import importlib.util
from datetime import timedelta
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import delete, func, select

from modules.ticketing import corrections, reports, reversals, shifts, stock, summary
from modules.ticketing.days.record import day_record
from modules.ticketing.models import MonthSellerSales, Payment, SalesLine, SaleStatus
from parkops.extensions import db
from parkops.timeutil import business_day

from .test_seller_day_totals import FLOAT, ZERO, _imported

MIGRATION = (
    Path(__file__).parents[3] / "migrations/versions/7e7e5a000009_month_seller_sales_totals.py"
)


def _months_from_lines() -> list[tuple]:
    """``(site, month, seller, status, lines, quantity, fen)``, the sums over the sales lines
    folded into calendar months (``month``: its first day)."""
    keys = (SalesLine.site_id, SalesLine.business_day, SalesLine.seller_id, SalesLine.status)
    found: dict[tuple, list[int]] = {}
    for site, day, seller, status, *sums in db.session.execute(
        select(
            *keys,
            func.count(SalesLine.id),
            func.sum(SalesLine.quantity),
            func.sum(SalesLine.amount_fen),
        ).group_by(*keys)
    ):
        total = found.setdefault((site, day.replace(day=1), seller, status), [0] * 3)
        for i, n in enumerate(sums):
            total[i] += n
    return sorted(((*key, *total) for key, total in found.items()), key=str)


def _months_kept() -> list[tuple]:
    t = MonthSellerSales
    rows = db.session.execute(
        select(t.site_id, t.month, t.seller_id, t.status, t.lines, t.quantity, t.amount_fen)
    )
    return sorted((tuple(r) for r in rows), key=str)


def _kept_right() -> bool:
    db.session.expire_all()
    return _months_kept() == _months_from_lines() != []


def test_an_import_and_an_approved_reversal_keep_them(world):
    _imported(world)
    assert _kept_right()
    for reversal in reversals.pending_reversals(None):
        reversals.decide_reversal(reversal, True, world.auditor)
    assert _kept_right()
    assert {row[3] for row in _months_kept()} == set(SaleStatus)
    assert len({row[2] for row in _months_kept()}) == 2  # both sellers


def test_range_sales_at_the_blind_count_keep_them(world):
    shift = world.open()
    issue = world.take(shift, world.gate_ticket, 1000, 1099)
    stock.return_range(issue, 1040, world.seller)
    shifts.count_blind(shift, {**ZERO, Payment.CASH: FLOAT + 40 * 4000}, world.seller)
    assert _kept_right()


def test_an_approved_correction_keeps_them(world):
    _imported(world)
    day = day_record(world.site.id, business_day())
    c = corrections.request_correction(
        day,
        corrections.SaleAdjustment(
            world.office, world.child, Payment.CASH, SaleStatus.SOLD, 2, 1000, None
        ),
        "Sold by hand while the till was down.",
        world.auditor,
    )
    corrections.decide_correction(c, True, world.leader)
    assert _kept_right()
    assert None in {row[2] for row in _months_kept()}  # the correction's line: no seller


def test_a_rebuild_of_part_of_a_month_gives_what_was_kept(world):
    _imported(world)
    db.session.execute(delete(MonthSellerSales))
    summary.rebuild(business_day(), business_day())
    assert _kept_right()


def test_the_migration_fills_them_from_the_day_totals(world):
    _imported(world)
    db.session.commit()
    kept = _months_kept()
    spec = importlib.util.spec_from_file_location("month_seller_sales", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    db.session.commit()
    db.session.close()  # its connection's locks would hold the migration up on PostgreSQL
    with db.engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            migration.downgrade()
            migration.upgrade()
    assert _months_kept() == kept != []


def test_a_period_of_whole_months_and_days_shows_what_its_days_do(world):
    """From the last day of the previous month to the first of the next: the month's totals
    and the days at both ends, the same sellers and figures as today's day totals."""
    _imported(world)
    for reversal in reversals.pending_reversals(None):
        reversals.decide_reversal(reversal, True, world.auditor)
    today = business_day()
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    wide = reports.breakdown(None, first - timedelta(days=1), following, "seller")
    assert wide == reports.breakdown(None, today, today, "seller") != []


def test_most_of_a_month_is_its_totals_less_the_days_left_out(world):
    """More than half a month: the month's totals less its days outside the period. With
    today left out nobody shows; with it in, what today's day totals show."""
    _imported(world)
    today = business_day()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    mine = reports.breakdown(None, today, today, "seller")
    without = (
        (first, today - timedelta(days=1)) if today.day > 16 else (today + timedelta(days=1), last)
    )
    with_it = (
        (first + timedelta(days=1), last) if today.day > 16 else (first, last - timedelta(days=1))
    )
    assert reports.breakdown(None, *without, "seller") == []
    assert reports.breakdown(None, *with_it, "seller") == mine != []


def test_a_year_by_seller_reads_the_month_totals(world, count_queries):
    """A year's whole months come from the month totals, in the one statement of sums."""
    _imported(world)
    today = business_day()
    with count_queries() as q:
        year = reports.breakdown(None, today - timedelta(days=365), today, "seller")
    assert year == reports.breakdown(None, today, today, "seller") != []
    summed = [s for s in q.statements if "seller_day_sales" in s or "month_seller" in s]
    assert len(summed) == 1 and "tkt_month_seller_sales" in summed[0], q.statements
