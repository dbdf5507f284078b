"""The month totals by office, product and payment method (tkt_month_group_sales) behind a
year of the sales report: kept equal to the month's sum over the sales lines by every write
path (import, approved reversal, range sales at the blind count, correction, rebuild),
filled by their migration, and read for the whole months of a period with the day totals
of its ends."""

import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import delete, select

from modules.ticketing import corrections, reports, reversals, shifts, stock, summary
from modules.ticketing.days.record import day_record
from modules.ticketing.models import MonthGroupSales, Payment, SaleStatus
from parkops.extensions import db
from parkops.timeutil import business_day

from .test_seller_day_totals import FLOAT, ZERO, _groups_from_lines, _imported

MIGRATION = (
    Path(__file__).parents[3] / "migrations/versions/7e7e5a000008_month_group_sales_totals.py"
)


def _months_from_lines() -> list[tuple]:
    """``(site, month, office, product, payment, status, lines, quantity, fen)``, the sums
    over the sales lines folded into calendar months (``month``: its first day)."""
    found: dict[tuple, list[int]] = {}
    for site, day, office, product, payment, status, *sums in _groups_from_lines():
        total = found.setdefault(
            (site, day.replace(day=1), office, product, payment, status), [0] * 3
        )
        for i, n in enumerate(sums):
            total[i] += n
    return sorted(((*key, *total) for key, total in found.items()), key=str)


def _months_kept() -> list[tuple]:
    t = MonthGroupSales
    rows = db.session.execute(
        select(
            t.site_id,
            t.month,
            t.office_id,
            t.product_id,
            t.payment,
            t.status,
            t.lines,
            t.quantity,
            t.amount_fen,
        )
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
    assert {row[5] for row in _months_kept()} == set(SaleStatus)


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


def test_a_rebuild_of_part_of_a_month_gives_what_was_kept(world):
    _imported(world)
    db.session.execute(delete(MonthGroupSales))
    summary.rebuild(business_day(), business_day())
    assert _kept_right()


def test_the_migration_fills_them_from_the_day_totals(world):
    _imported(world)
    db.session.commit()
    kept = _months_kept()
    spec = importlib.util.spec_from_file_location("month_group_sales", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    db.session.commit()
    db.session.close()  # its connection's locks would hold the migration up on PostgreSQL
    with db.engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            migration.downgrade()
            migration.upgrade()
    assert _months_kept() == kept != []


@pytest.mark.parametrize("by", ["office", "product", "kind", "payment", "venue"])
def test_a_period_of_whole_months_and_days_shows_what_its_days_do(world, by):
    """From the last day of the previous month to the first of the next: the month's totals
    and the days at both ends, the same groups and figures as today's day totals."""
    _imported(world)
    for reversal in reversals.pending_reversals(None):
        reversals.decide_reversal(reversal, True, world.auditor)
    today = business_day()
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    wide = reports.breakdown(None, first - timedelta(days=1), following, by)
    assert wide == reports.breakdown(None, today, today, by) != []


@pytest.mark.parametrize("by", ["office", "product", "kind", "payment", "venue"])
def test_most_of_a_month_is_its_totals_less_the_days_left_out(world, by):
    """More than half a month: the month's totals less its days outside the period. With
    today left out nothing shows; with it in, what today's day totals show."""
    _imported(world)
    today = business_day()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    mine = reports.breakdown(None, today, today, by)
    without = (
        (first, today - timedelta(days=1)) if today.day > 16 else (today + timedelta(days=1), last)
    )
    with_it = (
        (first + timedelta(days=1), last) if today.day > 16 else (first, last - timedelta(days=1))
    )
    assert reports.breakdown(None, *without, by) == []
    assert reports.breakdown(None, *with_it, by) == mine != []


@pytest.mark.parametrize("by", ["office", "product", "kind", "payment", "venue"])
def test_the_day_and_month_totals_are_sought_by_their_days_not_read_for_every_year(
    world, by, count_queries
):
    """Each part of the report's statement seeks its days (or months) in the grouping's
    index, value by value: a range over the grouping's column (its IS NOT NULL) would read
    that index's every day of every year. One statement for the sums, as before."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics")
    _imported(world)
    today = business_day()
    first = today.replace(day=1)
    with count_queries() as q:
        wide = reports.breakdown(None, first - timedelta(days=1), first + timedelta(days=40), by)
    assert wide == reports.breakdown(None, today, today, by) != []
    summed = [s for s in q.statements if "group_sales" in s]
    assert len(summed) == 1, q.statements
    connection = db.session.connection().connection.driver_connection
    marks = summed[0].count("?")
    plan = [r[-1] for r in connection.execute(f"EXPLAIN QUERY PLAN {summed[0]}", [None] * marks)]
    sought = [step for step in plan if "group_sales" in step]
    assert len(sought) >= 3, plan  # the days before, the month, the days after
    for step in sought:
        assert "_id=? AND" in step or "payment=? AND" in step, plan
