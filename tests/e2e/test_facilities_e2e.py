"""A printed label, scanned on a phone: the crew's repair from report to verified,
and a visitor's report. The QR code is read from the label PNG by a real decoder."""

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from modules.facilities.models import (
    OPEN_STATES,
    Facility,
    FacilityStatus,
    OrderState,
    RepairOrder,
    VisitorReport,
)
from parkops.attachments import Attachment
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


def _taps_are_big_enough(page, link) -> None:
    """A link tapped with a thumb: at least 44 px tall."""
    assert link.bounding_box()["height"] >= 44


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
    _taps_are_big_enough(phone, phone.get_by_role("link", name="Report damage"))
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
    _taps_are_big_enough(phone, phone.get_by_role("link", name="Reported already?"))
    summary = phone.locator("summary")
    marker = summary.evaluate("s => getComputedStyle(s, '::before').content")
    assert marker not in ("none", "normal", "")  # a visible disclosure marker
    posts = []
    phone.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    phone.locator("input[name=photo]").set_input_files([_photo(tmp_path, "bench.jpg")])
    summary.click()
    phone.locator("textarea[name=description]").fill("椅子腿断了")
    phone.locator("input[name=phone]").fill("13800138000")
    phone.locator("input[name=phone]").press("Enter")  # must not choose a fault for them
    phone.get_by_role("button", name="Seating").click()
    phone.wait_for_url("**/thanks/**")
    assert len(posts) == 1  # only the button sent the report
    assert "sent to the repair squad" in phone.locator("main").inner_text()

    # A second visitor reporting the same fault joins the order; another fault does not.
    phone.goto(url)
    phone.get_by_role("button", name="Seating").click()
    phone.wait_for_url("**/thanks/**")
    assert "already reported" in phone.locator("main").inner_text()
    phone.goto(url)
    phone.get_by_role("button", name="Signs").click()
    phone.wait_for_url("**/thanks/**")
    assert "sent to the repair squad" in phone.locator("main").inner_text()
    with live_server.app.app_context():
        orders = db.session.scalars(
            select(RepairOrder).where(RepairOrder.facility_id == bench.id).order_by(RepairOrder.id)
        ).all()
        assert [o.category.value for o in orders] == ["seating", "signage"]
        assert orders[0].description == "椅子腿断了" and orders[0].reporter_phone == "13800138000"


def _camera_photo(tmp_path, name: str, size: tuple[int, int]) -> str:
    """A photo as a phone's camera writes it: large, and not compressible to nothing."""
    path = tmp_path / name
    image = Image.effect_noise(size, 60).convert("RGB")
    image.save(path, "JPEG", quality=95)
    return str(path)


def test_a_damage_report_takes_three_taps_from_the_scan_page(
    live_server, phone, sign_in, tmp_path, screenshot
):
    """报修 (opens the camera) → the photo (the camera's shutter, not counted) → a fault
    button, which sends it. The browser shrinks the 12 MB photo before it is sent."""
    lamp = _quiet_facility(live_server.app, "lamp")
    sign_in(phone, "office")
    url = _scan_url_from_label(phone, lamp)
    phone.context.clear_cookies()
    phone.goto(url)
    _english(phone)
    sent_sizes = []
    phone.on(
        "request",
        lambda r: sent_sizes.append(len(r.post_data_buffer or b"")) if r.method == "POST" else None,
    )
    big = _camera_photo(tmp_path, "IMG_0001.jpg", (4000, 3000))
    taps = 0
    with phone.expect_file_chooser() as chooser:
        phone.get_by_text("Report a fault: take a photo").tap()
        taps += 1
    chooser.value.set_files(big)  # the camera's shutter: not a tap on the page
    expect(phone.locator("[data-photo-note]")).to_contain_text("KB")  # shrunk
    screenshot(phone, "photo-taken")
    phone.get_by_role("button", name="Lighting").tap()
    taps += 1
    phone.wait_for_url("**/thanks/**")
    assert taps <= 3
    screenshot(phone, "reported")
    reference = phone.locator(".fac-reference").inner_text()
    assert "sent to the repair squad" in phone.locator("main").inner_text()
    assert sent_sizes and max(sent_sizes) < 2 * 1024 * 1024  # shrunk from the 4000 x 3000 photo
    with live_server.app.app_context():
        order = db.session.scalars(
            select(RepairOrder).where(RepairOrder.facility_id == lamp.id)
        ).one()
        assert order.category.value == "lighting"
        photo = db.session.get(Attachment, order_photo_id(order))
        assert max(photo.width, photo.height) == 2000
    phone.goto(f"/r?ref={reference}")
    assert "Lighting" in phone.locator("main").inner_text()
    screenshot(phone, "status")


def order_photo_id(order: RepairOrder) -> int:
    return db.session.scalar(
        select(VisitorReport.photo_id).where(VisitorReport.order_id == order.id)
    )


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
