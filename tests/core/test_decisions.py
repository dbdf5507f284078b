"""Supervision of meeting decisions (督办): the ledger, progress notes, done with evidence,
versions against lost edits, the home page and the overdue reminder once a week."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from parkops.audit import AuditEntry
from parkops.decisions import services
from parkops.decisions.jobs import overdue_reminder
from parkops.decisions.models import Decision, MeetingKind
from parkops.extensions import db
from parkops.notify import Notification
from parkops.rectification.demo import demo_pdf
from parkops.rectification.models import Problem
from parkops.timeutil import business_day
from tests.core.attachments.files import jpeg_bytes

TODAY = business_day()


@pytest.fixture
def people(ledger, make_user, client):
    client.post("/language/en")
    return {
        "office": make_user("office1", ["office"], all_sites=True),
        "leader": make_user("leader1", ["leader"], all_sites=True),
        "other_leader": make_user("leader2", ["leader"], all_sites=True),
        "crew": make_user("crew1", ["crew"]),
    }


def _form(**changes):
    data = {
        "meeting_kind": "party_committee",
        "meeting_on": (TODAY - timedelta(days=30)).isoformat(),
        "text": "建立重要会议决定事项督办台账。",
        "deadline": (TODAY + timedelta(days=30)).isoformat(),
        "leader": "",
        "department": "",
        "person": "",
    }
    data.update(changes)
    return data


def _decision(people, deadline=TODAY + timedelta(days=10), **fields) -> Decision:
    values = services.Values(
        meeting_kind=MeetingKind.DIRECTORS,
        meeting_on=TODAY - timedelta(days=40),
        text="清理应收款。",
        deadline=deadline,
        leader_id=people["leader"].id,
        **fields,
    )
    return services.add(values, people["office"])


def test_the_office_records_a_decision_linked_to_problems(people, client, login):
    login(people["office"])
    p19 = db.session.scalar(select(Problem).where(Problem.code == "19"))
    response = client.post(
        "/decisions/new",
        data=_form(leader="leader1", problems=[str(p19.id)]),
    )
    assert response.status_code == 303
    decision = db.session.scalar(select(Decision))
    assert decision.leader == people["leader"] and decision.problems == [p19]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "decisions.added"))
    page = client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert "建立重要会议决定事项督办台账。" in page and "19." in page


def test_the_decision_form_searches_people_instead_of_listing_them(
    people, client, login, make_user
):
    for n in range(30):
        make_user(f"clerk{n:02d}", display_name=f"Clerk {n:02d}")
    login(people["office"])
    page = client.get("/decisions/new").get_data(as_text=True)
    assert "Clerk 07" not in page and "leader2" not in page  # nobody listed
    assert 'data-people-search="/people/search"' in page and "js/people.js" in page
    decision = _decision(people)
    edit = client.get(f"/decisions/{decision.id}/edit").get_data(as_text=True)
    assert f'value="{people["leader"].display_name} (leader1)"' in edit  # the one it holds


def test_a_deadline_before_the_meeting_is_refused(people, client, login):
    login(people["office"])
    response = client.post(
        "/decisions/new", data=_form(deadline=(TODAY - timedelta(days=31)).isoformat())
    )
    assert response.status_code == 422
    assert "The deadline cannot be before the meeting." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 0
    with pytest.raises(services.DecisionError):
        _decision(people, deadline=TODAY - timedelta(days=41))


def test_two_editors_get_a_conflict_page(people, client, login):
    decision = _decision(people)
    login(people["office"])
    stale = _form(version=str(decision.version), text="甲的修改")
    first = client.post(
        f"/decisions/{decision.id}/edit", data=_form(version=str(decision.version), text="乙的修改")
    )
    assert first.status_code == 303
    second = client.post(f"/decisions/{decision.id}/edit", data=stale)
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert 'id="conflict"' in page and "甲的修改" in page and "乙的修改" in page
    db.session.expire_all()
    assert db.session.get(Decision, decision.id).text == "乙的修改"
    forged = client.post(f"/decisions/{decision.id}/edit", data=_form(version="x", text="丙"))
    assert forged.status_code == 422
    assert db.session.get(Decision, decision.id).text == "乙的修改"


def test_the_leader_who_answers_for_it_notes_progress_others_may_not(people, app, client, login):
    decision = _decision(people)
    other = app.test_client()
    login(people["other_leader"], test_client=other)
    assert other.post(f"/decisions/{decision.id}/notes", data={"text": "x"}).status_code == 403
    login(people["leader"])
    assert client.post(f"/decisions/{decision.id}/notes", data={"text": ""}).status_code == 422
    assert (
        client.post(f"/decisions/{decision.id}/notes", data={"text": "已部署。"}).status_code == 303
    )
    db.session.expire_all()
    assert [n.text for n in db.session.get(Decision, decision.id).notes] == ["已部署。"]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "decisions.noted"))


def test_done_needs_evidence_and_is_audited(people, client, login):
    decision = _decision(people)
    login(people["office"])
    missing = client.post(
        f"/decisions/{decision.id}/done", data={"version": decision.version, "summary": "完成"}
    )
    assert missing.status_code == 422
    pdf = (io.BytesIO(demo_pdf("evidence")), "evidence.pdf")
    today = business_day()  # not TODAY: the suite may have crossed local midnight since
    done = client.post(
        f"/decisions/{decision.id}/done",
        data={"version": decision.version, "summary": "已完成。", "evidence": pdf},
        content_type="multipart/form-data",
    )
    assert done.status_code == 303
    db.session.expire_all()
    decision = db.session.get(Decision, decision.id)
    assert decision.done_on == today and decision.evidence.filename == "evidence.pdf"
    assert client.get(f"/decisions/{decision.id}/evidence").data.startswith(b"%PDF")
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "decisions.done"))


def test_overdue_decisions_are_on_the_home_page_and_reminded_once_a_week(
    people, app, client, login
):
    monday = TODAY - timedelta(days=TODAY.weekday())
    late = _decision(people, deadline=TODAY + timedelta(days=1), person_id=people["crew"].id)
    # Fell due before this week's Monday while nobody finished it (on any day of the week
    # the suite runs: two days before today was this Monday on a Wednesday, not overdue).
    late.deadline = monday - timedelta(days=2)
    db.session.commit()
    _decision(people)
    login(people["leader"])
    home = client.get("/").get_data(as_text=True)
    assert "2 meeting decisions to carry out" in home
    office = app.test_client()
    login(people["office"], test_client=office)
    office.post("/language/en")
    assert "1 meeting decision overdue" in office.get("/").get_data(as_text=True)
    people["crew"].locale = "en"  # the reminder is written in the recipient's language
    db.session.commit()
    assert overdue_reminder(monday) == 1  # the responsible person, crew1
    assert overdue_reminder(monday + timedelta(days=1)) == 0  # same week: not again
    assert overdue_reminder(monday + timedelta(days=7)) == 1  # next week: again
    inbox = db.session.scalars(
        select(Notification).where(Notification.user_id == people["crew"].id)
    ).all()
    assert len(inbox) == 2 and "overdue" in inbox[0].subject


def test_the_ledger_lists_overdue_first(people, client, login):
    _decision(people)
    late = _decision(people, deadline=TODAY + timedelta(days=1))
    late.deadline = TODAY - timedelta(days=1)
    db.session.commit()
    login(people["leader"])
    page = client.get("/decisions/?state=overdue").get_data(as_text=True)
    assert page.count('id="decision-') == 1 and f'id="decision-{late.id}"' in page


def test_a_decision_is_done_with_a_photo_and_asks_for_its_own_summary(people, client, login):
    decision = _decision(people)
    login(people["office"])
    blank = client.post(
        f"/decisions/{decision.id}/done",
        data={"version": decision.version, "summary": "   ", "evidence": _photo()},
        content_type="multipart/form-data",
    )
    assert blank.status_code == 422
    text = blank.get_data(as_text=True)
    # Its own message: the repair order's "Say what was done." reads 请填写维修情况 in Chinese.
    assert "Say how the decision was carried out." in text
    assert "Say what was done." not in text
    assert 'accept="image/*,.pdf' in text
    done = client.post(
        f"/decisions/{decision.id}/done",
        data={"version": decision.version, "summary": "收费标识牌已更换。", "evidence": _photo()},
        content_type="multipart/form-data",
    )
    assert done.status_code == 303
    db.session.expire_all()
    evidence = db.session.get(Decision, decision.id).evidence
    assert evidence.content_type == "image/jpeg" and evidence.filename == "signs.jpg"


def _photo():
    return (io.BytesIO(jpeg_bytes()), "signs.jpg")
