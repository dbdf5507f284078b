"""The merchant manager at a desk: drafts a lease for a merchant without one,
is not offered the approval of her own draft, the leader approves it, she puts it in force and
its first instalment is in receivables as the merchant's rent; ending it at once
(the leader approves the exit), the deposit's refund is refused while that rent is
unpaid, and the settlement statement is there to print."""

import re
from datetime import timedelta

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from modules.merchants.models import Contract, ContractUnit, Merchant, Unit
from modules.receivables.models import Receivable
from parkops.extensions import db
from parkops.timeutil import business_day

pytestmark = pytest.mark.e2e


def _vacant(live_server) -> tuple[int, str, int, str]:
    """A merchant with no contract and a unit of its site with none: (merchant id,
    name, unit id, unit code)."""
    with live_server.app.app_context():
        leased = select(Contract.merchant_id)
        merchant = db.session.scalars(
            select(Merchant).where(Merchant.id.not_in(leased)).order_by(Merchant.id)
        ).first()
        unit = db.session.scalars(
            select(Unit)
            .where(Unit.site_id == merchant.site_id, Unit.id.not_in(select(ContractUnit.unit_id)))
            .order_by(Unit.id)
        ).first()
        return merchant.id, merchant.name, unit.id, unit.code


def test_a_lease_from_draft_to_in_force_raises_its_first_rent(
    desktop, sign_in, screenshot, live_server
):
    page = desktop
    merchant_id, name, unit_id, code = _vacant(live_server)
    first_day = business_day().replace(day=1)
    sign_in(page, "merchants")

    page.goto(f"/merchants/merchants/{merchant_id}")
    page.locator(f"a[href$='/merchants/{merchant_id}/contracts/new']").click()
    page.locator("input[name=number]").fill("E2E-ZL-001")
    page.locator("select[name=unit_ids]").select_option(str(unit_id))
    page.locator("input[name=starts_on]").fill(first_day.isoformat())
    page.locator("input[name=ends_on]").fill(
        (first_day.replace(year=first_day.year + 1) - timedelta(days=1)).isoformat()
    )
    page.locator("select[name=cycle]").select_option("monthly")
    page.locator("input[name=rent]").fill("1,234.50")
    page.locator("input[name=deposit]").fill("5,000")
    screenshot(page, "draft-form")
    page.locator("#contract-form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/merchants/contracts/\d+$"))
    contract_url = page.url

    # Her own draft: no approve button for her (the service refuses her post anyway).
    expect(page.locator(".badge-draft")).to_be_visible()
    expect(page.locator("form[action$='/approve'] button")).to_have_count(0)
    screenshot(page, "own-approval-not-offered")

    page.locator("form[action$='/logout'] button").click()
    sign_in(page, "leader")
    page.goto(contract_url)
    page.locator("form[action$='/approve'] button").click()
    expect(page.locator(".badge-approved")).to_be_visible()

    page.locator("form[action$='/logout'] button").click()
    sign_in(page, "merchants")
    page.goto(contract_url)
    page.locator("form[action$='/activate'] button").click()
    expect(page.locator(".badge-active")).to_be_visible()
    expect(page.locator("main")).to_contain_text("¥1,234.50")
    screenshot(page, "in-force")

    with live_server.app.app_context():
        rent = db.session.scalars(
            select(Receivable).where(Receivable.origin.like("E2E-ZL-001 %"))
        ).all()
    assert [(r.due_on, r.amount_fen) for r in rent] == [(first_day, 1_234_50)]

    page.locator(f"a[href$='/receivables/{rent[0].id}']").click()
    expect(page.locator("main")).to_contain_text(name)
    expect(page.locator("main")).to_contain_text("E2E-ZL-001")
    screenshot(page, "receivable")

    page.goto(contract_url)
    expect(page.locator("#arrears")).to_have_text("¥1,234.50")
    exit_form = page.locator("#exit-form")
    exit_form.locator("select[name=reason]").select_option("non_payment")
    exit_form.locator("input[name=notice_on]").fill(first_day.isoformat())
    exit_form.locator("input[name=ends_on]").fill(business_day().isoformat())
    exit_form.locator("[type=submit]").click()
    expect(page.locator("#close-exit-form")).to_have_count(0)  # a leader approves it first
    page.locator("form[action$='/logout'] button").click()
    sign_in(page, "leader")
    page.goto(contract_url)
    page.locator("#approve-exit-form button").click()
    page.locator("form[action$='/logout'] button").click()
    sign_in(page, "merchants")
    page.goto(contract_url)
    close = page.locator("#close-exit-form")
    close.locator("input[name=utilities_read]").check()
    close.locator("input[name=unit_returned]").check()
    close.locator("input[name=deposit_refund]").fill("5,000")
    close.locator("[type=submit]").click()
    expect(page.locator("#close-exit-form .error")).to_contain_text("¥1,234.50")
    expect(page.locator(".badge-active")).to_be_visible()
    screenshot(page, "refund-refused-for-arrears")
    page.locator("#settlement-link").click()
    expect(page.locator("#settlement")).to_contain_text("¥1,234.50")
    screenshot(page, "settlement-statement")


def test_a_merchants_document_stored_on_a_phone_shows_its_expiry(
    phone, sign_in, screenshot, live_server, tmp_path
):
    """On a phone in the park: the manager photographs a food permit that expires in
    ten days and stores it; the merchant's page marks it as expiring soon."""
    page = phone
    with live_server.app.app_context():
        merchant_id = db.session.scalar(select(Merchant.id).order_by(Merchant.id))
    photo = tmp_path / "permit.jpg"
    Image.new("RGB", (640, 480), "white").save(photo, "JPEG")
    sign_in(page, "merchants")

    page.goto(f"/merchants/merchants/{merchant_id}")
    form = page.locator("#document-form")
    form.locator("select[name=kind]").select_option("food_permit")
    form.locator("input[name=number]").fill("JY24109000012345")
    form.locator("input[name=issued_on]").fill((business_day() - timedelta(days=365)).isoformat())
    form.locator("input[name=valid_until]").fill((business_day() + timedelta(days=10)).isoformat())
    form.locator("input[name=file]").set_input_files(str(photo))
    form.locator("[type=submit]").click()

    row = page.locator("#documents tr[data-mark=soon]")
    expect(row).to_contain_text("JY24109000012345")
    screenshot(page, "document-expires-soon")
