"""Self-found problems (举一反三): added by the office, numbered S1, S2, …, counted apart."""

import pytest
from sqlalchemy import func, select

from parkops.audit import AuditEntry
from parkops.auth.models import Department
from parkops.extensions import db
from parkops.rectification.models import Problem, Source, Status
from parkops.timeutil import business_day


@pytest.fixture
def office(ledger, make_user, login, client):
    user = make_user("office1", ["office"])
    login(user)
    client.post("/language/en")
    return user


def self_found() -> list[Problem]:
    return list(
        db.session.scalars(
            select(Problem).where(Problem.source == Source.SELF).order_by(Problem.sort_key)
        )
    )


def form(office, **changes):
    data = {
        "category": "10",
        "title": "售票窗口监控存在盲区。",
        "notice_text": "增设监控点位。",
        "leader": "",
        "department": "",
        "person": office.username,
        "deadline": "2021-02-28",
        "status": "in_progress",
    }
    data.update(changes)
    return data


def test_office_adds_self_found_problems_numbered_in_turn(office, client):
    assert client.get("/ledger/self-found/new").status_code == 200
    first = client.post("/ledger/self-found/new", data=form(office))
    second = client.post(
        "/ledger/self-found/new", data=form(office, title="台账不清。", status="completed")
    )
    assert first.status_code == second.status_code == 303
    one, two = self_found()
    assert (one.code, two.code) == ("S1", "S2")
    assert first.headers["Location"].endswith(f"/ledger/problems/{one.id}")
    assert one.category_number == 10 and one.title == "售票窗口监控存在盲区。"
    assert one.notice_text == "增设监控点位。" and one.person_id == office.id
    assert one.status == Status.IN_PROGRESS and one.completed_on is None
    assert two.status == Status.COMPLETED and two.completed_on == business_day()
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "ledger.self_found_added")
        .order_by(AuditEntry.seq)
    ).all()
    assert [e.details["code"] for e in entries] == ["S1", "S2"]
    # They appear in the ledger, apart from the notice's 39, with their own rate.
    html = client.get("/ledger/").get_data(as_text=True)
    assert html.index('id="section-self"') < html.index('id="problem-S1"')
    rate = html[html.index('id="rate-self"') :]
    assert "1 of 2 completed" in rate and "50%" in rate
    overall = html[html.index('id="rate-overall"') : html.index('id="rate-self"')]
    assert "0 of 39 completed" in overall


def test_numbering_continues_after_the_highest_code(office, client):
    db.session.add(
        Problem(code="S7", sort_key=1007, source=Source.SELF, category_number=9, title="Old")
    )
    db.session.commit()
    client.post("/ledger/self-found/new", data=form(office))
    assert [p.code for p in self_found()] == ["S7", "S8"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": " "}, "Describe the problem."),
        ({"category": "12"}, "Choose a category."),
        ({"category": "x"}, "Choose a category."),
        ({"person": "777"}, "Nobody of that name"),
        ({"department": "777"}, "Choose a department."),
        ({"deadline": "2021-02-29"}, "Not a valid date value."),
        ({"status": "closed"}, "Choose a status from the list."),
    ],
)
def test_bad_input_adds_nothing(office, client, changes, message):
    response = client.post("/ledger/self-found/new", data=form(office, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert self_found() == []
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "ledger.self_found_added")
        )
        == 0
    )


def test_a_department_can_be_chosen(office, client):
    department = Department(name="纪检监察室")
    db.session.add(department)
    db.session.commit()
    client.post("/ledger/self-found/new", data=form(office, department=str(department.id)))
    assert self_found()[0].department_id == department.id


def test_only_the_office_adds_self_found_problems(ledger, make_user, login, client):
    user = make_user("wang", ["leader"])
    login(user)
    assert client.get("/ledger/self-found/new").status_code == 403
    assert client.post("/ledger/self-found/new", data=form(user)).status_code == 403
    assert self_found() == []


def test_office_corrects_a_self_found_problem_with_an_audit_entry(office, client):
    client.post("/ledger/self-found/new", data=form(office))
    [p] = self_found()
    page = client.get(f"/ledger/problems/{p.id}/self-found")
    assert page.status_code == 200 and "售票窗口监控存在盲区。" in page.get_data(as_text=True)
    response = client.post(
        f"/ledger/problems/{p.id}/self-found",
        data=form(office, title="售票窗口监控存在盲区,无人复核。", category="9", version="1"),
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (p.title, p.category_number, p.code) == ("售票窗口监控存在盲区,无人复核。", 9, "S1")
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "ledger.problem_updated")
        .order_by(AuditEntry.seq.desc())
    ).first()
    assert entry.details["category_number"] == [10, 9]
    assert entry.details["title"] == ["售票窗口监控存在盲区。", "售票窗口监控存在盲区,无人复核。"]
    refused = client.post(
        f"/ledger/problems/{p.id}/self-found", data=form(office, title="", version="2")
    )
    assert refused.status_code == 422
    db.session.expire_all()
    assert p.title == "售票窗口监控存在盲区,无人复核。"


def test_the_notices_own_problems_keep_their_words(office, client):
    p = db.session.scalar(select(Problem).where(Problem.code == "14"))
    assert client.get(f"/ledger/problems/{p.id}/self-found").status_code == 404
    assert client.post(f"/ledger/problems/{p.id}/self-found", data=form(office)).status_code == 404
    db.session.expire_all()
    assert p.title == "设施维护不及时。"


def test_four_problems_added_at_once_get_four_numbers(app, office, login):
    """Real threads, each its own signed-in client: no 500, S1 to S4 once each."""
    from tests.core.test_limits import run_at_once

    clients = [app.test_client() for _ in range(4)]
    for c in clients:
        login(office, test_client=c)
    forms = [form(office, title=f"问题 {n}") for n in range(4)]
    db.session.commit()

    def send(n: int) -> int:
        return clients[n].post("/ledger/self-found/new", data=forms[n]).status_code

    assert run_at_once(4, send) == [303] * 4
    db.session.expire_all()
    assert sorted(p.code for p in self_found()) == ["S1", "S2", "S3", "S4"]
