"""Back, then submit again: the form page is fetched afresh (pages are ``no-store``)
and carries a new idempotency key, yet the identical post is answered "already
recorded" and stored once; a different text is a new entry, and so is the same text
after the window. Shown on a progress report (a comment on a problem) and on a
decision's progress note."""

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from parkops.db import utcnow
from parkops.decisions import services as decisions
from parkops.decisions.models import DecisionNote, MeetingKind
from parkops.extensions import db
from parkops.idempotency import IdempotencyKey
from parkops.rectification.models import Problem, ProgressReport
from parkops.timeutil import business_day
from tests.core.test_ledger_pages import office as office  # noqa: F401  the fixture

ALREADY = "Already recorded a moment ago"


def texts(model) -> list[str]:
    return list(db.session.scalars(select(model.text).order_by(model.id)))


def post(client, url, key, **data):
    """A post of a content form (its key marked so, as ``idempotency_field(content=True)``)."""
    return client.post(url, data={**data, "idempotency_key": "t-" + key})


def test_a_report_posted_again_from_a_fresh_page_is_recorded_once(office, client):
    problem = db.session.scalar(select(Problem).where(Problem.code == "14"))
    url = f"/ledger/problems/{problem.id}/reports"
    today = business_day().isoformat()

    first = post(client, url, "a" * 32, reported_on=today, text="已对接。")
    again = post(client, url, "b" * 32, reported_on=today, text="已对接。")
    assert again.status_code == 303 and again.location == first.location
    assert ALREADY in client.get(again.location).get_data(as_text=True)
    assert texts(ProgressReport) == ["已对接。"]

    post(client, url, "c" * 32, reported_on=today, text="已对接,手续在办。")
    assert texts(ProgressReport) == ["已对接。", "已对接,手续在办。"]


def test_a_decision_note_posted_again_is_recorded_once_until_the_window_ends(office, client):
    values = decisions.Values(
        meeting_kind=MeetingKind.DIRECTORS,
        meeting_on=business_day() - timedelta(days=40),
        text="清理应收款。",
        deadline=business_day() + timedelta(days=10),
    )
    decision = decisions.add(values, office)
    url = f"/decisions/{decision.id}/notes"

    first = post(client, url, "a" * 32, text="已部署。")
    again = post(client, url, "b" * 32, text="已部署。")
    assert again.location == first.location
    assert texts(DecisionNote) == ["已部署。"]

    # Older than the window, the same text is a new note (a weekly "no change", say).
    old = utcnow() - timedelta(hours=1)
    db.session.execute(update(IdempotencyKey).values(created_at=old))
    db.session.commit()
    post(client, url, "c" * 32, text="已部署。")
    assert texts(DecisionNote) == ["已部署。", "已部署。"]


def test_another_user_posting_the_same_text_is_not_a_repeat(office, make_user, app, login):
    problem = db.session.scalar(select(Problem).where(Problem.code == "14"))
    url = f"/ledger/problems/{problem.id}/reports"
    data = {"reported_on": business_day().isoformat(), "text": "已完成。"}
    for number, key in ((1, "a"), (2, "b")):
        other = app.test_client()
        login(make_user(f"office{number + 1}", ["office"], all_sites=True), test_client=other)
        assert post(other, url, key * 32, **data).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(ProgressReport)) == 2


def test_the_report_form_marks_its_key_as_a_content_form(office, client):
    problem = db.session.scalar(select(Problem).where(Problem.code == "14"))
    page = client.get(f"/ledger/problems/{problem.id}").get_data(as_text=True)
    form = page[page.index('id="report-form"') :].split("</form>")[0]
    assert re.search(r'name="idempotency_key" value="t-[0-9a-f]{32}"', form)
