"""Signing in, the language switch and signing out, in a real browser at both sizes."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_sign_in_switch_to_english_and_sign_out(sized_page, sign_in, screenshot):
    page = sized_page
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    assert CJK.search(page.locator("h1").inner_text()), "the sign-in page is not in Chinese"

    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill("leader")
    form.locator("input[name=password]").fill("not the password")
    form.locator("[type=submit]").click()
    expect(page.locator("[role=alert]")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login"))
    screenshot(page, "wrong-password")

    sign_in(page, "leader")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator(".demo-banner")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("王局长")
    screenshot(page, "home-zh")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    screenshot(page, "home-en")

    # The choice is remembered on the account: it survives signing out and in again.
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator("form[action$='/logout']")).to_have_count(0)
    sign_in(page, "leader")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    assert CJK.search(page.locator("form[action$='/logout'] button").inner_text())
