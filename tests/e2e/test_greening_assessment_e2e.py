"""Greening assessment in a browser: on a phone the assessor scores a zone of this
month's round with a photo of the defect and moves on to the next zone; the gardener
appeals a deduction on her phone and the office upholds it at a desk, and
the plan shows the zones coloured by their latest scores."""

import pytest
from sqlalchemy import select

from modules.greening.models import Round, Zone
from parkops.extensions import db

pytestmark = pytest.mark.e2e


def _english(page) -> None:
    switch = page.locator("form[action*='/language/en'] button")
    if switch.count():
        switch.click()
        page.wait_for_load_state()


def _open_round_and_zone(app, code: str) -> tuple[int, int]:
    with app.app_context():
        round_id = db.session.scalar(select(Round.id).where(Round.closed_at.is_(None)))
        return round_id, db.session.scalar(select(Zone.id).where(Zone.code == code))


def test_assessor_scores_a_zone_with_a_photo_on_a_phone(
    phone, live_server, sign_in, screenshot, tmp_path
):
    from PIL import Image

    photo = tmp_path / "weeds.jpg"
    Image.new("RGB", (640, 480), (110, 140, 50)).save(photo, "JPEG")
    round_id, zone_id = _open_round_and_zone(live_server.app, "PSY-G07")
    sign_in(phone, "assessor")
    _english(phone)
    phone.goto(f"/greening/rounds/{round_id}")
    phone.locator("tr", has_text="PSY-G07").get_by_role("link", name="Score it").click()
    phone.wait_for_url(f"**/greening/rounds/{round_id}/zones/{zone_id}")
    assert "Not scored yet" in phone.locator("dl.facts").inner_text()
    weeds = phone.locator("li.grn-item", has_text="杂草")
    weeds.locator("summary").click()
    weeds.locator("input[name=defects]").fill("2")
    weeds.locator("textarea[name=note]").fill("路边杂草两处")
    weeds.locator("input[type=file]").set_input_files(str(photo))
    button = weeds.get_by_role("button", name="Deduct")
    assert button.bounding_box()["height"] >= 44  # a thumb's target
    screenshot(phone, "deduction-form")
    button.click()
    phone.wait_for_url(f"**/greening/rounds/{round_id}/zones/{zone_id}")
    assert "4 points deducted." in phone.locator(".flash").first.inner_text()
    assert phone.locator(".grn-score-value").inner_text() == "96"
    assert phone.locator("li.grn-item", has_text="杂草").locator("img.grn-thumb").count() == 1
    screenshot(phone, "zone-scored-phone")
    phone.get_by_role("button", name="Zone checked, next zone").click()
    _r, next_id = _open_round_and_zone(live_server.app, "PSY-G08")
    phone.wait_for_url(f"**/greening/rounds/{round_id}/zones/{next_id}")
    assert "PSY-G07 scored 96." in phone.locator(".flash").first.inner_text()


def test_gardener_appeals_on_a_phone_and_the_office_upholds_at_a_desk(
    phone, desktop, live_server, sign_in, screenshot
):
    round_id, zone_id = _open_round_and_zone(live_server.app, "PSY-G01")
    zone_page = f"/greening/rounds/{round_id}/zones/{zone_id}"
    sign_in(phone, "gardener")
    _english(phone)
    phone.goto(zone_page)
    assert phone.locator(".grn-score-value").inner_text() == "95"
    phone.locator("summary", has_text="Appeal this deduction").click()
    phone.locator("textarea[name=reason]").fill("绿篱昨天已修剪")
    phone.get_by_role("button", name="Send the appeal").click()
    phone.wait_for_url(f"**{zone_page}")
    assert "awaiting the lead" in phone.locator(".grn-appeal").inner_text()
    screenshot(phone, "appeal-sent-phone")
    sign_in(desktop, "office")
    _english(desktop)
    desktop.goto("/greening/appeals")
    card = desktop.locator("section.card", has_text="绿篱昨天已修剪")
    card.get_by_role("button", name="Uphold: restore the points").click()
    desktop.wait_for_url("**/greening/appeals")
    desktop.goto(zone_page)
    assert desktop.locator(".grn-score-value").inner_text() == "100"
    assert "Upheld: points restored" in desktop.locator(".grn-appeal").inner_text()
    screenshot(desktop, "appeal-upheld-desktop")
    desktop.goto("/greening/plan")
    zone = desktop.locator("svg.grn-plan polygon", has_text="PSY-G01")
    assert "grn-band-good" in zone.get_attribute("class")  # 100 now
    assert desktop.locator("svg.grn-plan polygon.grn-band-poor").count() >= 1
    screenshot(desktop, "plan-by-score-desktop")
