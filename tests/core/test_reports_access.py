"""Who may open what: the office writes, leaders read (and note progress on their own
decisions), admin everything, every other role nothing (403), anonymous to the login."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from parkops import demo
from parkops.decisions.models import Decision
from parkops.extensions import db
from parkops.reports import notice, services
from parkops.reports.models import WeeklyReport
from parkops.timeutil import business_day, week_start
from tests.demo_copy import load_demo

# (method, url template, who may: "write" office/admin only, "read" leaders too)
ROUTES = [
    ("GET", "/reports/", "read"),
    ("GET", "/reports/weekly/{report}", "read"),
    ("GET", "/reports/weekly/{report}/print", "read"),
    ("GET", "/reports/weekly/{report}.docx", "read"),
    ("GET", "/reports/weekly/{report}.xlsx", "read"),
    ("GET", "/reports/weekly/{report}/compare", "read"),
    ("GET", "/reports/weekly/new?week={week}", "write"),
    ("POST", "/reports/weekly/new", "write"),
    ("GET", "/reports/notice/", "read"),
    ("GET", "/reports/notice/{notice}", "read"),
    ("GET", "/reports/notice/{notice}/print", "read"),
    ("GET", "/reports/notice/{notice}.docx", "read"),
    ("GET", "/reports/notice/{notice}/edit", "write"),
    ("POST", "/reports/notice/{notice}/edit", "write"),
    ("POST", "/reports/notice/{notice}/publish", "write"),
    ("POST", "/reports/notice/draft", "write"),
    ("GET", "/decisions/", "read"),
    ("GET", "/decisions/{decision}", "read"),
    ("GET", "/decisions/{decision}/evidence", "read"),
    ("GET", "/decisions/new", "write"),
    ("POST", "/decisions/new", "write"),
    ("GET", "/decisions/{decision}/edit", "write"),
    ("POST", "/decisions/{decision}/edit", "write"),
    ("POST", "/decisions/{decision}/done", "write"),
    ("POST", "/decisions/{open_decision}/notes", "write"),
    ("GET", "/settings/reports", "write"),
    ("POST", "/settings/reports", "write"),
]


@pytest.fixture
def ids(ledger):
    week = week_start(business_day())  # the demo's week; not read at import, which may
    load_demo()  # be before a local midnight the suite has crossed since
    latest = db.session.scalar(select(WeeklyReport).order_by(WeeklyReport.week_start.desc()))
    done = db.session.scalar(select(Decision).where(Decision.evidence_id.is_not(None)).limit(1))
    still_open = db.session.scalar(
        select(Decision).where(Decision.done_on.is_(None), Decision.leader_id.is_not(None))
    )
    return {
        "report": latest.id,
        "week": week.isoformat(),
        "notice": notice.current_draft().id,
        "decision": done.id,
        "open_decision": still_open.id,
    }


def _status(client, method, url):
    return client.open(url, method=method, data={}).status_code


@pytest.mark.parametrize(
    "username", ["crew", "cashier", "auditor", "finance", "inspector", "gardener"]
)
def test_other_roles_get_nothing(ids, app, login, username):
    client = app.test_client()
    login(username, demo.PASSWORD, test_client=client)
    refused = {url: _status(client, m, url.format(**ids)) for m, url, _who in ROUTES}
    assert set(refused.values()) == {403}, refused


def test_anonymous_is_sent_to_sign_in(ids, app):
    client = app.test_client()
    for method, url, _who in ROUTES:
        response = client.open(url.format(**ids), method=method)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login"), url


def test_leaders_read_but_do_not_write(ids, app, login):
    client = app.test_client()
    login("leader", demo.PASSWORD, test_client=client)
    for method, url, who in ROUTES:
        status = _status(client, method, url.format(**ids))
        if who == "write" and "/notes" not in url:
            assert status == 403, url
        elif method == "GET":
            assert status == 200, url


def test_the_office_and_admin_open_every_page(ids, app, login):
    for username in ("office", "admin"):
        client = app.test_client()
        login(username, demo.PASSWORD, test_client=client)
        for method, url, _who in ROUTES:
            if method == "GET":
                assert _status(client, method, url.format(**ids)) == 200, (username, url)


def test_a_leader_notes_only_on_decisions_they_answer_for(ids, app, login, make_user):
    decision = db.session.get(Decision, ids["open_decision"])
    client = app.test_client()
    login(make_user("leader9", ["leader"], all_sites=True), test_client=client)
    assert client.post(f"/decisions/{decision.id}/notes", data={"text": "x"}).status_code == 403
    own = app.test_client()
    login("leader", demo.PASSWORD, test_client=own)
    assert decision.leader.username == "leader"
    assert own.post(f"/decisions/{decision.id}/notes", data={"text": "推进中。"}).status_code == 303


def test_reports_of_the_past_stay_readable_side_by_side(ids, app, login):
    client = app.test_client()
    login("leader", demo.PASSWORD, test_client=client)
    reports = db.session.scalars(select(WeeklyReport).order_by(WeeklyReport.week_start)).all()
    week = date.fromisoformat(ids["week"])
    assert [r.number for r in reports] == [1, 2, 3]
    assert [r.week_start for r in reports] == [week - timedelta(weeks=n) for n in (3, 2, 1)]
    page = client.get(f"/reports/weekly/{reports[2].id}/compare?with={reports[0].id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and reports[0].covering_note in text
    assert reports[2].covering_note in text
    assert services.previous(reports[2]) == reports[1]
