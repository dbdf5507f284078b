"""On a phone, an inspector records a finding at a facility found by typing part of its
code in the subject picker and choosing it with the keyboard, then by a tap; the repair
order the facilities module opened for it is linked on the finding."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from modules.patrols.models import Finding
from parkops.auth.models import Site
from parkops.extensions import db

pytestmark = pytest.mark.e2e


def _psy(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Site.id).where(Site.code == "PSY"))


def test_a_facility_is_picked_by_live_search_on_a_phone(live_server, phone, sign_in, screenshot):
    sign_in(phone, "inspector")
    phone.goto(f"/patrols/findings/new?site={_psy(live_server.app)}")
    phone.fill("input[name=summary]", "喷泉水泵漏水")
    phone.select_option("select[name=subject_kind]", "facilities.facility")
    phone.locator("input[name=subject_text]").press_sequentially("psy-000")
    options = phone.locator("#subject-options [role=option]")
    expect(options.first).to_have_text(re.compile(r"^PSY-0001 "))
    expect(phone.locator("input[name=subject_text]")).to_have_attribute("aria-expanded", "true")
    screenshot(phone, "picker-open")

    phone.keyboard.press("ArrowDown")
    phone.keyboard.press("ArrowDown")  # the second: PSY-0002
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    phone.keyboard.press("Enter")  # picks it; the form is not sent
    expect(phone.locator("#subject-options")).to_be_hidden()
    expect(phone.locator("input[name=subject_text]")).to_have_value(re.compile(r"^PSY-0002 "))

    # A tap on another result replaces the choice.
    phone.locator("input[name=subject_text]").fill("PSY-000")
    phone.locator("input[name=subject_text]").press_sequentially("3")
    expect(options).to_have_count(1)
    options.first.tap()
    picked = phone.locator("input[name=subject_text]").input_value()
    assert picked.startswith("PSY-0003 ")

    phone.locator("form.card button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/patrols/findings/\d+$"))
    expect(phone.locator("a[href^='/facilities/']", has_text=picked)).to_be_visible()
    # The facilities module heard of it and opened a repair order, linked on the finding.
    expect(phone.locator("[data-reaction] a[href^='/facilities/orders/']")).to_be_visible()
    screenshot(phone, "finding-at-facility")
    finding_id = int(phone.url.rsplit("/", 1)[-1])
    with live_server.app.app_context():
        finding = db.session.get(Finding, finding_id)
        assert (finding.subject_kind, finding.subject_label) == ("facilities.facility", picked)
