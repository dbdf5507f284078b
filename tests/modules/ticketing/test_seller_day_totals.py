"""The per-seller day totals (tkt_seller_day_sales) behind the sellers report, the share
patterns and the sales report by seller, and the entries sold per venue and seller
(tkt_venue_day_sales) behind the gate gaps: kept equal to a direct sum over the sales lines
by every write path (import, approved reversal, range sales at the blind count,
correction, rebuild), filled by their migration, and read at a constant statement count."""

import importlib.util
from math import exp, lgamma, log
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import case, delete, func, select

from modules.ticketing import corrections, reports, reversals, shifts, stock, summary
from modules.ticketing.days.record import day_record
from modules.ticketing.imports import import_sales
from modules.ticketing.models import (
    CARD_KINDS,
    DayGroupSales,
    Payment,
    Product,
    ProductKind,
    ProductVenue,
    SalesLine,
    SaleStatus,
    SellerDaySales,
    VenueDaySales,
)
from modules.ticketing.reports.share_patterns import binomial_tail
from parkops.extensions import db
from parkops.timeutil import business_day

from .conftest import REVERSAL_COLUMNS, csv_bytes, sale

MIGRATION = (
    Path(__file__).parents[3] / "migrations/versions/7e7e5a000007_seller_day_sales_totals.py"
)
ZERO = dict.fromkeys(Payment, 0)
FLOAT = 50_000


def _from_lines() -> list[tuple]:
    """``(site, day, seller, status, lines, quantity, fen, admitted, card, free, free fen)``
    summed over the sales lines."""

    def of(condition, column=SalesLine.quantity):
        return func.sum(case((condition, column), else_=0))

    keys = (SalesLine.site_id, SalesLine.business_day, SalesLine.seller_id, SalesLine.status)
    rows = db.session.execute(
        select(
            *keys,
            func.count(SalesLine.id),
            func.sum(SalesLine.quantity),
            func.sum(SalesLine.amount_fen),
            of(Product.kind.not_in(CARD_KINDS)),
            of(Product.kind == ProductKind.CARD_ENTRY),
            of(Product.kind == ProductKind.CONCESSION),
            of(Product.kind == ProductKind.CONCESSION, SalesLine.amount_fen),
        )
        .join(Product, Product.id == SalesLine.product_id)
        .group_by(*keys)
    )
    return sorted((tuple(r) for r in rows), key=str)


def _kept() -> list[tuple]:
    t = SellerDaySales
    rows = db.session.execute(
        select(
            t.site_id,
            t.business_day,
            t.seller_id,
            t.status,
            t.lines,
            t.quantity,
            t.amount_fen,
            t.admitted,
            t.card_entries,
            t.free_entries,
            t.free_fen,
        )
    )
    return sorted((tuple(r) for r in rows), key=str)


def _venues_from_lines() -> list[tuple]:
    """``(site, day, venue, seller, tickets sold less refunded)`` over the sales lines."""
    keys = (SalesLine.site_id, SalesLine.business_day, ProductVenue.venue_id, SalesLine.seller_id)
    admitted = case(
        (SalesLine.status == SaleStatus.SOLD, SalesLine.quantity),
        (SalesLine.status == SaleStatus.REFUND, -SalesLine.quantity),
        else_=0,
    )
    rows = db.session.execute(
        select(*keys, func.sum(admitted))
        .join(ProductVenue, ProductVenue.product_id == SalesLine.product_id)
        .group_by(*keys)
    )
    return sorted((tuple(r) for r in rows), key=str)


def _venues_kept() -> list[tuple]:
    t = VenueDaySales
    rows = db.session.execute(
        select(t.site_id, t.business_day, t.venue_id, t.seller_id, t.admitted)
    )
    return sorted((tuple(r) for r in rows), key=str)


def _groups_from_lines() -> list[tuple]:
    """``(site, day, office, product, payment, status, lines, quantity, fen)``, summed over
    the sales lines by each of office, product and payment method (the others None)."""
    found = []
    for column in (SalesLine.office_id, SalesLine.product_id, SalesLine.payment):
        keys = (SalesLine.site_id, SalesLine.business_day, column, SalesLine.status)
        for site, day, key, status, *sums in db.session.execute(
            select(
                *keys,
                func.count(SalesLine.id),
                func.sum(SalesLine.quantity),
                func.sum(SalesLine.amount_fen),
            ).group_by(*keys)
        ):
            place = {"office_id": 0, "product_id": 1, "payment": 2}[column.key]
            by = [None, None, None]
            by[place] = key
            found.append((site, day, *by, status, *sums))
    return sorted(found, key=str)


def _groups_kept() -> list[tuple]:
    t = DayGroupSales
    rows = db.session.execute(
        select(
            t.site_id,
            t.business_day,
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
    return (
        _kept() == _from_lines() != []
        and _venues_kept() == _venues_from_lines() != []
        and _groups_kept() == _groups_from_lines() != []
    )


def _imported(world) -> None:
    world.open()
    world.open(world.seller2, world.window2)
    one = [
        sale(world, world.combo, quantity=10, payment="wechat"),
        sale(world, world.card_entry, quantity=4),
        sale(world, world.card, quantity=2),
        sale(world, world.child, quantity=3, amount="15"),
    ]
    two = [
        sale(world, world.child, quantity=5, cashier="seller2"),
        sale(world, world.combo, cashier="seller2"),
        {
            **sale(world, world.combo, cashier="seller2", status="refund"),
            "reason": "rain",
            "reverses": "3",
        },
        {**sale(world, world.combo, cashier="seller2", status="void"), "reason": "left"},
    ]
    assert import_sales("one.csv", csv_bytes(one), world.seller).ok
    assert import_sales("two.csv", csv_bytes(two, REVERSAL_COLUMNS), world.seller2).ok


def test_an_import_keeps_them(world):
    _imported(world)
    assert _kept_right()
    statuses = {status for *_k, status, _l, _q, _f, _a, _c, _fe, _ff in _kept()}
    assert statuses == {SaleStatus.SOLD}  # the refund and the void wait for approval


def test_an_approved_reversal_keeps_them(world):
    _imported(world)
    for reversal in reversals.pending_reversals(None):
        reversals.decide_reversal(reversal, True, world.auditor)
    assert _kept_right()
    assert {row[3] for row in _kept()} == set(SaleStatus)


def test_range_sales_at_the_blind_count_keep_them(world):
    shift = world.open()
    issue = world.take(shift, world.gate_ticket, 1000, 1099)
    stock.return_range(issue, 1040, world.seller)
    shifts.count_blind(shift, {**ZERO, Payment.CASH: FLOAT + 40 * 4000}, world.seller)
    assert _kept_right()
    assert [row[5] for row in _kept()] == [40]


def test_an_approved_correction_keeps_them(world):
    _imported(world)
    day = day_record(world.site.id, business_day())
    for seller in (world.seller, None):
        c = corrections.request_correction(
            day,
            corrections.SaleAdjustment(
                world.office, world.child, Payment.CASH, SaleStatus.SOLD, 2, 1000, seller
            ),
            "Sold by hand while the till was down.",
            world.auditor,
        )
        corrections.decide_correction(c, True, world.leader)
    assert _kept_right()
    assert any(row[2] is None for row in _kept())  # the correction without a seller


def test_a_rebuild_gives_what_was_kept(world):
    _imported(world)
    db.session.execute(delete(SellerDaySales))
    db.session.execute(delete(VenueDaySales))
    db.session.execute(delete(DayGroupSales))
    summary.rebuild(business_day(), business_day())
    assert _kept_right()


def test_the_migration_fills_them_from_the_summary(world):
    _imported(world)
    db.session.commit()
    kept = _kept(), _venues_kept(), _groups_kept()
    spec = importlib.util.spec_from_file_location("seller_day_sales", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    db.session.commit()
    db.session.close()  # its connection's locks would hold the migration up on PostgreSQL
    with db.engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            migration.downgrade()
            migration.upgrade()
    assert (_kept(), _venues_kept(), _groups_kept()) == kept


def test_the_reports_equal_a_direct_sum_over_the_lines(world):
    _imported(world)
    for reversal in reversals.pending_reversals(None):
        reversals.decide_reversal(reversal, True, world.auditor)
    today = business_day()
    lines = {}
    for (
        _site,
        _day,
        seller,
        status,
        n,
        quantity,
        fen,
        admitted,
        cards,
        free,
        free_fen,
    ) in _from_lines():
        lines[(seller, status)] = (n, quantity, fen, admitted, cards, free, free_fen)
    figures = {r.seller.id: r.figures for r in reports.seller_report(None, today, today).rows}
    for seller in (world.seller, world.seller2):
        f = figures[seller.id]
        sold = lines[(seller.id, SaleStatus.SOLD)]
        refund = lines.get((seller.id, SaleStatus.REFUND), (0,) * 7)
        void = lines.get((seller.id, SaleStatus.VOID), (0,) * 7)
        assert (f.sold, f.refunds, f.voids) == (sold[1], refund[1], void[1])
        assert (f.sales_fen, f.refund_fen) == (sold[2] - refund[2], refund[2])
        assert f.admissions == sold[3] - refund[3]
        assert (f.card_entries, f.free_entries) == (sold[4], sold[5])
    by_seller = {r.key: r for r in reports.breakdown(None, today, today, "seller")}
    for (seller, status), (_n, quantity, *_rest) in lines.items():
        row = by_seller[seller]
        shown = {SaleStatus.SOLD: row.sold, SaleStatus.REFUND: row.refunded}
        assert shown.get(status, row.voided) == quantity
    assert {k: r.lines for k, r in by_seller.items()} == {
        seller: sum(n for (s, _st), (n, *_r) in lines.items() if s == seller)
        for seller, _status in lines
    }
    free = {p.seller.id: p for p in reports.share_patterns(None, today, today) if p.kind == "free"}
    assert (free[world.seller.id].tally.count, free[world.seller.id].tally.base) == (3, 17)
    assert free[world.seller.id].tally.amount_fen == 1500


@pytest.mark.parametrize("by", ["office", "seller", "product", "kind", "payment"])
def test_the_sales_report_by_any_group_equals_a_direct_sum_over_the_lines(world, by):
    _imported(world)
    for reversal in reversals.pending_reversals(None):
        reversals.decide_reversal(reversal, True, world.auditor)
    column = {
        "office": SalesLine.office_id,
        "seller": SalesLine.seller_id,
        "product": SalesLine.product_id,
        "kind": Product.kind,
        "payment": SalesLine.payment,
    }[by]
    direct: dict = {}
    for key, status, lines, quantity, amount in db.session.execute(
        select(
            column,
            SalesLine.status,
            func.count(SalesLine.id),
            func.sum(SalesLine.quantity),
            func.sum(SalesLine.amount_fen),
        )
        .join(Product, Product.id == SalesLine.product_id)
        .group_by(column, SalesLine.status)
    ):
        total = direct.setdefault(key, [0] * 6)
        total[0] += lines
        place = {SaleStatus.SOLD: 1, SaleStatus.REFUND: 2, SaleStatus.VOID: 3}[status]
        total[place] += quantity
        if status != SaleStatus.VOID:
            total[place + 3] += amount
    today = business_day()
    shown = {
        r.key: [r.lines, r.sold, r.refunded, r.voided, r.sold_fen, r.refund_fen]
        for r in reports.breakdown(None, today, today, by)
    }
    assert shown == direct != {}


def _direct_tail(k: int, n: int, p: float) -> float:
    """The computation the share patterns used before: every term from k up, by logs."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0:
        return 0.0
    lp, lq = log(p), log(1 - p)
    total = 0.0
    for j in range(k, n + 1):
        term = exp(lgamma(n + 1) - lgamma(j + 1) - lgamma(n - j + 1) + j * lp + (n - j) * lq)
        total += term
        if j > n * p and term < total * 1e-15:
            break
    return min(total, 1.0)


@pytest.mark.parametrize("n", [1, 7, 50, 300, 2_000, 20_000])
@pytest.mark.parametrize("p", [0.0004, 0.011, 0.05, 0.3, 0.5, 0.93])
def test_the_binomial_tail_gives_the_figures_and_flags_of_the_direct_sum(n, p):
    sd = (n * p * (1 - p)) ** 0.5
    for z in (-6, -3, -2.33, -1, 0, 0.5, 1, 2, 2.33, 2.6, 3, 4, 8):
        k = max(0, min(n + 1, round(n * p + z * sd)))
        direct, fast = _direct_tail(k, n, p), binomial_tail(k, n, p)
        assert fast == pytest.approx(direct, rel=1e-9, abs=1e-12), (k, n, p)
        assert round(fast, 6) == round(direct, 6) and (fast < 0.01) == (direct < 0.01)


def test_the_seller_pages_read_a_constant_number_of_statements(world, as_user, count_queries):
    _imported(world)
    client = as_user(world.auditor)
    pages = ["/ticketing/reports/sellers", "/ticketing/reports/patterns"]
    pages += [f"/ticketing/reports/sales?by={by}" for by in reports.GROUPS]
    with count_queries() as few:
        for page in pages:
            assert client.get(page).status_code == 200
    more = [sale(world, world.card_entry, quantity=2, cashier="seller2") for _n in range(20)]
    assert import_sales("more.csv", csv_bytes(more), world.seller2).ok
    db.session.expire_all()
    with count_queries() as again:
        for page in pages:
            assert client.get(page).status_code == 200
    assert again.count == few.count
