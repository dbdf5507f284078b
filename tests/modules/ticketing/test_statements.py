"""Issue 14: the payment providers' statements (the real sample bills of
/work/shared/samples/payments) are imported all or nothing, never twice, and matched per
window and day against the shifts' electronic takings; a day with electronic takings is
signed off only with its statements or the auditor's reasoned exception."""

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from modules.ticketing import catalog, shifts
from modules.ticketing.days import gate_and_deposit, reconciliation, signoff, statements
from modules.ticketing.days.record import day_record
from modules.ticketing.errors import TicketingError
from modules.ticketing.imports import import_sales, import_statement
from modules.ticketing.models import Payment, StatementLine
from parkops.extensions import db
from parkops.timeutil import business_day

from .conftest import csv_bytes, sale

pytestmark = pytest.mark.usefixtures("english")

SAMPLES = Path("/work/shared/samples/payments")
WECHAT = SAMPLES / "wechatpay-trade-ALL-20261120.csv"
ALIPAY = SAMPLES / "alipay-trade-detail-20261120.csv"
BILL_DAY = date(2026, 11, 20)
FLOAT = 50_000
ZERO = dict.fromkeys(Payment, 0)


def stated(site_id: int, method: Payment) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(StatementLine.window_id, func.sum(StatementLine.amount_fen))
            .where(StatementLine.site_id == site_id, StatementLine.method == method)
            .group_by(StatementLine.window_id)
        ).all()
    )


def test_the_wechat_bill_imports_once_without_its_totals(world, terminals):
    data = WECHAT.read_bytes()
    result = import_statement("wechat", WECHAT.name, data, terminals)
    assert result.ok and result.imported == 60
    assert stated(world.site.id, Payment.WECHAT) == {
        world.window.id: 59_000,
        world.window2.id: 63_000,
    }
    assert sum(stated(world.other_site.id, Payment.WECHAT).values()) == 69_000
    days = set(db.session.scalars(select(StatementLine.business_day).distinct()))
    assert days == {BILL_DAY}
    again = import_statement("wechat", WECHAT.name, data, terminals)
    assert again.previous is not None and again.imported == 0
    assert db.session.scalar(select(func.count()).select_from(StatementLine)) == 60


def test_the_alipay_bill_in_gb18030_with_comment_lines_imports(world, terminals):
    result = import_statement("alipay", ALIPAY.name, ALIPAY.read_bytes(), terminals)
    assert result.ok and result.imported == 40
    assert stated(world.site.id, Payment.ALIPAY) == {
        world.window.id: 37_000,
        world.window2.id: 40_000,
    }
    assert sum(stated(world.other_site.id, Payment.ALIPAY).values()) == 43_000


def test_a_bill_saved_again_in_excel_with_refunds_reads_the_same(world, terminals):
    """Backticks gone, a byte-order mark, the columns in another order, a refund and a
    revoked payment before the totals."""
    lines = WECHAT.read_text("utf-8").replace("`", "").splitlines()
    header = lines[0].split(",")
    order = list(reversed(range(len(header))))
    body = [ln for ln in lines[1:] if ln.startswith("2026")]
    # ¥20 refunded of the first payment on ZYLZ-N-01; another payment revoked (no money)
    first_n01 = next(ln.split(",") for ln in body if ",ZYLZ-N-01," in ln)
    refund = list(first_n01)
    refund[9], refund[12] = "REFUND", "0.00"  # a refund row settles no order amount
    refund[14], refund[16] = "50000000202611200000000001", "20.00"
    revoked = list(first_n01)
    revoked[5], revoked[9] = "42000000202611209999999999", "REVOKED"
    rows = [ln.split(",") for ln in body] + [refund, revoked]
    # the bill's totals count every row, the revoked one too
    settled = sum(Decimal(r[12]) for r in rows)
    totals = [str(len(rows)), f"{settled:.2f}", "20.00", "0.00", "0", f"{settled:.2f}", "20.00"]
    text = "\n".join(
        [",".join(header[i] for i in order)]
        + [",".join(r[i] for i in order) for r in rows]
        + [lines[len(body) + 1], ",".join(totals)]
    )
    data = b"\xef\xbb\xbf" + text.encode("utf-8")
    result = import_statement("wechat", "again.csv", data, terminals)
    assert result.ok and result.imported == 61
    assert stated(world.site.id, Payment.WECHAT)[world.window.id] == 59_000 - 2_000


def test_bad_rows_are_named_by_line_and_nothing_is_imported(world, terminals):
    lines = WECHAT.read_text("utf-8").splitlines()
    cells = lines[4].split(",")
    cells[0], cells[12] = "`2026-11-31 08:00:00", "`1O.00"  # no such day; a letter O
    lines[4] = ",".join(cells)
    lines[7] = lines[7].replace("`ZYLZ-N-01", "`ZYLZ-X-99").replace("`ZYLZ-N-02", "`ZYLZ-X-99")
    result = import_statement("wechat", "bad.csv", "\n".join(lines).encode(), terminals)
    assert [e.line for e in result.errors] == [5, 8]
    assert len(result.errors[0].reasons) == 2
    assert result.errors[0].reasons[1].startswith("not an amount in yuan")  # no "Line 5:"
    assert result.errors[0].reasons[0].startswith("not a date")
    assert "ZYLZ-X-99 is set on no window" in result.errors[1].reasons[0]
    assert db.session.scalar(select(func.count()).select_from(StatementLine)) == 0


def test_a_decimal_comma_is_refused_never_read_as_more(world, terminals):
    text = WECHAT.read_text("utf-8").replace("`", "")
    lines = text.splitlines()
    lines[1] = re.sub(r",50\.00,0\.00,0,0,", ',"12,5",0.00,0,0,', lines[1], count=1)
    result = import_statement("wechat", "comma.csv", "\n".join(lines).encode(), terminals)
    assert [e.line for e in result.errors] == [2]
    assert "not an amount in yuan" in result.errors[0].reasons[0]


def test_lines_of_a_site_the_importer_does_not_work_at_are_refused(world, terminals):
    result = import_statement("wechat", WECHAT.name, WECHAT.read_bytes(), world.manager)
    assert len(result.errors) == 22
    assert "PSY-E-01 is at a site you do not work at" in result.errors[0].reasons[0]
    assert db.session.scalar(select(func.count()).select_from(StatementLine)) == 0


def test_a_terminal_is_set_on_one_window_only(world, terminals):
    with pytest.raises(TicketingError, match="ZYLZ-N-01 is already set"):
        catalog.set_terminals(world.window2, "ZYLZ-N-02 ZYLZ-N-01", world.manager)


def shift_with_electronic_takings(world, window, wechat_fen: int, alipay_fen: int):
    """A closed shift at ``window`` whose imported sales expected these electronic takings,
    counted as expected."""
    shift = world.open(window=window)
    rows = [
        sale(world, world.combo, amount=f"{wechat_fen / 100:.2f}", payment="wechat"),
        sale(world, world.combo, amount=f"{alipay_fen / 100:.2f}", payment="alipay"),
    ]
    assert import_sales(f"s{window.id}.csv", csv_bytes(rows), world.seller).ok
    counted = {**ZERO, Payment.CASH: FLOAT, Payment.WECHAT: wechat_fen, Payment.ALIPAY: alipay_fen}
    shifts.count_blind(shift, counted, world.seller)
    return shift


def on_bill_day(world, *shift_list):
    """The shifts moved to the sample bills' day (their tallies are what is compared)."""
    for s in shift_list:
        s.business_day = BILL_DAY
    db.session.commit()
    return day_record(world.site.id, BILL_DAY)


def test_ten_sales_paid_to_a_personal_qr_code_are_a_serious_flag(world, terminals):
    """W1 recorded ¥300 of WeChat the provider never settled; W2 agrees."""
    skim = shift_with_electronic_takings(world, world.window, 59_000 + 30_000, 37_000)
    honest = shift_with_electronic_takings(world, world.window2, 63_000, 40_000)
    day = on_bill_day(world, skim, honest)
    import_statement("wechat", WECHAT.name, WECHAT.read_bytes(), terminals)
    import_statement("alipay", ALIPAY.name, ALIPAY.read_bytes(), terminals)
    figures = reconciliation.day_figures(day)
    by_key = {(s.window.id, s.method): s for s in figures.statements.figures}
    assert by_key[(world.window.id, Payment.WECHAT)].difference == -30_000
    assert by_key[(world.window2.id, Payment.WECHAT)].difference == 0
    assert by_key[(world.window.id, Payment.ALIPAY)].difference == 0
    (flag,) = [f for f in figures.flags if f.key.startswith("statement:")]
    assert flag.serious and "settled ¥590.00" in flag.text and "¥890.00" in flag.text
    assert not figures.statements.missing
    with pytest.raises(TicketingError, match="Write a finding about this flag"):
        signoff.sign_off(day, {f.key for f in figures.flags}, world.auditor)


def test_a_day_without_its_statement_waits_for_it_or_a_reasoned_exception(world, terminals):
    shift = shift_with_electronic_takings(world, world.window, 12_000, 0)
    day = day_record(world.site.id, business_day())
    for venue in (world.gate, world.zoo):
        gate_and_deposit.record_gate_count(day, venue, 1, world.auditor)
    figures = reconciliation.day_figures(day)
    assert figures.statements.missing == [Payment.WECHAT]
    with pytest.raises(TicketingError, match="No WeChat Pay statement covers this day"):
        signoff.sign_off(day, {f.key for f in figures.flags}, world.auditor)
    with pytest.raises(TicketingError, match="Say why"):
        statements.record_statement_exception(day, Payment.WECHAT, " ", world.auditor)
    statements.record_statement_exception(
        day, Payment.WECHAT, "The merchant platform is down until Monday.", world.auditor
    )
    figures = reconciliation.day_figures(day)
    assert not figures.blocking
    excepted = [f for f in figures.flags if f.key == "statement-exception:wechat"]
    assert "merchant platform is down" in excepted[0].text
    signoff.sign_off(day, {f.key for f in figures.flags}, world.auditor)
    assert day.signed and shift.business_day == day.business_day


def test_the_day_page_shows_statements_and_the_exception_form(world, terminals, as_user):
    skim = shift_with_electronic_takings(world, world.window, 89_000, 37_000)
    day = on_bill_day(world, skim)
    client = as_user(world.auditor)
    page = client.get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    section = page[page.index('id="statements"') : page.index('id="flags"')]
    assert "none" in section and 'id="exception-form"' in section
    import_statement("wechat", WECHAT.name, WECHAT.read_bytes(), terminals)
    import_statement("alipay", ALIPAY.name, ALIPAY.read_bytes(), terminals)
    page = client.get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    section = page[page.index('id="statements"') : page.index('id="flags"')]
    assert "¥590.00" in section and "-¥300.00" in section and "exception-form" not in section


def test_the_day_pages_statements_cost_the_same_however_many_windows(
    world, terminals, as_user, count_queries
):
    """Two windows, then three (a window whose takings no bill settled): same queries."""
    skim = shift_with_electronic_takings(world, world.window, 89_000, 37_000)
    honest = shift_with_electronic_takings(world, world.window2, 63_000, 40_000)
    day = on_bill_day(world, skim, honest)
    import_statement("wechat", WECHAT.name, WECHAT.read_bytes(), terminals)
    import_statement("alipay", ALIPAY.name, ALIPAY.read_bytes(), terminals)
    client = as_user(world.auditor)
    path = f"/ticketing/days/{day.id}"

    def day_page_queries() -> int:
        db.session.expire_all()
        with count_queries() as counted:
            assert client.get(path).status_code == 200
        return counted.count

    two = day_page_queries()
    third = catalog.add_window(world.office, "W3", world.manager)
    catalog.set_terminals(third, "ZYLZ-N-03", world.manager)
    on_bill_day(world, shift_with_electronic_takings(world, third, 5_000, 5_000))
    page = client.get(path).get_data(as_text=True)
    section = page[page.index('id="statements"') : page.index('id="flags"')]
    assert section.count("-¥50.00") == 2  # W3: WeChat and Alipay settled nothing
    assert day_page_queries() == two


def test_a_bank_pos_report_in_a_workbook_reads_with_its_voids_and_without_its_total(
    world, terminals
):
    """No bank's real report was at hand: the common layout, a title row, a 撤销 (a card
    payment voided) and the 合计 row."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["中原银行POS商户结算明细"])
    sheet.append(
        [
            "交易日期",
            "交易时间",
            "商户编号",
            "终端编号",
            "卡号",
            "交易类型",
            "交易金额",
            "手续费",
            "检索参考号",
        ]
    )
    sheet.append(
        [
            "2026-11-20",
            "10:02:11",
            "1040001",
            "ZYLZ-N-01",
            "6222****1234",
            "消费",
            80,
            0.4,
            "000111",
        ]
    )
    sheet.append(
        ["2026-11-20", "10:05:00", "1040001", "ZYLZ-N-01", "6222****1234", "撤销", 80, 0, "000112"]
    )
    sheet.append(
        [
            "2026-11-20",
            "11:40:00",
            "1040001",
            "ZYLZ-N-02",
            "6222****9876",
            "消费",
            60.5,
            0.3,
            "000113",
        ]
    )
    sheet.append(["合计", "", "", "", "", "", 220.5, 0.7, ""])
    out = io.BytesIO()
    book.save(out)
    result = import_statement("pos", "pos.xlsx", out.getvalue(), terminals)
    assert result.ok and result.imported == 3
    assert stated(world.site.id, Payment.CARD) == {world.window.id: 0, world.window2.id: 6_050}


def test_the_pages_import_a_bill_once_set_terminals_and_record_an_exception(
    world, terminals, as_user
):
    client = as_user(terminals)
    page = "/ticketing/imports/statements"
    bill = {"provider": "wechat", "file": (io.BytesIO(WECHAT.read_bytes()), WECHAT.name)}
    done = client.post(page, data=bill, content_type="multipart/form-data", follow_redirects=True)
    assert "60 payments and refunds imported" in done.get_data(as_text=True)
    bill = {"provider": "wechat", "file": (io.BytesIO(WECHAT.read_bytes()), WECHAT.name)}
    again = client.post(page, data=bill, content_type="multipart/form-data", follow_redirects=True)
    assert "already imported on" in again.get_data(as_text=True)
    bad = {"provider": "alipay", "file": (io.BytesIO(WECHAT.read_bytes()), WECHAT.name)}
    refused = client.post(page, data=bad, content_type="multipart/form-data")
    assert refused.status_code == 422 and "No header row naming" in refused.get_data(as_text=True)
    assert as_user(world.seller).get(page).status_code == 403

    manager = as_user(world.manager)
    saved = manager.post(
        f"/ticketing/windows/{world.window.id}/terminals", data={"terminals": "T-9, ZYLZ-N-01"}
    )
    assert saved.status_code == 303 and world.window.terminals == "T-9 ZYLZ-N-01"

    shift = shift_with_electronic_takings(world, world.window, 0, 5_000)
    day = day_record(world.site.id, shift.business_day)
    auditor = as_user(world.auditor)
    recorded = auditor.post(
        f"/ticketing/days/{day.id}/statement-exception",
        data={"method": "alipay", "reason": "Alipay's bill of today comes tomorrow."},
    )
    assert recorded.status_code == 303 and recorded.location.endswith("#statements")
    assert not reconciliation.day_figures(day).statements.missing


def test_a_line_without_a_terminal_goes_to_the_window_of_its_merchant_number(world, terminals):
    catalog.set_terminals(world.window2, "ZYLZ-N-02 1900000001", world.manager)
    lines = WECHAT.read_text("utf-8").splitlines()
    body = [n for n, line in enumerate(lines) if ",`ZYLZ-N-01," in line]
    for n in body:
        lines[n] = lines[n].replace(",`ZYLZ-N-01,", ",`,")
    result = import_statement("wechat", "no-device.csv", "\n".join(lines).encode(), terminals)
    assert result.ok
    assert stated(world.site.id, Payment.WECHAT) == {world.window2.id: 59_000 + 63_000}
