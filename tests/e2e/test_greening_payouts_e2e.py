"""Greening in a browser, the assessment's second part: on a phone the assessor
withdraws a deduction she recorded by mistake; at a desk the office edits the payout
bands and reads last month's payout sheet, whose per-person totals add up."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from modules.greening.models import Round, Zone
from parkops.extensions import db
from parkops.timeutil import business_day

pytestmark = pytest.mark.e2e


def _ids(app, code: str) -> tuple[int, int, int]:
    """(this month's open round, last month's closed round, the zone) at 濮上园."""
    with app.app_context():
        open_id = db.session.scalar(select(Round.id).where(Round.closed_at.is_(None)))
        closed = select(Round.id).where(Round.closed_at.is_not(None))
        closed_id = db.session.scalar(closed.order_by(Round.month.desc()).limit(1))
        return open_id, closed_id, db.session.scalar(select(Zone.id).where(Zone.code == code))


def test_assessor_withdraws_a_deduction_on_a_phone(phone, live_server, sign_in, screenshot):
    round_id, _closed, zone_id = _ids(live_server.app, "PSY-G10")
    zone_page = f"/greening/rounds/{round_id}/zones/{zone_id}"
    sign_in(phone, "assessor")
    phone.goto(zone_page)
    watering = phone.locator("li.grn-item").nth(3)  # 浇水: no photo needed
    watering.locator("summary").click()
    watering.locator("input[name=defects]").fill("2")
    watering.locator("textarea[name=note]").fill("记错区了")
    watering.locator("form[action$='/deductions'] button[type=submit]").click()
    phone.wait_for_url(f"**{zone_page}")
    assert phone.locator(".grn-score-value").inner_text() == "90"
    withdraw = phone.locator("form[action$='/withdraw']")
    phone.locator("details", has=withdraw).locator("summary").click()
    withdraw.locator("input[name=reason]").fill("应记在PSY-G11")
    button = withdraw.locator("button[type=submit]")
    assert button.bounding_box()["height"] >= 44
    screenshot(phone, "withdraw-form-phone")
    button.click()
    phone.wait_for_url(f"**{zone_page}")
    assert phone.locator(".grn-score-value").inner_text() == "100"
    assert "应记在PSY-G11" in phone.locator(".grn-withdrawn").inner_text()
    assert phone.locator("form[action$='/withdraw']").count() == 0
    screenshot(phone, "withdrawn-phone")


def test_office_edits_the_bands_and_reads_the_payout_sheet_at_a_desk(
    desktop, live_server, sign_in, screenshot
):
    _open, closed_id, _zone = _ids(live_server.app, "PSY-G01")
    sign_in(desktop, "office")
    desktop.goto("/greening/bands")
    assert desktop.locator("#lower-1").input_value() == "95"
    tomorrow = (business_day() + timedelta(days=1)).isoformat()
    desktop.locator("#effective_from").fill(tomorrow)
    desktop.locator("#lower-5").fill("60")
    desktop.locator("#amount-5").fill("-500")
    desktop.locator("form button[type=submit]").last.click()
    desktop.wait_for_url("**/greening/bands")
    assert desktop.locator("details.card").count() == 1  # tomorrow's, to come
    screenshot(desktop, "bands-desktop")
    desktop.goto(f"/greening/rounds/{closed_id}/payouts")
    # Closed before tomorrow's bands: PSY-G12 (70) pays the penalty in force then.
    assert "-¥300.00" in desktop.locator("#payout-zones tr", has_text="PSY-G12").inner_text()
    people = desktop.locator("#payout-people tbody tr")
    assert people.count() == 2

    def fen(text: str) -> int:
        return round(float(text.replace("¥", "").replace(",", "")) * 100)

    parts = [fen(people.nth(n).locator("td").last.inner_text()) for n in range(2)]
    total = fen(desktop.locator("#payout-people tfoot th").last.inner_text())
    assert sum(parts) == total == fen(desktop.locator("#payout-zones tfoot th").nth(1).inner_text())
    screenshot(desktop, "payout-sheet-desktop")
