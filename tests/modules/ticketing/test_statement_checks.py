"""A payment bill is checked against itself and the calendar before anything is imported:
its rows must add up to its own totals (a bill cut short or changed is refused, naming both
figures), its days must not be decades back, and the lines of a signed day are named once per
day, for the auditor who reads it (tester12 findings 3, 4 and 16)."""

import io

import pytest
from sqlalchemy import func, select

from modules.ticketing.days import signoff
from modules.ticketing.days.record import day_record
from modules.ticketing.errors import TicketingError
from modules.ticketing.imports import import_gate_counts, import_statement
from modules.ticketing.models import GateCount, StatementLine, TicketDay
from parkops.extensions import db
from tests.core.test_tabular import xls

from .test_imports import gate_csv
from .test_statements import ALIPAY, BILL_DAY, WECHAT

pytestmark = pytest.mark.usefixtures("english")


def lines_stored() -> int:
    return db.session.scalar(select(func.count()).select_from(StatementLine))


def wechat(text: str) -> bytes:
    return text.encode("utf-8")


def test_a_wechat_bill_whose_totals_were_changed_is_refused_naming_both_figures(world, terminals):
    text = WECHAT.read_text("utf-8").replace("`60,`1910.00,", "`61,`9999.00,")
    with pytest.raises(TicketingError) as refused:
        import_statement("wechat", "changed.csv", wechat(text), terminals)
    message = str(refused.value)
    assert "number of rows 61 in its totals, 60 in its rows" in message
    assert "amount settled ¥9,999.00 in its totals, ¥1,910.00 in its rows" in message
    assert lines_stored() == 0


@pytest.mark.parametrize("kept", [31, 5])
def test_a_wechat_bill_cut_short_is_refused(world, terminals, kept):
    """The first 30 rows with no totals; the header and a few rows, the last cut mid-line."""
    text = "\n".join(WECHAT.read_text("utf-8").splitlines()[:kept])
    if kept == 5:
        text = text[:-40]
    with pytest.raises(TicketingError, match=r"no totals \(总交易单数\).*cut short"):
        import_statement("wechat", "cut.csv", wechat(text), terminals)
    assert lines_stored() == 0


def test_an_alipay_bill_is_checked_against_its_closing_lines(world, terminals):
    text = ALIPAY.read_bytes().decode("gb18030")
    changed = text.replace(
        "交易合计：40笔，商家实收共1200.00元", "交易合计：41笔，商家实收共1300.00元"
    )
    with pytest.raises(TicketingError) as refused:
        import_statement("alipay", "a.csv", changed.encode("gb18030"), terminals)
    assert "number of payments 41 in its totals, 40 in its rows" in str(refused.value)
    assert "amount settled ¥1,300.00 in its totals, ¥1,200.00 in its rows" in str(refused.value)
    cut = text.split("#-----", 2)
    cut_short = "#-----".join(cut[:2]).rsplit("\n", 3)[0]  # the last rows and totals gone
    with pytest.raises(TicketingError, match="no totals"):
        import_statement("alipay", "cut.csv", cut_short.encode("gb18030"), terminals)
    assert lines_stored() == 0


def test_a_pos_report_without_its_total_row_is_refused(world, terminals):
    text = (
        "交易日期,交易时间,商户编号,终端编号,交易类型,交易金额,检索参考号\n"
        "2026-11-20,10:02:11,1040001,ZYLZ-N-01,消费,80,000111\n"
    )
    with pytest.raises(TicketingError, match=r"no totals \(合计\)"):
        import_statement("pos", "pos.csv", text.encode(), terminals)
    wrong = text + "合计,,,,,81,\n"
    with pytest.raises(TicketingError, match="settled ¥81.00 in its totals, ¥80.00 in its rows"):
        import_statement("pos", "pos.csv", wrong.encode(), terminals)
    assert import_statement("pos", "pos.csv", (text + "合计,,,,,80,\n").encode(), terminals).ok


def test_a_bill_of_2001_is_refused_and_makes_no_ticket_days(world, terminals):
    text = WECHAT.read_text("utf-8").replace("2026-11-20", "2001-01-01")
    result = import_statement("wechat", "2001.csv", wechat(text), terminals)
    assert len(result.errors) == 60
    assert "2001-01-01 is more than two years back" in result.errors[0].reasons[0]
    assert lines_stored() == 0
    days = db.session.scalars(select(TicketDay.business_day)).all()
    assert all(day.year > 2001 for day in days)


def test_a_gate_count_of_2001_is_refused(world):
    rows = [{"date": "2001-01-01", "venue": "ZOO", "entries": "10"}]
    result = import_gate_counts("g.csv", gate_csv(rows), world.site, world.auditor)
    assert "2001-01-01 is more than two years back" in result.errors[0].reasons[0]
    assert db.session.scalar(select(func.count()).select_from(GateCount)) == 0


def test_a_signed_day_is_named_once_with_its_lines_and_its_page(world, terminals):
    signed = day_record(world.site.id, BILL_DAY)
    signoff.sign_off(signed, set(), world.auditor)
    result = import_statement("wechat", WECHAT.name, WECHAT.read_bytes(), terminals)
    (error,) = result.errors  # not one per line: one for the day
    (reason,) = error.reasons
    assert reason.startswith("2026-11-20 中原绿色庄园 is signed off")
    assert "38 lines of this file fall on it" in reason
    assert "auditor" not in reason  # she is the one reading it
    assert error.link == f"/ticketing/days/{signed.id}"
    assert lines_stored() == 0


def test_the_page_links_the_signed_day(world, terminals, as_user):
    signed = day_record(world.site.id, BILL_DAY)
    signoff.sign_off(signed, set(), world.auditor)
    bill = {"provider": "wechat", "file": (io.BytesIO(WECHAT.read_bytes()), WECHAT.name)}
    page = as_user(terminals).post(
        "/ticketing/imports/statements", data=bill, content_type="multipart/form-data"
    )
    assert page.status_code == 422
    assert f'<a href="/ticketing/days/{signed.id}">Open the day</a>' in page.get_data(as_text=True)


def test_a_wechat_bill_saved_as_an_xls_workbook_keeps_its_totals_as_numbers(world, terminals):
    """The totals as number cells (Excel saved the bill as .xls) read as the text did."""
    lines = WECHAT.read_text("utf-8").replace("`", "").splitlines()
    rows = [line.split(",") for line in lines[:-1]]
    rows.append([60, 1910, 0, 0, 11.46, 1910, 0])  # number cells
    result = import_statement("wechat", "bill.xls", xls(rows), terminals)
    assert result.ok and result.imported == 60
