"""A printed label, scanned on a phone: the crew's repair from report to verified,
and a visitor's report. The QR code is read from the label PNG by a real decoder."""

import io

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from modules.facilities.models import (
    OPEN_STATES,
    Facility,
    FacilityStatus,
    OrderState,
    RepairOrder,
)
from parkops.extensions import db

pytestmark = pytest.mark.e2e


def _quiet_facility(app, type_code: str, skip: int = 0) -> Facility:
    """A 濮上园 facility of ``type_code``, in service, with no open order."""
    with app.app_context():
        busy = select(RepairOrder.facility_id).where(RepairOrder.state.in_(OPEN_STATES))
        facility = db.session.scalars(
            select(Facility)
            .where(
                Facility.code.like("PSY-%"),
                Facility.status == FacilityStatus.IN_SERVICE,
                Facility.id.not_in(busy),
                Facility.type.has(code=type_code),
            )
            .order_by(Facility.id)
            .offset(skip)
            .limit(1)
        ).one()
        db.session.expunge(facility)
        return facility


def _scan_url_from_label(page, facility: Facility) -> str:
    """Download the label as the office prints it and read its QR code."""
    png = page.request.get(f"/facilities/{facility.id}/label.png")
    assert png.ok and png.headers["content-type"] == "image/png"
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.body())))
    assert len(codes) == 1
    return codes[0].text


def _english(page) -> None:
    """Switch to English (the session may carry the choice already)."""
    switch = page.locator("form[action*='/language/en'] button")
    if switch.count():
        switch.click()
        page.wait_for_load_state()


def _photo(tmp_path, name: str) -> str:
    path = tmp_path / name
    Image.new("RGB", (800, 600), (180, 40, 40)).save(path, "JPEG")
    return str(path)


def _step(page, step: str) -> None:
    form = page.locator(f"form[action$='/{step}']")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_crew_scan_report_and_repair_to_verified(live_server, phone, sign_in, tmp_path):
    ride = _quiet_facility(live_server.app, "ride")
    sign_in(phone, "office")
    url = _scan_url_from_label(phone, ride)
    assert url.startswith(f"{live_server.url}/q/")

    phone.goto("/")
    phone.locator("form[action$='/logout'] button").click()
    sign_in(phone, "crew")
    phone.goto(url)
    _english(phone)
    assert phone.locator("h1").inner_text() == ride.name
    phone.get_by_role("link", name="Report damage").click()
    phone.locator("textarea[name=description]").fill("安全带卡扣损坏,无法锁紧")
    phone.locator("select[name=priority]").select_option("high")
    phone.locator("input[name=hazardous]").check()
    photos = phone.locator("input[name=photos]")
    assert photos.get_attribute("capture") == "environment"
    photos.set_input_files([_photo(tmp_path, "before.jpg")])
    phone.get_by_role("button", name="Open repair order").click()
    phone.wait_for_url("**/facilities/orders/*")
    assert "out of service" in phone.locator(".flash").first.inner_text()
    assert phone.locator(".fac-photos img").count() == 1

    assign = phone.locator("form[action$='/assign']")
    assign.locator("select[name=assignees]").select_option(label="维修专班 赵强")
    _step(phone, "assign")
    assert phone.locator(".page-head .badge").inner_text() == "Assigned"
    _step(phone, "start")
    assert phone.locator(".page-head .badge").inner_text() == "Being repaired"
    part = phone.locator("form[action$='/part']")
    part.locator("input[name=description]").fill("安全带卡扣")
    part.locator("input[name=quantity]").fill("2")
    part.locator("input[name=cost]").fill("35.50")
    _step(phone, "part")
    assert "¥35.50" in phone.locator("table.list").inner_text()
    repaired = phone.locator("form[action$='/repaired']")
    repaired.locator("input[name=labour_minutes]").fill("45")
    repaired.locator("textarea[name=note]").fill("更换卡扣两个,试运行正常")
    repaired.locator("input[name=photos]").set_input_files([_photo(tmp_path, "after.jpg")])
    _step(phone, "repaired")
    assert phone.locator(".page-head .badge").inner_text() == "Repaired"
    assert phone.locator("form[action$='/verify']").count() == 0  # not one's own repair
    order_url = phone.url

    phone.locator("form[action$='/logout'] button").click()
    sign_in(phone, "inspector")
    phone.goto(order_url)
    _english(phone)
    _step(phone, "verify")
    assert phone.locator(".page-head .badge").inner_text() == "Verified (closed)"
    history = phone.locator(".fac-timeline li")
    assert history.count() == 5
    phone.goto(url)
    assert "In service" in phone.locator(".scan").inner_text()
    with live_server.app.app_context():
        order = db.session.scalars(
            select(RepairOrder).where(RepairOrder.facility_id == ride.id)
        ).one()
        assert order.state == OrderState.VERIFIED and order.parts_cost_fen == 3550


def test_a_visitor_reports_a_problem_from_the_label(live_server, phone, sign_in, tmp_path):
    bench = _quiet_facility(live_server.app, "bench")
    sign_in(phone, "office")
    url = _scan_url_from_label(phone, bench)
    phone.context.clear_cookies()  # the visitor has no account

    phone.goto(url)
    _english(phone)
    assert phone.locator("h1").inner_text() == bench.name
    assert "In service" in phone.locator(".fac-state").inner_text()
    phone.locator("textarea[name=description]").fill("椅子腿断了")
    phone.locator("input[name=photo]").set_input_files([_photo(tmp_path, "bench.jpg")])
    phone.locator("input[name=phone]").fill("13800138000")
    phone.get_by_role("button", name="Send report").click()
    phone.wait_for_url("**/thanks**")
    assert "sent to the repair squad" in phone.locator("main").inner_text()

    # A second visitor on the same facility is told that it is known, and joins the order.
    phone.goto(url)
    assert phone.locator(".flash-warning").count() == 1
    phone.locator("textarea[name=description]").fill("还有钉子露出来")
    phone.get_by_role("button", name="Send report").click()
    phone.wait_for_url("**/thanks**")
    assert "already reported" in phone.locator("main").inner_text()
    with live_server.app.app_context():
        orders = db.session.scalars(
            select(RepairOrder).where(RepairOrder.facility_id == bench.id)
        ).all()
        assert len(orders) == 1 and orders[0].from_visitor
        assert [c.body for c in orders[0].comments] == ["还有钉子露出来"]


def test_an_old_label_after_reissue_gets_a_clear_page(live_server, phone, sign_in):
    sign = _quiet_facility(live_server.app, "sign")
    sign_in(phone, "office")
    old_url = _scan_url_from_label(phone, sign)
    phone.goto(f"/facilities/{sign.id}")
    phone.locator(f"form[action$='/facilities/{sign.id}/token'] button").click()
    phone.wait_for_load_state()
    new_url = _scan_url_from_label(phone, sign)
    assert new_url != old_url
    phone.context.clear_cookies()
    response = phone.goto(old_url)
    assert response.status == 404
    assert phone.locator("h1").count() == 1 and phone.locator("form textarea").count() == 0
    assert phone.goto(new_url).status == 200


def test_order_and_patrol_cards_on_a_phone_label_every_value(live_server, phone, sign_in):
    """A card reading "已修复 低 2026-12-06 04:23" leaves the reader guessing which date."""
    sign_in(phone, "crew")
    for url in ("/facilities/orders?view=all", "/facilities/patrol"):
        phone.goto(url)
        cells = phone.locator("table.fac-compact tbody td[data-label]:not(.fac-id)")
        assert cells.count() > 0, url
        unlabelled = cells.evaluate_all(
            """cells => cells.filter(td => {
                const before = getComputedStyle(td, '::before');
                return before.display === 'none' || !before.content.includes(td.dataset.label);
            }).map(td => td.dataset.label + ': ' + td.innerText)"""
        )
        assert unlabelled == [], url
