"""Greening in a browser: the office draws a zone on the site plan by tapping it on a
phone; at a desk the gardener reads the plan, follows a zone and its roster."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from modules.greening.models import Task, Zone
from parkops.extensions import db
from parkops.timeutil import business_day

pytestmark = pytest.mark.e2e


def _english(page) -> None:
    switch = page.locator("form[action*='/language/en'] button")
    if switch.count():
        switch.click()
        page.wait_for_load_state()


def _zone(app, code: str) -> Zone:
    with app.app_context():
        zone = db.session.scalar(select(Zone).where(Zone.code == code))
        db.session.expunge(zone)
        return zone


def test_office_draws_a_zone_by_tapping_the_plan(phone, live_server, sign_in, screenshot):
    zone = _zone(live_server.app, "PSY-G11")
    sign_in(phone, "office")
    _english(phone)
    phone.goto(f"/greening/zones/{zone.id}/outline")
    phone.get_by_role("button", name="Clear").click()
    plan = phone.locator("svg[data-draw]")
    box = plan.bounding_box()
    for x, y in ((0.80, 0.70), (0.95, 0.70), (0.95, 0.95), (0.80, 0.95)):
        plan.click(position={"x": box["width"] * x, "y": box["height"] * y})
    assert len(phone.locator("textarea[name=points]").input_value().split()) == 4
    screenshot(phone, "outline-drawn")
    phone.get_by_role("button", name="Save").click()
    phone.wait_for_url("**/greening/plan?site=*")
    with live_server.app.app_context():
        outline = db.session.get(Zone, zone.id).outline
    assert [round(v, 2) for v in outline[0]] == [0.8, 0.7]
    assert [round(v, 2) for v in outline[2]] == [0.95, 0.95]
    screenshot(phone, "plan-phone")


def test_gardener_reads_the_plan_and_a_zones_roster(desktop, live_server, sign_in, screenshot):
    sign_in(desktop, "gardener")
    _english(desktop)
    desktop.goto("/greening/plan")
    zones = desktop.locator("svg.grn-plan polygon.grn-zone")
    assert zones.count() == 12
    screenshot(desktop, "plan-desktop")
    desktop.locator("svg.grn-plan a", has_text="PSY-G06").click()
    desktop.wait_for_url("**/greening/zones/*")
    history = desktop.locator("#roster-head + form + table tbody tr, #roster-head ~ table tbody tr")
    assert history.count() == 2  # handed from 孙丽 to 李明 three weeks ago
    assert "绿化班 李明" in desktop.locator("dl.facts").inner_text()


def test_gardener_marks_an_overdue_task_done_with_a_photo_on_a_phone(
    phone, live_server, sign_in, screenshot, tmp_path
):
    from PIL import Image

    photo = tmp_path / "done.jpg"
    Image.new("RGB", (640, 480), (70, 150, 60)).save(photo, "JPEG")
    sign_in(phone, "gardener")
    _english(phone)
    phone.goto("/greening/tasks")
    card = phone.locator("li.grn-task", has_text="补种月季")
    assert card.locator(".badge", has_text="Overdue").count() == 1
    screenshot(phone, "tasks-phone")
    card.locator("input[type=file]").set_input_files(str(photo))
    card.get_by_role("button", name="Done", exact=True).click()
    phone.wait_for_url("**/greening/tasks")
    assert "补种月季 in PSY-G02: done." in phone.locator(".flash").first.inner_text()
    assert phone.locator("li.grn-task", has_text="补种月季").count() == 0
    screenshot(phone, "task-done-phone")
    # The zone's calendar on the phone shows it done, with the photo.
    with live_server.app.app_context():
        task = db.session.scalar(select(Task).where(Task.title == "补种月季"))
        zone_id, task_id, due_on = task.zone_id, task.id, task.due_on
    phone.goto(f"/greening/zones/{zone_id}/calendar?month={due_on:%Y-%m}")
    done = phone.locator(f"[data-task='{task_id}']")
    assert done.get_attribute("data-state") == "late"  # due two days ago, done today
    thumb = done.locator("img.grn-thumb")
    assert thumb.evaluate("img => img.complete && img.naturalWidth > 0")
    assert phone.locator(".grn-day-empty").first.is_hidden()  # a phone lists busy days only
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "calendar-phone")


def test_lead_reads_completion_and_a_zones_calendar_at_a_desk(
    desktop, live_server, sign_in, screenshot
):
    sign_in(desktop, "office")
    with live_server.app.app_context():
        earlier = business_day() - timedelta(days=10)  # the demo's month of tasks
    desktop.goto(f"/greening/completion?period=month&on={earlier.isoformat()}")
    people = desktop.locator("#per-person tbody tr[data-key]")
    assert people.count() >= 2
    zones = desktop.locator("#per-zone tbody tr[data-key]")
    assert zones.count() >= 5
    screenshot(desktop, "completion-desktop")
    zones.first.locator("a").click()
    desktop.wait_for_url("**/calendar?month=*")
    assert desktop.locator("li.grn-cal-head").count() == 7  # a month grid at a desk
    assert desktop.locator("[data-state]").count() > 0
    screenshot(desktop, "calendar-desktop")
