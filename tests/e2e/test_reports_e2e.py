"""The office's weekly report in a real browser at desktop size: generate this week's
report from the ledger, add the covering note, submit it, download the .docx and the
.xlsx and read them back, open the print view (A4, the official format)."""

import re

import docx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _download(page, selector, tmp_path):
    with page.expect_download() as info:
        page.locator(selector).click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    return saved


def test_office_generates_submits_and_downloads_the_weekly_report(
    desktop, sign_in, screenshot, tmp_path
):
    page = desktop
    sign_in(page, "office")
    page.goto("/reports/")
    # The demo submitted the past three weeks; this week waits to be generated.
    expect(page.locator("#submitted li")).to_have_count(3)
    page.locator("#weeks a.btn.primary").click()
    expect(page).to_have_url(re.compile(r"/reports/weekly/new\?week="))
    expect(page.locator("#total-percent")).to_have_text("95%")
    expect(page.locator("#problems tbody tr").first).to_have_id("row-18")  # overdue first
    screenshot(page, "weekly-preview")

    page.locator("#submit-form textarea[name=covering_note]").fill(
        "本周整改工作按计划推进,第18项土地问题已专题研究。"
    )
    page.locator("#submit-report").click()
    expect(page).to_have_url(re.compile(r"/reports/weekly/\d+$"))
    expect(page.locator("#covering-note")).to_contain_text("第18项土地问题已专题研究")
    expect(page.locator("#report-title")).to_contain_text("4")  # numbered after the demo's 3

    document = docx.Document(_download(page, "#download-docx", tmp_path))
    texts = [p.text for p in document.paragraphs]
    assert "巡察整改工作进展情况周报" in texts
    assert "本周整改工作按计划推进,第18项土地问题已专题研究。" in texts
    assert document.tables[1].rows[1].cells[1].text.startswith("18.")

    book = load_workbook(_download(page, "#download-xlsx", tmp_path))
    rows = list(book["台账"].iter_rows(values_only=True))
    assert rows[0][0] == "编号" and rows[1][0] == "18" and len(rows) == 1 + 46

    page.locator("#compare").click()
    expect(page.locator("#counts")).to_be_visible()
    screenshot(page, "weekly-compare")

    page.go_back()
    page.locator("#print-view").click()
    expect(page.locator("h1.doc-title")).to_have_text("巡察整改工作进展情况周报")
    expect(page.locator(".doc-issue")).to_contain_text("第4期")
    expect(page.locator(".doc-line")).to_contain_text("报送单位:")
    screenshot(page, "weekly-print")
