"""Finance issues a 催缴通知书 end to end: the letter form, its print view at A4 size,
the .docx read back with python-docx, the aging .xlsx read back with openpyxl against
the page's totals. The downloads are kept in test-artifacts/ to be converted to PDF and
looked at (see the module's README, "Checking the documents")."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from modules.receivables import levels
from modules.receivables.models import Debtor, Letter, Receivable
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e
A4 = {"width": 794, "height": 1123}  # 210 × 297 mm at 96 px per inch


def _awaiting_level_2(live_server) -> tuple[int, str]:
    """A debtor with a receivable at level 1 that may now go to level 2: (id, name)."""
    with live_server.app.app_context():
        row = db.session.execute(
            select(Debtor.id, Debtor.name)
            .join(Receivable, Receivable.debtor_id == Debtor.id)
            .where(Receivable.level == 1, levels.due_clause(business_day()))
            .order_by(Debtor.id)
            .limit(1)
        ).one()
        return tuple(row)


def _yuan(text: str) -> Decimal:
    """ "¥1,050.07" → Decimal("1050.07")."""
    return Decimal(re.sub(r"[^\d.-]", "", text))


def test_finance_issues_a_dunning_notice_and_reads_back_the_docx_and_the_aging(
    desktop, sign_in, screenshot, live_server, tmp_path
):
    page = desktop
    debtor_id, name = _awaiting_level_2(live_server)
    sign_in(page, "finance")

    page.goto(f"/receivables/debtors/{debtor_id}/letters/new?level=2")
    expect(page.locator("#level")).to_have_value("2")
    deadline = business_day() + timedelta(days=15)
    page.locator("#deadline").fill(deadline.isoformat())
    expect(page.locator("input[name=receivable_id]:checked").first).to_be_checked()
    screenshot(page, "dunning-form")
    page.locator("#letter-form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/receivables/letters/\d+$"))
    letter_id = int(page.url.rsplit("/", 1)[1])
    with live_server.app.app_context():
        letter = db.session.get(Letter, letter_id)
        content = json.loads(letter.content)
        number, year = letter.number, letter.year
    reference = f"财催〔{year}〕{number}号"
    assert content["level"] == 2

    # The print view, at the size of an A4 sheet, and as Chromium prints it.
    page.set_viewport_size(A4)
    expect(page.locator("h1.doc-title")).to_have_text("催缴通知书")
    expect(page.locator("p.doc-issue")).to_have_text(reference)
    expect(page.locator("p.doc-addressee")).to_contain_text(name)
    expect(page.locator("body")).to_contain_text(content["capital"])
    expect(page.locator("p.doc-sign").first).to_have_text(content["unit"])
    screenshot(page, "dunning-print-a4")
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=ARTIFACTS / "dunning-print.pdf", format="A4", print_background=True)

    with page.expect_download() as download:
        page.locator("a[href$='.docx']").click()
    docx_path = ARTIFACTS / "dunning-notice.docx"
    download.value.save_as(docx_path)
    doc = Document(str(docx_path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "催缴通知书" in text and reference in text
    assert f"{name}：" in text
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in text  # the deadline
    assert f"人民币{content['capital']}" in text
    assert content["contact"] and content["contact"] in text  # the demo's contact
    assert content["unit"] in text
    cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert cells[0] == ["序号", "款项", "依据", "发生日期", "到期日", "欠款金额"]
    items = cells[1:-1]
    assert [_yuan(row[5]) for row in items] == [
        Decimal(i["balance_fen"]) / 100 for i in content["items"]
    ]
    assert cells[-1][0] == "合计"
    assert (
        _yuan(cells[-1][5])
        == Decimal(content["total_fen"]) / 100
        == sum(_yuan(row[5]) for row in items)
    )

    # The aging .xlsx says what the page says, bucket by bucket.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/receivables/aging")
    shown = [_yuan(t) for t in page.locator("tr.total td.num").all_inner_texts()]
    with page.expect_download() as download:
        page.locator("a[href*='aging.xlsx']").click()
    xlsx_path = ARTIFACTS / "aging.xlsx"
    download.value.save_as(xlsx_path)
    rows = [[c.value for c in r] for r in load_workbook(xlsx_path).active.iter_rows()]
    total = next(row for row in rows if row[0] == "合计")
    assert [Decimal(str(v)).quantize(Decimal("0.01")) for v in total[1:]] == shown
    assert shown[-1] == sum(shown[:-1])


def test_a_letter_fits_a_phone_and_leads_back_to_its_debtor(
    phone, sign_in, screenshot, live_server
):
    """The tester's finding: 406 px wide at 390 px, and no way back to the debtor."""
    page = phone
    with live_server.app.app_context():
        letter_id, debtor_id = db.session.execute(
            select(Letter.id, Letter.debtor_id).order_by(Letter.id).limit(1)
        ).one()
    sign_in(page, "finance")
    page.goto(f"/receivables/letters/{letter_id}")
    expect(page.locator("h1.doc-title")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "letter-phone")
    ARTIFACTS.mkdir(exist_ok=True)  # printed from the phone: still the A4 layout
    page.pdf(path=ARTIFACTS / "letter-from-phone.pdf", format="A4", print_background=True)
    page.locator("#back-to-debtor").click()
    expect(page).to_have_url(re.compile(rf"/receivables/debtors/{debtor_id}$"))
