"""The per-day totals (tkt_day_sales) behind the sales report by day, month and site: kept
equal to a direct sum over the sales lines through imports, approved reversals, range
sales at the blind count and corrections, and to a rebuild."""

import pytest
from sqlalchemy import func, select

from modules.ticketing import corrections, reports, reversals, shifts, stock, summary
from modules.ticketing.days.record import day_record
from modules.ticketing.imports import import_sales
from modules.ticketing.models import DaySales, Payment, SalesLine, SaleStatus
from parkops.extensions import db
from parkops.timeutil import business_day

from .conftest import REVERSAL_COLUMNS, csv_bytes, sale

ZERO = dict.fromkeys(Payment, 0)
FLOAT = 50_000


@pytest.fixture
def varied(world):
    """Two sellers' imports (a refund and a void reversed and approved), printed tickets
    sold at the blind count, and two corrections approved (one without a seller)."""
    one = world.open()
    world.open(world.seller2, world.window2)  # seller2 imports onto her open shift
    issue = world.take(one, world.gate_ticket, 1000, 1099)
    rows_one = [
        sale(world, world.combo, quantity=10, payment="wechat"),
        sale(world, world.card_entry, quantity=4),
    ]
    rows_two = [
        sale(world, world.child, quantity=5, cashier="seller2"),
        sale(world, world.combo, cashier="seller2"),
        {
            **sale(world, world.combo, cashier="seller2", status="refund"),
            "reason": "rain",
            "reverses": "3",
        },
        {**sale(world, world.combo, cashier="seller2", status="void"), "reason": "left"},
    ]
    assert import_sales("one.csv", csv_bytes(rows_one), world.seller).ok
    assert import_sales("two.csv", csv_bytes(rows_two, REVERSAL_COLUMNS), world.seller2).ok
    for reversal in reversals.pending_reversals(None):
        reversals.decide_reversal(reversal, True, world.auditor)
    stock.return_range(issue, 1040, world.seller)
    shifts.count_blind(one, {**ZERO, Payment.CASH: FLOAT + 40 * 4000}, world.seller)
    day = day_record(world.site.id, business_day())
    for seller in (world.seller, None):
        c = corrections.request_correction(
            day,
            corrections.SaleAdjustment(
                world.office, world.combo, Payment.CASH, SaleStatus.SOLD, 1, 8000, seller
            ),
            "Sold by hand while the till was down.",
            world.auditor,
        )
        corrections.decide_correction(c, True, world.leader)
    db.session.commit()
    return world


def _from_lines(by: str) -> dict:
    """``{key: (lines, sold, refunded, voided, sold fen, refund fen)}`` summed over the lines."""
    column = SalesLine.site_id if by == "site" else SalesLine.business_day
    found: dict = {}
    for key, status, lines, quantity, amount in db.session.execute(
        select(
            column,
            SalesLine.status,
            func.count(SalesLine.id),
            func.sum(SalesLine.quantity),
            func.sum(SalesLine.amount_fen),
        ).group_by(column, SalesLine.status)
    ):
        key = key.replace(day=1) if by == "month" else key
        total = found.setdefault(key, [0] * 6)
        total[0] += lines
        place = {SaleStatus.SOLD: 1, SaleStatus.REFUND: 2, SaleStatus.VOID: 3}[status]
        total[place] += quantity
        if status != SaleStatus.VOID:
            total[place + 3] += amount
    return {k: tuple(v) for k, v in found.items()}


def _totals() -> list[tuple]:
    return sorted(
        db.session.execute(
            select(
                DaySales.site_id,
                DaySales.business_day,
                DaySales.status,
                DaySales.lines,
                DaySales.quantity,
                DaySales.amount_fen,
            )
        ).all(),
        key=str,
    )


@pytest.mark.parametrize("by", ["day", "month", "site"])
def test_the_report_from_the_totals_equals_a_sum_over_the_lines(varied, by):
    rows = reports.breakdown(None, business_day(), business_day(), by)
    shown = {r.key: (r.lines, r.sold, r.refunded, r.voided, r.sold_fen, r.refund_fen) for r in rows}
    assert shown == _from_lines(by)
    refunds = shown[next(iter(shown))][2]
    assert refunds == 1  # the reversed refund


def test_the_totals_kept_up_equal_a_rebuild(varied):
    kept = _totals()
    summary.rebuild(business_day(), business_day())
    assert _totals() == kept
    assert {status for _s, _d, status, *_ in kept} == set(SaleStatus)
