"""Finance at a desk: records a payment against a debtor's oldest receivable, reads
the aging page (its chart) and downloads the aging .xlsx; the same pages on a phone."""

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from modules.receivables.ledger import balance_fen
from modules.receivables.models import Debtor, DebtorKind, Receivable
from parkops.extensions import db

pytestmark = pytest.mark.e2e


def _merchant_owing(live_server) -> tuple[int, str, int]:
    """A merchant at 濮上园 with an open receivable: (debtor id, name, its oldest
    receivable's id)."""
    with live_server.app.app_context():
        row = db.session.execute(
            select(Debtor.id, Debtor.name, Receivable.id)
            .join(Receivable, Receivable.debtor_id == Debtor.id)
            .where(Debtor.kind == DebtorKind.MERCHANT, Debtor.site.has(code="PSY"))
            .where(balance_fen() > 100_00)
            .order_by(Receivable.due_on, Receivable.raised_on, Receivable.id)
            .limit(1)
        ).one()
        return tuple(row)


def test_finance_records_a_payment_and_downloads_the_aging(
    desktop, sign_in, screenshot, live_server, tmp_path
):
    page = desktop
    debtor_id, name, oldest = _merchant_owing(live_server)
    sign_in(page, "finance")

    page.goto(f"/receivables/debtors/{debtor_id}")
    page.locator("a[href$='/payments/new']").click()
    page.locator("input[name=amount]").fill("100.00")
    page.locator("input[name=receipt_no]").fill("E2E-0001")
    screenshot(page, "payment-form")
    page.locator("#payment-form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/receivables/payments/\d+$"))
    expect(page.locator("main")).to_contain_text("¥100.00")
    expect(page.locator("main")).to_contain_text(f"#{oldest}")
    screenshot(page, "payment")

    page.goto("/receivables/aging?by=kind")
    expect(page.locator("svg.rcv-chart rect")).to_have_count(8)
    screenshot(page, "aging")
    with page.expect_download() as download:
        page.locator("a[href*='aging.xlsx']").click()
    path = tmp_path / "aging.xlsx"
    download.value.save_as(path)
    rows = [
        [c.value for c in r] for r in load_workbook(BytesIO(path.read_bytes())).active.iter_rows()
    ]
    assert rows[-1][0] == "合计"
    assert rows[-1][-1] == pytest.approx(sum(r[-1] for r in rows[1:-1]))


def test_the_aging_and_a_statement_on_a_phone(phone, sign_in, screenshot, live_server):
    debtor_id, name, _oldest = _merchant_owing(live_server)
    sign_in(phone, "finance")

    phone.goto("/receivables/aging")
    # The chart's labels would shrink unreadably: a phone shows the table (not a card of nine
    # mostly empty buckets per debtor), scrolling sideways in its own box.
    expect(phone.locator("svg.rcv-chart")).to_be_hidden()
    expect(phone.locator("table.list.matrix thead")).to_be_visible()
    assert phone.locator(".scroll-x").evaluate("e => e.scrollWidth > e.clientWidth")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the page does not
    screenshot(phone, "aging-phone")
    phone.goto(f"/receivables/debtors/{debtor_id}/statement")
    expect(phone.locator("h1")).to_contain_text(name)
    screenshot(phone, "statement-phone")


def _awaiting_letter(live_server) -> tuple[int, int]:
    """A receivable at 濮上园 awaiting a letter at a new level: (its debtor, its id)."""
    from modules.receivables import levels
    from parkops.timeutil import business_day

    with live_server.app.app_context():
        row = db.session.execute(
            select(Receivable.debtor_id, Receivable.id)
            .where(levels.due_clause(business_day()), Receivable.site.has(code="PSY"))
            .order_by(Receivable.id)
            .limit(1)
        ).one()
        return tuple(row)


def test_finance_logs_a_promise_and_the_letter_form_proposes_levels(
    desktop, sign_in, screenshot, live_server
):
    page = desktop
    debtor_id, receivable_id = _awaiting_letter(live_server)
    sign_in(page, "finance")

    page.goto(f"/receivables/debtors/{debtor_id}/letters/new")
    expect(page.locator(f"input[name=receivable_id][value='{receivable_id}']")).to_be_checked()
    screenshot(page, "letter-form")

    page.goto(f"/receivables/{receivable_id}")
    page.locator("select[name=kind]").select_option("promise")
    page.locator("textarea[name=note]").fill("财务经理电话承诺下月付清")
    page.locator("input[name=promised_on]").fill("2099-12-31")
    page.locator("input[name=promised]").fill("10.00")
    page.locator("#follow-ups [type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/receivables/{receivable_id}#follow-ups$"))
    expect(page.locator("#follow-ups")).to_contain_text("财务经理电话承诺下月付清")
    screenshot(page, "follow-up-log")

    # The promise holds: the letter form no longer ticks it.
    page.goto(f"/receivables/debtors/{debtor_id}/letters/new")
    box = page.locator(f"input[name=receivable_id][value='{receivable_id}']")
    expect(box).not_to_be_checked()


def test_the_follow_up_log_on_a_phone(phone, sign_in, screenshot, live_server):
    debtor_id, receivable_id = _awaiting_letter(live_server)
    sign_in(phone, "finance")
    phone.goto(f"/receivables/{receivable_id}")
    expect(phone.locator("#follow-ups form")).to_be_visible()
    screenshot(phone, "receivable-phone")
    phone.goto(f"/receivables/debtors/{debtor_id}")
    expect(phone.locator("#follow-ups")).to_be_visible()
    screenshot(phone, "debtor-phone")
