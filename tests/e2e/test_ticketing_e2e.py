"""A ticket seller's shift and the auditor's sign-off, in a browser at a ticket-office PC's size.

The seller (``cashier``, 中原绿色庄园) opens a shift, takes a range of gate tickets,
imports the ticketing system's export of her e-ticket sales, returns the unsold
remainder and closes blind with ¥50 less cash than expected, which she explains.
The auditor sees the flag, records gate counts of which one does not match the
tickets sold, the bank deposit, records why the day has no WeChat Pay bill yet, ticks
every flag as reviewed and signs the day off.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from modules.ticketing.models import DayStatus, Product, StockIssue, TicketDay
from parkops.auth.models import Site
from parkops.extensions import db

pytestmark = pytest.mark.e2e

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def free_gate_range(live_server):
    """A hundred gate-ticket serials never issued to anyone, in the demo's roll."""
    with live_server.app.app_context():
        product = db.session.scalar(
            select(Product).join(Site).where(Site.code == "ZYLZ", Product.code == "GATE-ADULT")
        )
        last = db.session.scalar(
            select(func.max(StockIssue.last_serial)).where(StockIssue.product_id == product.id)
        )
        db.session.remove()
    return last + 1, last + 100


def _sales_file(tmp_path):
    now = datetime.now(SHANGHAI)
    moment = max(now - timedelta(minutes=2), now.replace(hour=0, minute=0, second=1))
    when = moment.strftime("%Y-%m-%d %H:%M:%S")
    path = tmp_path / "销售导出.csv"
    path.write_text(
        "sold_at,office,cashier,product,serial,quantity,amount,payment,status,备注\n"
        f"{when},ZYLZ-N,cashier,CAROUSEL,,2,40.00,wechat,sold,\n"
        f"{when},ZYLZ-N,cashier,TRAIN,,1,30,cash,sold,团队\n",
        encoding="utf-8-sig",
    )
    return path


def _today_at_zylz(live_server) -> TicketDay:
    with live_server.app.app_context():
        day = db.session.scalar(
            select(TicketDay)
            .join(Site)
            .where(Site.code == "ZYLZ", TicketDay.business_day == datetime.now(SHANGHAI).date())
        )
        db.session.remove()
    return day


def test_seller_closes_short_and_the_auditor_signs_the_day_off(
    desktop, sign_in, screenshot, live_server, free_gate_range, tmp_path
):
    page = desktop
    first, last = free_gate_range
    sign_in(page, "cashier")

    page.goto("/ticketing/")
    opening = page.locator("#open-shift")
    opening.locator("select[name=window_id]").select_option(index=0)
    opening.locator("input[name=opening_float]").fill("500")
    opening.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/ticketing/shifts/\d+$"))
    shift_url = page.url

    take = page.locator("#take-range")
    take.locator("select[name=product_id]").select_option(label="大门成人票")
    take.locator("input[name=first]").fill(str(first))
    take.locator("input[name=last]").fill(str(last))
    take.locator("[type=submit]").click()
    expect(page.locator("#ranges")).to_contain_text(f"{first}–{last}")

    page.goto("/ticketing/imports/sales")
    page.locator("#import-form input[type=file]").set_input_files(str(_sales_file(tmp_path)))
    page.locator("#import-form [type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()

    page.goto(shift_url)
    returning = page.locator("#ranges form:has(input[name=first_unsold])")
    returning.locator("input[name=first_unsold]").fill(str(first + 10))  # ten sold
    returning.locator("[type=submit]").click()
    page.locator("#close-shift").click()

    count = page.locator("#count-form")
    expect(count).not_to_contain_text("930")  # blind: nothing expected is shown
    # Expected cash: float 500 + 10 gate tickets × 40 + a train ticket 30 = 930; she has 880.
    for name, amount in {
        "cash": "880",
        "card": "0",
        "wechat": "40",
        "alipay": "0",
        "other": "0",
    }.items():
        count.locator(f"input[name={name}]").fill(amount)
    count.locator("[type=submit]").click()
    expect(page).to_have_url(shift_url)
    expect(page.locator("#count")).to_contain_text("-¥50.00")
    explain = page.locator("#explain-form")
    explain.locator("textarea[name=explanation]").fill("找零时多找给一位游客50元,已登记。")
    explain.locator("[type=submit]").click()
    expect(page.locator(".badge.state-closed")).to_be_visible()
    screenshot(page, "seller-closed")

    page.locator("form[action$='/logout'] [type=submit]").click()
    sign_in(page, "finance")  # the stock keeper counts the returned remainder
    page.goto(shift_url)
    keeper = page.locator("#ranges form:has(input[name=first_seen])")
    keeper.locator("input[name=first_seen]").fill(str(first + 10))
    keeper.locator("input[name=last_seen]").fill(str(last))
    keeper.locator("[type=submit]").click()
    expect(page.locator("#ranges form:has(input[name=first_seen])")).to_have_count(0)

    page.locator("form[action$='/logout'] [type=submit]").click()
    sign_in(page, "auditor")
    day = _today_at_zylz(live_server)
    page.goto(f"/ticketing/days/{day.id}")
    expect(page.locator("#flags")).to_contain_text("-¥50.00")
    expect(page.locator("#flags")).to_contain_text("找零时多找给一位游客50元")
    # No gate count and no deposit yet: the sign-off is blocked, looks it, and says why.
    expect(page.locator("#sign-form [type=submit]")).to_be_disabled()
    expect(page.locator("#sign-blocked")).to_be_visible()
    expect(page.locator("#flags")).not_to_contain_text("无疑点")
    screenshot(page, "day-blocked-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "day-blocked-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    gate = page.locator("#gate-form")
    for venue, entries in (("园区大门", 13), ("旋转木马", 2), ("小火车", 1)):  # 3 without a ticket
        gate = page.locator("#gate-form")
        gate.locator("select[name=venue_id]").select_option(label=venue)
        gate.locator("input[name=entries]").fill(str(entries))
        gate.locator("[type=submit]").click()
    expect(page.locator("#venues")).to_contain_text("+3")
    deposit = page.locator("#deposit-form")
    deposit.locator("input[name=amount]").fill("380")  # 880 counted less the 500 float
    deposit.locator("input[name=slip_number]").fill("E2E-0001")
    deposit.locator("[type=submit]").click()

    # Today's WeChat Pay bill comes tomorrow: the auditor records why the day has none.
    expect(page.locator("#flags")).to_contain_text("微信")
    exception = page.locator("#exception-form")
    exception.locator("select[name=method]").select_option(value="wechat")
    exception.locator("input[name=reason]").fill("微信账单次日才能下载,已核对商户平台当日流水")
    exception.locator("[type=submit]").click()
    expect(page.locator("#statements")).to_contain_text("微信账单次日才能下载")
    screenshot(page, "day-statement-exception")

    sign = page.locator("#sign-form")
    boxes = sign.locator("input[name=reviewed]")
    # the shift's difference, the gate that does not match, the day without a WeChat bill
    expect(boxes).to_have_count(3)
    for index in range(boxes.count()):
        boxes.nth(index).check()
    sign.locator("[type=submit]").click()
    expect(page.locator(".badge.day-signed")).to_be_visible()
    screenshot(page, "day-signed")

    signed = _today_at_zylz(live_server)
    assert signed.status == DayStatus.SIGNED
    keys = {flag["key"].split(":")[0] for flag in signed.signed_figures["flags"]}
    assert keys == {"shift-diff", "gate", "statement-exception"}
