"""Recurrence (反弹): a completed problem whose live indicator turned against it is flagged
on the ledger, its page and the weekly report; the office reopens it or records why not.

This file is also a tiny module (``spec``): an indicator for problem 15.
"""

import re

import pytest
from sqlalchemy import select

from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.rectification.models import Problem, RecurrenceReview, Status
from parkops.rectification.services import load_notice
from parkops.registry import Indicator, ModuleSpec
from parkops.reports import weekly
from parkops.timeutil import business_day, week_start
from tests.races import at_once

FIGURE = {"complaints": ("3 complaints this week", False)}

spec = ModuleSpec(
    name="watch",
    label="Watch",
    indicators=(
        Indicator(
            "watch.complaints",
            "Sanitation complaints",
            ("15", "16"),
            lambda site_ids: FIGURE["complaints"],
            permission="ledger.view",
        ),
    ),
)


@pytest.fixture
def app(make_app):
    app = make_app(MODULES=["tests.core.test_recurrence"])
    with app.app_context():
        load_notice()
        for code, status in (("15", Status.COMPLETED), ("16", Status.IN_PROGRESS)):
            problem(code).status = status
        db.session.commit()
        yield app


@pytest.fixture
def office(make_user, login, client):
    user = make_user("office1", ["office"], all_sites=True)
    login(user)
    client.post("/language/en")
    return user


def problem(code: str) -> Problem:
    return db.session.scalar(select(Problem).where(Problem.code == code))


def test_a_completed_problem_whose_indicator_turned_is_flagged(office, client):
    ledger = client.get("/ledger/").get_data(as_text=True)
    row = ledger[ledger.index('id="problem-15"') :]
    assert "At risk of recurring" in row[: row.index("</tr>")]
    row16 = ledger[ledger.index('id="problem-16"') :]
    assert "At risk of recurring" not in row16[: row16.index("</tr>")]  # not completed
    only = client.get("/ledger/?at_risk=1").get_data(as_text=True)
    assert 'id="problem-15"' in only and 'id="problem-14"' not in only
    page = client.get(f"/ledger/problems/{problem('15').id}").get_data(as_text=True)
    assert 'id="recurrence"' in page and "3 complaints this week" in page
    data = weekly.generate(week_start(business_day()), business_day())
    row = next(p for p in data["problems"] if p["code"] == "15")
    assert row["at_risk"] == [{"label": "Sanitation complaints", "text": "3 complaints this week"}]
    assert data["totals"]["at_risk"] == 1


def test_the_office_reopens_it_with_a_reason(office, client):
    p = problem("15")
    response = client.post(
        f"/ledger/problems/{p.id}/recurrence",
        data={"indicator": "watch.complaints", "decision": "reopen", "reason": "投诉反弹"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert problem("15").status == Status.IN_PROGRESS and problem("15").completed_on is None
    review = db.session.scalar(select(RecurrenceReview))
    assert review.reopened and review.reason == "投诉反弹" and review.decided_by_id == office.id
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "ledger.recurrence_reopened")
    )
    assert entry.object_id == p.id and entry.details["reason"] == "投诉反弹"
    assert 'id="problem-15"' not in client.get("/ledger/?at_risk=1").get_data(as_text=True)


def test_or_keeps_it_completed_saying_why(office, client):
    p = problem("15")
    client.post(
        f"/ledger/problems/{p.id}/recurrence",
        data={"indicator": "watch.complaints", "decision": "keep", "reason": "一次性活动造成"},
    )
    db.session.expire_all()
    assert problem("15").status == Status.COMPLETED
    page = client.get(f"/ledger/problems/{p.id}").get_data(as_text=True)
    assert "Kept completed by" in page and "一次性活动造成" in page
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "ledger.recurrence_kept")
    )


def test_a_reason_is_required_and_the_indicator_must_have_turned(office, client):
    p = problem("15")
    empty = client.post(
        f"/ledger/problems/{p.id}/recurrence",
        data={"indicator": "watch.complaints", "decision": "reopen", "reason": "  "},
    )
    assert empty.status_code == 303
    FIGURE["complaints"] = ("no complaint", True)
    try:
        gone = client.post(
            f"/ledger/problems/{p.id}/recurrence",
            data={"indicator": "watch.complaints", "decision": "reopen", "reason": "反弹"},
        )
        assert gone.status_code == 303
    finally:
        FIGURE["complaints"] = ("3 complaints this week", False)
    db.session.expire_all()
    assert db.session.scalar(select(RecurrenceReview)) is None
    assert problem("15").status == Status.COMPLETED


def test_only_the_office_decides(make_user, login, client):
    login(make_user("leader1", ["leader"], all_sites=True))
    response = client.post(
        f"/ledger/problems/{problem('15').id}/recurrence",
        data={"indicator": "watch.complaints", "decision": "reopen", "reason": "x"},
    )
    assert response.status_code == 403
    assert db.session.scalar(select(RecurrenceReview)) is None


def _decide(client, problem_id: int, decision: str, reason: str, page: str):
    shown = re.search(r'name="shown_review" value="(\d+)"', page).group(1)
    return client.post(
        f"/ledger/problems/{problem_id}/recurrence",
        data={
            "indicator": "watch.complaints",
            "decision": decision,
            "reason": reason,
            "shown_review": shown,
        },
    )


def test_a_decision_from_a_page_made_before_anothers_is_refused_naming_them(
    app, office, client, make_user, login
):
    """Two office users on the same problem's page: the second decision, from a page
    made before the first, is refused (409, who and when) and records nothing."""
    p = problem("15")
    other = app.test_client()
    login(
        make_user("office2", ["office"], all_sites=True, display_name="Office Two"),
        test_client=other,
    )
    other.post("/language/en")
    mine = client.get(f"/ledger/problems/{p.id}").get_data(as_text=True)
    theirs = other.get(f"/ledger/problems/{p.id}").get_data(as_text=True)
    assert _decide(other, p.id, "keep", "一次性活动造成", theirs).status_code == 303
    refused = _decide(client, p.id, "reopen", "投诉反弹", mine)
    assert refused.status_code == 409
    assert "recorded meanwhile, by Office Two at " in refused.get_data(as_text=True)
    db.session.expire_all()
    assert problem("15").status == Status.COMPLETED
    assert [r.reason for r in db.session.scalars(select(RecurrenceReview))] == ["一次性活动造成"]
    fresh = client.get(f"/ledger/problems/{p.id}").get_data(as_text=True)
    assert _decide(client, p.id, "reopen", "投诉反弹", fresh).status_code == 303  # seen: allowed
    bad = client.post(
        f"/ledger/problems/{p.id}/recurrence",
        data={
            "indicator": "watch.complaints",
            "decision": "keep",
            "reason": "x",
            "shown_review": "1e3",
        },
    )
    assert bad.status_code == 400


def test_two_office_users_deciding_at_once_apply_one(app, office, make_user, login, monkeypatch):
    p = problem("15")
    clients = {}
    for name in ("office2", "office3"):
        clients[name] = app.test_client()
        login(make_user(name, ["office"], all_sites=True), test_client=clients[name])
        clients[name].post("/language/en")
    pages = {
        n: c.get(f"/ledger/problems/{p.id}").get_data(as_text=True) for n, c in clients.items()
    }
    problem_id, answers = p.id, {}

    def decide(name, decision):
        def post():
            answers[name] = _decide(
                clients[name], problem_id, decision, "理由", pages[name]
            ).status_code

        return post

    outcomes = at_once(app, monkeypatch, decide("office2", "keep"), decide("office3", "reopen"))
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert sorted(answers.values()) == [303, 409], answers
    db.session.expire_all()
    reviews = list(db.session.scalars(select(RecurrenceReview)))
    assert len(reviews) == 1
    assert problem("15").status == (Status.IN_PROGRESS if reviews[0].reopened else Status.COMPLETED)
