"""The merchant manager inspects a merchant's unit on a phone (390×844; then at a desk):
hygiene fails with a photo, prices pass; the failed check opens a violation; her re-check with a
photo finds it corrected. Selected by names and ids (the interface runs in zh)."""

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from modules.merchants.inspection_models import Inspection, Violation, ViolationState
from modules.merchants.models import Contract, ContractState, Merchant
from parkops.extensions import db

pytestmark = pytest.mark.e2e


def _photo(folder: Path, name: str) -> Path:
    path = folder / name
    Image.new("RGB", (800, 600), (170, 90, 40)).save(path, "JPEG")
    return path


def _uninspected(live_server) -> int:
    """A merchant leasing a unit now that was never inspected."""
    with live_server.app.app_context():
        return db.session.scalars(
            select(Merchant.id)
            .join(Contract, Contract.merchant_id == Merchant.id)
            .where(
                Contract.state == ContractState.ACTIVE,
                Merchant.id.not_in(select(Inspection.merchant_id)),
            )
            .order_by(Merchant.id)
        ).first()


def test_an_inspection_then_its_recheck(sized_page, sign_in, screenshot, live_server, tmp_path):
    phone = sized_page  # a phone (390×844) first, then a desktop
    width = phone.viewport_size["width"]
    merchant_id = _uninspected(live_server)
    sign_in(phone, "merchants")
    phone.goto(f"/merchants/merchants/{merchant_id}")
    phone.locator("#inspect-merchant").click()
    form = phone.locator("#inspection-form")
    form.locator("input[name=hygiene_result][value=fail]").check()
    form.locator("input[name=hygiene_note]").fill("后厨地面油污")
    form.locator("input[name=prices_result][value=pass]").check()
    photos = form.locator("input[name=photos]")
    assert photos.get_attribute("capture") == "environment"
    photos.set_input_files([_photo(tmp_path, "kitchen.jpg")])
    assert phone.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    screenshot(phone, "inspection-form")
    form.locator("[type=submit]").click()

    expect(phone).to_have_url(re.compile(r"/merchants/inspections/\d+$"))
    expect(phone.locator("#check-results tr[data-check=hygiene][data-passed=no]")).to_have_count(1)
    expect(phone.locator("#check-results tr[data-check=prices][data-passed=yes]")).to_have_count(1)
    expect(phone.locator("img.mer-thumb")).to_have_count(1)
    screenshot(phone, "inspection")
    phone.locator("#inspection-violations a").first.click()

    expect(phone).to_have_url(re.compile(r"/merchants/violations/\d+$"))
    violation_id = int(phone.url.rsplit("/", 1)[1])
    recheck = phone.locator("#recheck-form")
    recheck.locator("input[name=corrected][value=yes]").check()
    recheck.locator("input[name=note]").fill("已清理")
    recheck.locator("input[name=photos]").set_input_files([_photo(tmp_path, "clean.jpg")])
    recheck.locator("[type=submit]").click()

    expect(phone.locator("#rechecks li[data-corrected=yes]")).to_have_count(1)
    expect(phone.locator("#recheck-form")).to_have_count(0)
    screenshot(phone, "rechecked")
    phone.goto(f"/merchants/merchants/{merchant_id}")
    expect(phone.locator("#merchant-repeats")).to_have_text("0")
    expect(phone.locator("#merchant-inspections li a")).to_have_count(1)  # no open violation
    screenshot(phone, "merchant")
    with live_server.app.app_context():
        violation = db.session.get(Violation, violation_id)
        assert violation.merchant_id == merchant_id
        assert violation.state == ViolationState.CORRECTED
