"""The top bar on a phone (390×844): one current menu item, visible without scrolling
sideways, and every top-bar and list link at least 44 px tall (WCAG's target size)."""

import pytest

pytestmark = pytest.mark.e2e

MIN_TAP = 44  # px


def _boxes(page, selector: str) -> list[dict]:
    return [b for b in (el.bounding_box() for el in page.locator(selector).all()) if b]


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("admin", "/facilities/orders"),
        ("admin", "/audit/"),
        ("leader", "/ticketing/days"),
        ("leader", "/ledger/"),
    ],
)
def test_phone_menu_has_one_visible_current_item_and_tall_links(
    phone, sign_in, screenshot, username, path
):
    sign_in(phone, username)
    phone.goto(path)
    screenshot(phone, f"{username}-{path.strip('/').replace('/', '-')}")
    current = phone.locator(".mainnav a[aria-current=page]")
    assert current.count() == 1
    box = current.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, "current item off-screen"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways page
    short = [
        (round(b["height"]), b)
        for b in _boxes(phone, ".topbar a, .topbar button, table.list a, .subnav a, .tabs a")
        if b["height"] < MIN_TAP
    ]
    assert short == []


def test_the_phone_header_shows_the_whole_name(phone, sign_in, screenshot):
    sign_in(phone, "crew")  # "维修专班 赵强": with the bell and the language, the longest row
    phone.goto("/facilities/orders")
    screenshot(phone, "crew-header")
    who = phone.locator(".topbar .who")
    assert who.evaluate("e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight")
    box = who.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
