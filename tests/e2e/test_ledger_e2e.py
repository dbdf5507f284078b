"""The rectification office's day with the ledger, in a real browser at both sizes.

Signed in as ``office``: filter the ledger to the problems still in progress (the
notice's 17 and 18), open one, record a progress report and see it listed, then
download the ledger as .xlsx and read it back with openpyxl.
"""

import re
import uuid

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from parkops.extensions import db
from parkops.rectification.models import Problem, Source

pytestmark = pytest.mark.e2e

PROBLEM_LINK = re.compile(r"/ledger/problems/(\d+)")


@pytest.fixture
def notice(live_server):
    """The notice's 39 problems as the live installation holds them: code → (id, title)."""
    with live_server.app.app_context():
        rows = db.session.execute(
            select(Problem.code, Problem.id, Problem.title).where(
                Problem.source == Source.INSPECTION
            )
        ).all()
        db.session.remove()
    return {code: (problem_id, title) for code, problem_id, title in rows}


def _listed_problem_ids(page) -> set[int]:
    hrefs = page.locator("main a[href*='/ledger/problems/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return {int(PROBLEM_LINK.search(href).group(1)) for href in hrefs}


def test_office_filters_reports_and_exports(
    sized_page, sign_in, screenshot, notice, tmp_path, request
):
    page = sized_page
    assert len(notice) == 39
    sign_in(page, "office")

    page.goto("/ledger/")
    filters = page.locator("#ledger-filters")
    filters.locator("select[name=status]").select_option("in_progress")
    filters.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(r"status=in_progress"))
    assert _listed_problem_ids(page) == {notice["17"][0], notice["18"][0]}
    screenshot(page, "ledger-in-progress")

    problem_id, title = notice["17"]
    page.locator(f"main a[href*='/ledger/problems/{problem_id}']").first.click()
    expect(page).to_have_url(re.compile(rf"/ledger/problems/{problem_id}\b"))
    expect(page.locator("h1")).to_contain_text(title[:20])

    size = request.node.callspec.params["sized_page"]
    report = f"已与自然资源部门对接,土地手续推进中({size} {uuid.uuid4().hex[:8]})"
    form = page.locator("#report-form")
    form.locator("textarea[name=text]").fill(report)
    form.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/ledger/problems/{problem_id}\b"))
    expect(page.get_by_text(report)).to_be_visible()
    screenshot(page, "problem-17-reported")

    page.goto("/ledger/")
    with page.expect_download() as download_info:
        page.locator("#export-xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    sheet = load_workbook(saved).active
    rows = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    assert len(rows) >= 40, "one row per problem, under a header"
    cells = [str(value) for row in rows for value in row if value]
    missing = [code for code, (_id, t) in notice.items() if not any(t in c for c in cells)]
    assert missing == [], f"problems missing from the export: {missing}"
