"""The special clean-up in the browser: finance starts a campaign, verifies one item,
proposes writing off another with a scan; a leader approves it on a phone; the
campaign's progress shows it written off."""

import re
from datetime import date
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from modules.receivables.models import WriteOff, WriteOffState
from parkops.extensions import db
from parkops.timeutil import business_day

pytestmark = pytest.mark.e2e


def _scan() -> dict:
    """A phone photo of a court ruling, as the file input receives it."""
    buffer = BytesIO()
    Image.new("RGB", (600, 800), "white").save(buffer, "JPEG")
    return {"name": "法院裁定书.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def test_a_campaign_verified_written_off_and_approved_on_a_phone(
    desktop, phone, sign_in, screenshot, live_server
):
    page = desktop
    sign_in(page, "finance")
    page.goto("/receivables/campaigns/")
    page.locator("#name").fill("E2E专项清理")
    page.locator("#site_id").select_option(index=1)  # the second site: no demo campaign
    page.locator("#due_before").fill(date(business_day().year - 1, 1, 1).isoformat())
    page.locator("form:has(#due_before) [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/receivables/campaigns/\d+$"))
    campaign_url = page.url
    screenshot(page, "campaign-started")

    items = page.locator("table.list a[href*='/items/']")
    items.nth(0).click()
    page.locator("#state").select_option("owed")
    page.locator("#note").fill("对方确认欠款")
    page.locator("#verify").click()
    expect(page).to_have_url(campaign_url)

    items.nth(1).click()
    page.locator("#propose-write-off").click()
    page.locator("#reason").fill("债务人已注销，经多次催收无果")
    page.locator("#files").set_input_files(_scan())
    screenshot(page, "write-off-form")
    page.locator("#propose").click()
    expect(page).to_have_url(re.compile(r"/receivables/write-offs/\d+$"))
    expect(page.locator("#write-off-state")).to_have_attribute("data-state", "proposed")
    expect(page.locator("#scans a")).to_have_text("法院裁定书.jpg")
    expect(page.locator("#approve")).to_have_count(0)  # finance does not decide
    write_off_id = int(page.url.rsplit("/", 1)[1])

    sign_in(phone, "leader")
    phone.goto("/receivables/write-offs/")
    phone.locator(f"tr[data-write-off='{write_off_id}'] a").click()
    expect(phone.locator("#approve")).to_be_visible()
    screenshot(phone, "write-off-phone")
    phone.locator("#approve").click()
    expect(phone.locator("#write-off-state")).to_have_attribute("data-state", "approved")
    expect(phone.locator("#balance")).to_contain_text("0.00")
    screenshot(phone, "write-off-approved-phone")
    with live_server.app.app_context():
        found = db.session.scalar(select(WriteOff).where(WriteOff.id == write_off_id))
        assert found.state == WriteOffState.APPROVED and found.amount_fen > 0
        written_fen = found.amount_fen

    page.goto(campaign_url)
    progress = page.locator("#written-off")
    expect(progress).to_have_attribute("data-count", "1")
    expect(progress).to_have_attribute("data-fen", str(written_fen))
    screenshot(page, "campaign-progress")
