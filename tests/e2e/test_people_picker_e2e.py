"""A person picker in a real browser at both sizes: the office adds a measure to
problem 14 and finds its owner by typing part of a name; the suggestions come from
the search (a static script under the strict CSP), the choice is saved."""

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from parkops.extensions import db
from parkops.rectification.models import Problem

pytestmark = pytest.mark.e2e


def test_office_finds_a_measures_owner_by_typing(sized_page, sign_in, screenshot, live_server):
    with live_server.app.app_context():
        problem_id = db.session.scalar(select(Problem.id).where(Problem.code == "14"))
        db.session.remove()
    page = sized_page
    sign_in(page, "office")
    page.goto(f"/ledger/problems/{problem_id}")
    form = page.locator("#measure-form")
    page.locator("#measures details.add-form summary").click()
    text = f"每日巡查设施并登记 {uuid.uuid4().hex[:8]}"
    form.locator("textarea[name=text]").fill(text)
    owner = form.locator("input[name=owner]")
    owner.press_sequentially("赵强")
    suggestion = form.locator("datalist#owner-people option")
    expect(suggestion).to_have_count(1)
    assert suggestion.get_attribute("value") == "维修专班 赵强 (crew)"
    screenshot(page, "owner-suggested")
    owner.fill(suggestion.get_attribute("value"))  # what choosing the suggestion types
    form.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/ledger/problems/{problem_id}\b"))
    row = page.locator("#measures tr", has_text=text)
    expect(row).to_contain_text("维修专班 赵强")
    screenshot(page, "owner-saved")
