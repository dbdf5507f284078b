"""Audit reports: per seller figures, what stands out, breakdowns, revenue per venue, .xlsx."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from modules.ticketing import corrections, reports, reversals, shifts, stock, summary
from modules.ticketing.days import gate_and_deposit
from modules.ticketing.days.record import day_record
from modules.ticketing.imports import import_sales
from modules.ticketing.models import DailySales, Payment, SaleStatus
from parkops.extensions import db
from parkops.spreadsheet import Column
from parkops.timeutil import business_day

from .conftest import REVERSAL_COLUMNS, csv_bytes, sale

ZERO = dict.fromkeys(Payment, 0)
FLOAT = 50_000


@pytest.fixture
def sold(world):
    """Seller One: 10 combined tickets and 4 card entries. Seller Two: 5 free children,
    a refund and a void (approved), and ¥5 short. The zoo gate counted 4 more than the tickets."""
    one = world.open()
    two = world.open(world.seller2, world.window2)
    refund_of_line_3 = {"reason": "rain", "reverses": "3"}
    rows_one = [
        sale(world, world.combo, quantity=10, payment="wechat"),
        sale(world, world.card_entry, quantity=4),
    ]
    rows_two = [
        sale(world, world.child, quantity=5, cashier="seller2"),
        sale(world, world.combo, cashier="seller2"),
        {**sale(world, world.combo, cashier="seller2", status="refund"), **refund_of_line_3},
        {**sale(world, world.combo, cashier="seller2", status="void"), "reason": "left"},
    ]
    assert import_sales("one.csv", csv_bytes(rows_one), world.seller).ok
    assert import_sales("two.csv", csv_bytes(rows_two, REVERSAL_COLUMNS), world.seller2).ok
    for reversal in reversals.pending_reversals(None):
        reversals.decide_reversal(reversal, True, world.auditor)
    shifts.count_blind(
        one, {**ZERO, Payment.CASH: FLOAT + 12000, Payment.WECHAT: 80000}, world.seller
    )
    shifts.count_blind(two, {**ZERO, Payment.CASH: FLOAT - 500}, world.seller2)
    day = day_record(world.site.id, business_day())
    gate_and_deposit.record_gate_count(day, world.gate, 10, world.auditor)  # 10 + 1 - 1 combined
    gate_and_deposit.record_gate_count(day, world.zoo, 23, world.auditor)  # 19 admitted + 4 more
    return world


def test_per_seller_figures(sold):
    report = reports.seller_report(None, business_day(), business_day())
    rows = {r.seller.username: r for r in report.rows}
    one, two = rows["seller1"].figures, rows["seller2"].figures
    assert (one.sales_fen, one.sold, one.admissions, one.card_entries) == (92000, 14, 14, 4)
    assert one.card_share == pytest.approx(28.6)
    assert (two.sales_fen, two.sold, two.refunds, two.refund_fen, two.voids) == (0, 6, 1, 8000, 1)
    assert (two.free_entries, two.admissions, two.free_share) == (5, 5, 100.0)
    assert (two.difference_fen, two.shortfall_fen, two.shortfall_per_shift) == (-500, -500, 500)
    # Alone at the gate, Seller One carries its (nil) gap; the zoo's 4 entries without a
    # ticket were sold for by both: booked to neither, counted as a shared gap for each.
    assert (one.gate_entries, one.gate_gap, one.shared_gaps) == (10, 0, 1)
    assert (two.gate_entries, two.gate_gap, two.shared_gaps) == (0, 0, 1)
    assert "free_share" in rows["seller2"].stand_out
    assert "free_share" not in rows["seller1"].stand_out
    assert report.rows[0].seller.username == "seller2"  # what stands out comes first
    assert report.all_sellers.sold == 20


def test_reports_are_limited_to_the_sites_asked_for(sold):
    assert reports.seller_report({sold.other_site.id}, business_day(), business_day()).rows == []
    assert reports.breakdown({sold.other_site.id}, business_day(), business_day(), "day") == []


@pytest.mark.parametrize("by", reports.GROUPS)
def test_every_breakdown_adds_up_to_the_same_net_takings(sold, by):
    rows = reports.breakdown(None, business_day(), business_day(), by)
    assert sum(r.net_fen for r in rows) == 92000 + 8000 - 8000
    assert all(r.label for r in rows)


def test_revenue_per_venue_splits_combined_tickets_by_weight(sold):
    rows = {r.label: r for r in reports.breakdown(None, business_day(), business_day(), "venue")}
    # Eleven combined tickets sold (one refunded): ¥880 split 40:60, plus card entries at the zoo.
    assert rows["Main gate"].sold_fen == 35200
    assert rows["Zoo"].sold_fen == 52800 + 12000
    assert rows["Main gate"].refund_fen == 3200 and rows["Zoo"].refund_fen == 4800


def test_breakdown_by_payment_and_kind_are_labelled(sold, app):
    rows = reports.breakdown(None, business_day(), business_day(), "payment")
    assert {r.key for r in rows} == {Payment.CASH, Payment.WECHAT}


def test_the_workbook_opens_with_money_in_yuan(sold):
    rows = reports.breakdown(None, business_day(), business_day(), "product")
    columns = [Column("Product"), Column("Net (¥)", kind="fen")]
    data = reports.workbook("Sales", columns, [[r.label, r.net_fen] for r in rows])
    sheet = load_workbook(BytesIO(data)).active
    assert sheet["A1"].value == "Product" and sheet["A1"].font.bold
    values = {
        sheet.cell(row, 1).value: sheet.cell(row, 2).value for row in range(2, sheet.max_row + 1)
    }
    assert float(values["Combo (中原绿色庄园)"]) == 800.0  # 11 sold less one refunded, ¥80 each
    assert sheet.cell(2, 2).number_format == "#,##0.00"


def test_the_seller_workbook_names_what_stands_out_and_keeps_text_as_text(sold, as_user):
    sold.seller2.display_name = '=HYPERLINK("http://example.invalid","open")'
    db.session.commit()
    client = as_user(sold.auditor)
    day = business_day().isoformat()
    response = client.get(f"/ticketing/reports/sellers?start={day}&end={day}&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    first = rows['=HYPERLINK("http://example.invalid","open")'][0]
    assert first.data_type == "s" and first.quotePrefix  # text, never a formula
    stands_out = rows[first.value][header.index("Stands out")].value
    assert "free entries" in stands_out and "free_share" not in stands_out


def test_report_queries_do_not_grow_with_the_data(sold, count_queries):
    with count_queries() as before:
        reports.seller_report(None, business_day(), business_day())
        reports.breakdown(None, business_day(), business_day(), "office")
    rows = [sale(sold, sold.combo, payment="alipay") for _ in range(30)]
    third = sold.open()
    assert import_sales("more.csv", csv_bytes(rows), sold.seller).ok
    shifts.count_blind(third, {**ZERO, Payment.CASH: FLOAT, Payment.ALIPAY: 240000}, sold.seller)
    with count_queries() as after:
        reports.seller_report(None, business_day(), business_day())
        reports.breakdown(None, business_day(), business_day(), "office")
    assert after.count == before.count


def _summary_rows():
    return sorted(
        db.session.execute(
            select(
                DailySales.office_id,
                DailySales.seller_id,
                DailySales.product_id,
                DailySales.payment,
                DailySales.status,
                DailySales.lines,
                DailySales.quantity,
                DailySales.amount_fen,
            )
        ).all(),
        key=str,
    )


def test_the_summary_kept_up_by_counts_and_corrections_equals_a_rebuild(world):
    shift = world.open()
    issue = world.take(shift, world.gate_ticket, 1000, 1099)
    assert import_sales("s.csv", csv_bytes([sale(world, world.combo, quantity=3)]), world.seller).ok
    stock.return_range(issue, 1040, world.seller)
    shifts.count_blind(shift, {**ZERO, Payment.CASH: FLOAT + 24000 + 40 * 4000}, world.seller)
    day = day_record(world.site.id, business_day())
    for seller in (world.seller, None):  # one adds to the seller's row, one makes a new row
        c = corrections.request_correction(
            day,
            corrections.SaleAdjustment(
                world.office, world.combo, Payment.CASH, SaleStatus.SOLD, 1, 8000, seller
            ),
            "Sold by hand while the till was down.",
            world.auditor,
        )
        corrections.decide_correction(c, True, world.leader)
    kept = _summary_rows()
    summary.rebuild(business_day(), business_day())
    assert _summary_rows() == kept
    assert sum(r.amount_fen for r in kept) == 24000 + 160000 + 16000


@pytest.mark.parametrize("by", ["product", "payment", "seller", "venue", "day"])
def test_the_breakdowns_voided_column_counts_approved_printed_voids(world, by):
    shift = world.open()
    issue = world.take(shift, world.gate_ticket, 1000, 1009)
    for serial, approve in ((1003, True), (1004, False)):
        void = stock.request_void(shift, world.gate_ticket, serial, "torn", world.seller)
        stock.decide_void(void, approve, world.auditor)
    stock.return_range(issue, 1005, world.seller)  # 1000–1004: four sold, 1003 voided
    shifts.count_blind(shift, {**ZERO, Payment.CASH: FLOAT + 4 * 4000}, world.seller)
    rows = reports.breakdown(None, business_day(), business_day(), by)
    assert sum(r.voided for r in rows) == 1
    assert sum(r.sold for r in rows) == 4
