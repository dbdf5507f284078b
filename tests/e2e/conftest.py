"""End-to-end harness: a real ParkOps served by waitress, driven by headless Chromium.

Fixtures
- ``live_server``: one installation for the whole run, built as an operator builds it
  (``parkops demo`` in a fresh instance folder, every module under modules/ enabled),
  served by waitress on a free 127.0.0.1 port. ``live_server.url``, ``live_server.app``.
  On PostgreSQL (PARKOPS_TEST_DATABASE_URL set) it uses its own database, named after
  the unit tests' one with ``_e2e`` (and the xdist worker, ``_e2e_gw0``) appended,
  dropped and created at the start; each xdist worker serves its own installation.
- ``browser``: Debian's Chromium (/usr/bin/chromium) through Playwright; never downloaded.
- ``phone`` (390x844, mobile, touch) and ``desktop`` (1280x900): a fresh page each, with
  relative URLs resolved against the live server; ``sized_page`` runs a test at both.
- ``sign_in(page, username)``: through the login form, demo password.
- ``screenshot(page, name)``: test-artifacts/<test>-<name>.png (gitignored).

A page that throws a JavaScript error, logs a Content-Security-Policy violation or fails
to load one of its assets fails its test; a failed test leaves a screenshot of its page
in test-artifacts/. Test files mark themselves with ``pytestmark = pytest.mark.e2e``
(``-m "not e2e"`` leaves them out). Without Chromium the e2e tests are skipped locally
and fail in CI (CI=true).
"""

import os
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, sync_playwright
from waitress import create_server

from parkops import create_app
from parkops.config import DEFAULTS
from parkops.demo import PASSWORD as DEMO_PASSWORD
from parkops.extensions import db
from tests.conftest import worker_database, worker_suffix

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SIZES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@dataclass
class LiveServer:
    url: str
    app: Flask
    database_url: str


def _modules() -> str:
    """Every module the project ships: the e2e installation is a complete one."""
    found = sorted(p.parent.name for p in (ROOT / "modules").glob("*/module.py"))
    # A module that requires another comes after it: the default order, then the rest.
    default = str(DEFAULTS["MODULES"]).split(",")
    found.sort(key=lambda name: default.index(name) if name in default else len(default))
    return ",".join(found)


def _run_parkops(args: list[str], environ: dict[str, str]) -> None:
    """The console script, in its own process: exactly what an operator runs."""
    command = [sys.executable, "-c", "from parkops.console import main; main()", *args]
    done = subprocess.run(command, env=environ, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"parkops {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("e2e-instance")
    unit_test_url = os.environ.get("PARKOPS_TEST_DATABASE_URL")
    database_url = (
        worker_database(unit_test_url, f"_e2e{worker_suffix()}")
        if unit_test_url
        else f"sqlite:///{instance / 'parkops.db'}"
    )
    settings = {
        "PARKOPS_INSTANCE_PATH": str(instance),
        "PARKOPS_DATABASE_URL": database_url,
        "PARKOPS_MODULES": _modules(),
        "PARKOPS_SCHEDULER_IN_SERVE": "false",
    }
    _run_parkops(["demo"], {**os.environ, **settings})

    with pytest.MonkeyPatch.context() as env:
        for key, value in settings.items():
            env.setenv(key, value)
        app = create_app()
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    url = f"http://127.0.0.1:{server.effective_port}"
    app.config.update(HOST="127.0.0.1", PORT=server.effective_port, BASE_URL=url)
    thread = threading.Thread(target=server.run, name="e2e-waitress", daemon=True)
    thread.start()
    yield LiveServer(url=url, app=app, database_url=database_url)
    server.close()
    server.task_dispatcher.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(f"{reason}; CI must run the browser tests", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


def _test_file_name(request) -> str:
    return re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")


def _console_problem(message: ConsoleMessage, problems: list[str]) -> None:
    # A failed load is judged by _asset_problem: a page may rightly answer 401 or 404.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        problems.append(f"console error: {message.text}")


def _asset_problem(response: Response, problems: list[str]) -> None:
    """A stylesheet, script or image that does not load is a broken page."""
    if response.status >= 400 and response.request.resource_type != "document":
        problems.append(f"{response.status} for {response.request.resource_type} {response.url}")


def _open_page(browser: Browser, live_server: LiveServer, request, size: str):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        accept_downloads=True,
        **SIZES[size],
    )
    context.set_default_timeout(15_000)  # a missing element fails in seconds, not half a minute
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on("console", lambda message: _console_problem(message, problems))
    page.on("response", lambda response: _asset_problem(response, problems))
    yield page
    if getattr(request.node, "e2e_failed", False):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{_test_file_name(request)}-{size}-FAILED.png")
    context.close()
    assert problems == [], f"the browser reported problems at {size} size"


@pytest.fixture
def phone(browser, live_server, request):
    yield from _open_page(browser, live_server, request, "phone")


@pytest.fixture
def desktop(browser, live_server, request):
    yield from _open_page(browser, live_server, request, "desktop")


@pytest.fixture(params=list(SIZES))
def sized_page(request):
    """The test runs twice: once on a phone's screen, once on a desktop's."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def sign_in(live_server):
    def sign_in_as(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto("/login")
        form = page.locator("form:has(input[name=password])")
        form.locator("input[name=username]").fill(username)
        form.locator("input[name=password]").fill(password)
        form.locator("[type=submit]").click()
        page.wait_for_url(lambda url: "/login" not in url)
        assert page.locator("form[action$='/logout']").count() == 1, f"{username} not signed in"

    return sign_in_as


@pytest.fixture
def screenshot(request):
    def save(page: Page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{_test_file_name(request)}-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return save
