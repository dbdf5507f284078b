"""An inspector's water patrol on a phone: start, checkpoints scanned from the QR codes of
their printed labels (read by a real decoder), a failed item with a photo, submit; the
finding's follow-up fixed by its owner and verified by the inspector."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import func, select

from modules.patrols.models import Answer, Checkpoint, Finding, FindingState, Route, Run, Scan
from parkops.extensions import db

pytestmark = pytest.mark.e2e
ROUTE = "泵站进水口水面巡线"


def _checkpoints(app) -> list[tuple[int, str]]:
    with app.app_context():
        route = db.session.scalar(select(Route).where(Route.name == ROUTE))
        return [
            (c.id, c.token)
            for c in db.session.scalars(
                select(Checkpoint)
                .where(Checkpoint.route_id == route.id)
                .order_by(Checkpoint.position)
            )
        ]


def _label_url(page, checkpoint_id: int) -> str:
    png = page.request.get(f"/patrols/checkpoints/{checkpoint_id}/label.png")
    assert png.ok and png.headers["content-type"] == "image/png"
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.body())))
    return code.text


def _photo(tmp_path, name: str) -> str:
    path = tmp_path / name
    Image.new("RGB", (800, 600), (40, 120, 180)).save(path, "JPEG")
    return str(path)


def test_water_patrol_on_a_phone_to_a_verified_fix(
    live_server, phone, desktop, sign_in, screenshot, tmp_path
):
    sign_in(phone, "inspector")
    phone.goto("/patrols/")
    phone.select_option("select[name=checklist_id]", label="PSY 水面巡查：泵站进水口")
    phone.select_option("select[name=route_id]", label=f"PSY {ROUTE}")
    phone.locator("form[action$='/patrols/runs'] button[type=submit]:not([formaction])").click()
    phone.wait_for_url(re.compile(r"/patrols/runs/\d+$"))
    run_id = int(phone.url.rsplit("/", 1)[-1])

    for checkpoint_id, token in _checkpoints(live_server.app):
        url = _label_url(phone, checkpoint_id)
        assert url == f"{live_server.url}/pc/{token}"
        phone.fill("#scanned", url)
        phone.locator("form.pat-scan button[type=submit]").click()
        phone.wait_for_load_state()
    assert phone.locator("ol.pat-points li.done").count() == 3

    items = phone.locator("fieldset.pat-item")
    items.nth(0).locator("input[value=fail]").check()
    items.nth(0).locator("input[name^=n]").fill("北岸水草成片")
    items.nth(0).locator("input[type=file]").set_input_files(_photo(tmp_path, "weeds.jpg"))
    items.nth(1).locator("input[value=pass]").check()
    items.nth(2).locator("input[inputmode=decimal]").fill("12.5")
    items.nth(3).locator("input[value='未发现']").check()
    items.nth(4).locator("input[type=file]").set_input_files(_photo(tmp_path, "after.jpg"))
    screenshot(phone, "run-answered")
    phone.locator("button[name=submit]").click()
    phone.wait_for_load_state()
    assert phone.locator(".pat-locked").count() == 1
    screenshot(phone, "run-submitted")

    with live_server.app.app_context():
        run = db.session.get(Run, run_id)
        assert run.submitted_at is not None
        finding = db.session.scalar(select(Finding).where(Finding.run_id == run_id))
        assert finding.summary == "水草覆盖已清理: 北岸水草成片"
        finding_id = finding.id

    phone.goto(f"/patrols/findings/{finding_id}")
    assert phone.locator("img.pat-thumb").count() == 1  # the failed item's photo
    phone.select_option("select[name=owner_id]", label="王局长")
    phone.fill("input[name=deadline]", "2099-12-31")
    phone.locator("form[action$='/assign'] button").click()
    phone.wait_for_load_state()

    sign_in(desktop, "leader")  # the owner fixes, on the office's computer
    desktop.goto(f"/patrols/findings/{finding_id}")
    desktop.fill("textarea[name=note]", "已打捞清理")
    desktop.set_input_files("form[action$='/fix'] input[type=file]", _photo(tmp_path, "fix.jpg"))
    desktop.locator("form[action$='/fix'] button").click()
    desktop.wait_for_load_state()
    assert desktop.locator("form[action$='/verify']").count() == 0  # never their own fix
    screenshot(desktop, "finding-fixed")

    phone.goto(f"/patrols/findings/{finding_id}")
    phone.locator("button[name=accept]").click()
    phone.wait_for_load_state()
    screenshot(phone, "finding-verified")
    with live_server.app.app_context():
        assert db.session.get(Finding, finding_id).state == FindingState.VERIFIED


def _count(page, n: int) -> None:
    # Locator assertions, not wait_for_function: its polling evaluates a string, which
    # the page's CSP (no 'unsafe-eval') refuses.
    expect(page.locator("#pat-outbox [data-count]")).to_have_text(str(n))


def test_a_run_done_offline_arrives_exactly_once_when_back_online(
    live_server, phone, sign_in, screenshot, tmp_path
):
    sign_in(phone, "inspector")
    phone.goto("/patrols/")
    phone.select_option("select[name=checklist_id]", label="PSY 水面巡查：泵站进水口")
    phone.select_option("select[name=route_id]", label=f"PSY {ROUTE}")
    phone.locator("form[action$='/patrols/runs'] button[type=submit]:not([formaction])").click()
    phone.wait_for_url(re.compile(r"/patrols/runs/\d+$"))
    run_id = int(phone.url.rsplit("/", 1)[-1])
    urls = [_label_url(phone, checkpoint_id) for checkpoint_id, _t in _checkpoints(live_server.app)]
    expect(phone.locator("html")).to_have_attribute("data-offline-ready", "1")
    # The run began an hour ago; the phone walks it half an hour ago, with no network.
    walked = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    with live_server.app.app_context():
        begun = db.session.get(Run, run_id)
        begun.started_at = begun.start_received_at = walked - timedelta(minutes=30)
        db.session.commit()
    phone.clock.set_fixed_time(walked)

    phone.context.set_offline(True)
    # On the water: the run page comes from the service worker. With Chromium 150 a
    # reload here (the page's clock fixed, emulated offline) ends in
    # ERR_INTERNET_DISCONNECTED before the worker answers, though the worker answers the
    # page's own fetch of it: so the page asks for itself as the reload would.
    cached = phone.evaluate(
        "() => fetch(location.pathname).then(r => r.text().then(t => [r.status, t]))"
    )
    assert cached[0] == 200 and 'id="pat-outbox"' in cached[1]
    for n, url in enumerate(urls, start=1):
        phone.fill("#scanned", url)
        phone.locator("form.pat-scan button[type=submit]").click()
        _count(phone, n)
    items = phone.locator("fieldset.pat-item")
    items.nth(0).locator("input[value=fail]").check()
    items.nth(0).locator("input[type=file]").set_input_files(_photo(tmp_path, "weeds.jpg"))
    items.nth(1).locator("input[value=pass]").check()
    items.nth(2).locator("input[inputmode=decimal]").fill("3")
    items.nth(3).locator("input[value='未发现']").check()
    items.nth(4).locator("input[type=file]").set_input_files(_photo(tmp_path, "after.jpg"))
    phone.locator("button[name=submit]").click()
    _count(phone, 4)
    assert phone.locator("#pat-outbox").is_visible()
    screenshot(phone, "offline-waiting")
    with live_server.app.app_context():
        assert db.session.get(Run, run_id).submitted_at is None  # nothing has arrived

    phone.context.set_offline(False)  # back in signal: sent in order, then the page reloads
    phone.wait_for_selector(".pat-locked")
    screenshot(phone, "synced")
    with live_server.app.app_context():
        run = db.session.get(Run, run_id)
        assert run.submitted_at is not None
        assert (
            db.session.scalar(select(func.count()).select_from(Scan).where(Scan.run_id == run_id))
            == 3
        )
        answers = select(func.count()).select_from(Answer).where(Answer.run_id == run_id)
        assert db.session.scalar(answers) == 5
        findings = select(func.count()).select_from(Finding).where(Finding.run_id == run_id)
        assert db.session.scalar(findings) == 1
        # Stored at the phone's time when it was walked, not when the network came back.
        scans = db.session.scalars(select(Scan).where(Scan.run_id == run_id)).all()
        assert {s.scanned_at for s in scans} == {walked}
        assert all(s.received_at - walked >= timedelta(minutes=29) for s in scans)
        assert run.submitted_at == walked
        answered = select(Answer.answered_at).where(Answer.run_id == run_id)
        assert set(db.session.scalars(answered)) == {walked}
    assert phone.locator("#pat-outbox").is_hidden()
    expect(phone.locator(".pat-received").first).to_be_visible()  # made vs received shown


def test_a_run_started_offline_from_its_kept_sheet_arrives_once_with_its_start_time(
    live_server, phone, sign_in, screenshot, tmp_path
):
    sign_in(phone, "inspector")
    phone.goto("/patrols/")
    phone.select_option("select[name=checklist_id]", label="PSY 水面巡查：泵站进水口")
    phone.select_option("select[name=route_id]", label=f"PSY {ROUTE}")
    phone.locator("button[formaction$='/patrols/sheet']").click()  # keep for no network
    phone.wait_for_url(re.compile(r"/patrols/sheets/\d+/\d+$"))
    urls = [_label_url(phone, checkpoint_id) for checkpoint_id, _t in _checkpoints(live_server.app)]
    expect(phone.locator("html")).to_have_attribute("data-offline-ready", "1")
    with live_server.app.app_context():
        runs_before = db.session.scalar(select(func.max(Run.id)))

    phone.context.set_offline(True)
    phone.reload()  # out of signal: the sheet comes from the phone's cache
    before_start = datetime.now(UTC)
    phone.locator("form.pat-start button[type=submit]").click()
    _count(phone, 1)
    for n, url in enumerate(urls, start=2):
        phone.fill("#scanned", url)
        phone.locator("form.pat-scan button[type=submit]").click()
        _count(phone, n)
    items = phone.locator("fieldset.pat-item")
    items.nth(0).locator("input[value=pass]").check()
    items.nth(1).locator("input[value=pass]").check()
    items.nth(2).locator("input[inputmode=decimal]").fill("2")
    items.nth(3).locator("input[value='未发现']").check()
    items.nth(4).locator("input[type=file]").set_input_files(_photo(tmp_path, "after.jpg"))
    phone.locator("button[name=submit]").click()
    _count(phone, 5)
    waiting = phone.locator("#pat-outbox [data-waiting] li")
    expect(waiting).to_have_count(5)
    expect(waiting.first).to_contain_text("开始巡查")  # Run started
    expect(waiting.last).to_contain_text("检查结果")  # Answers
    phone.reload()  # drawn again from the cache: what waits is listed, the answers kept
    expect(waiting).to_have_count(5)
    expect(items.nth(2).locator("input[inputmode=decimal]")).to_have_value("2")
    screenshot(phone, "offline-sheet-waiting")
    went_online = datetime.now(UTC)
    with live_server.app.app_context():
        assert db.session.scalar(select(func.max(Run.id))) == runs_before  # nothing yet

    phone.context.set_offline(False)  # in signal: sent in order, then the run opens
    phone.wait_for_url(re.compile(r"/patrols/runs/\d+$"))
    expect(phone.locator(".pat-locked")).to_be_visible()
    screenshot(phone, "offline-start-synced")
    with live_server.app.app_context():
        (run,) = db.session.scalars(select(Run).where(Run.id > runs_before)).all()
        assert before_start <= run.started_at <= went_online  # the phone's start time
        assert run.submitted_at is not None
        scans = select(func.count()).select_from(Scan).where(Scan.run_id == run.id)
        assert db.session.scalar(scans) == len(urls)
        answers = select(func.count()).select_from(Answer).where(Answer.run_id == run.id)
        assert db.session.scalar(answers) == 5


def test_todays_slots_for_the_leader_and_the_inspector(
    live_server, phone, desktop, sign_in, screenshot
):
    # The demo's schedules: the intake at 08:00, 12:00 and 17:00, gate duty at 09:30.
    sign_in(desktop, "leader")
    desktop.goto("/patrols/today")
    rows = desktop.locator("table.pat-slots tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("08:00")
    screenshot(desktop, "today-leader")
    sign_in(phone, "inspector")
    phone.goto("/patrols/today")
    expect(phone.locator("table.pat-slots tbody tr")).to_have_count(4)
    screenshot(phone, "today-inspector")
