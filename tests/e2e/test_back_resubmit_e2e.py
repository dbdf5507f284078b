"""Back, then submit again: the browser fetches the form page afresh (pages are
``no-store``), so the form carries a new idempotency key; the repeat must still be
recognised and answered "already recorded", not stored twice.

Signed in as ``office``: a progress report on a rectification problem and a progress
note on a meeting decision, each posted, then Back and the same form posted again.
A different text posted after that is still recorded.
"""

import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from parkops.decisions.models import Decision, DecisionNote
from parkops.extensions import db
from parkops.rectification.models import Problem, ProgressReport

pytestmark = pytest.mark.e2e


def _count(live_server, model, column, text: str) -> int:
    with live_server.app.app_context():
        found = db.session.scalar(select(func.count()).select_from(model).where(column == text))
        db.session.remove()
        return found


def _first_id(live_server, statement) -> int:
    with live_server.app.app_context():
        found = db.session.scalar(statement)
        db.session.remove()
        return found


def _post_back_post(page, form_selector: str, text: str) -> None:
    """Fill and post the form, go Back to the form page, fill the same text, post again."""
    form = page.locator(form_selector)
    form.locator("textarea[name=text]").fill(text)
    form.locator("[type=submit]").click()
    expect(page.get_by_text(text)).to_be_visible()
    page.go_back()
    form = page.locator(form_selector)
    form.locator("textarea[name=text]").fill(text)
    form.locator("[type=submit]").click()
    expect(page.locator(".flash, [role=status], [role=alert]").first).to_be_visible()


def test_back_and_resubmit_records_once(desktop, sign_in, live_server, screenshot):
    page = desktop
    sign_in(page, "office")

    problem_id = _first_id(
        live_server, select(Problem.id).where(Problem.code == "17").order_by(Problem.id)
    )
    report = f"已与相关部门对接({uuid.uuid4().hex[:8]})"
    page.goto(f"/ledger/problems/{problem_id}")
    _post_back_post(page, "#report-form", report)
    screenshot(page, "report-repeated")
    assert _count(live_server, ProgressReport, ProgressReport.text, report) == 1

    another = f"{report},又有新进展"
    page.locator("#report-form textarea[name=text]").fill(another)
    page.locator("#report-form [type=submit]").click()
    expect(page.get_by_text(another)).to_be_visible()
    assert _count(live_server, ProgressReport, ProgressReport.text, another) == 1

    decision_id = _first_id(
        live_server, select(Decision.id).where(Decision.done_on.is_(None)).order_by(Decision.id)
    )
    note = f"正在推进({uuid.uuid4().hex[:8]})"
    page.goto(f"/decisions/{decision_id}")
    _post_back_post(page, "#note-form", note)
    assert _count(live_server, DecisionNote, DecisionNote.text, note) == 1
