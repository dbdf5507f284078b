"""A problem's page and the office's changes to who answers for it, by when, and its status."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from parkops.audit import AuditEntry
from parkops.auth.models import Department
from parkops.extensions import db
from parkops.rectification.models import Measure, Problem, Source, Status
from parkops.rectification.services import load_notice
from parkops.timeutil import business_day


def problem(code: str) -> Problem:
    return db.session.scalar(select(Problem).where(Problem.code == code))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


@pytest.fixture
def people(ledger, make_user):
    department = Department(name="Engineering")
    db.session.add(department)
    db.session.commit()
    return {
        "office": make_user("office1", ["office"], all_sites=True, display_name="Li Min"),
        "leader": make_user("wang", ["leader"], display_name="Director Wang"),
        "crew": make_user("zhao", ["crew"], display_name="Zhao Qiang"),
        "department": department,
    }


@pytest.fixture
def office(people, login, client):
    login(people["office"])
    client.post("/language/en")
    return people["office"]


def owners_form(people, **changes):
    """The owners form as problem 14's page sends it, at the version it now has."""
    db.session.expire_all()
    data = {
        "version": str(problem("14").version),
        "leader": "Director Wang (wang)",  # as the picker fills it in
        "department": str(people["department"].id),
        "person": "zhao",  # typed without the script: a username
        "deadline": "2021-03-31",
        "status": "in_progress",
    }
    data.update(changes)
    return data


def test_the_page_shows_the_notice_text_and_the_fields(office, client):
    p = problem("14")
    html = client.get(f"/ledger/problems/{p.id}").get_data(as_text=True)
    assert "设施维护不及时。" in html
    assert "成立了维修专班,每天对园区设施进行巡查" in html
    assert "What the notice says was done" in html
    assert 'id="owners-form"' in html and 'id="report-form"' in html


def test_a_missing_problem_is_404(office, client):
    assert client.get("/ledger/problems/999999").status_code == 404
    assert client.post("/ledger/problems/999999/owners", data={}).status_code == 404


def test_office_sets_owners_deadline_and_status_with_an_audit_entry(office, people, client):
    p = problem("14")
    response = client.post(f"/ledger/problems/{p.id}/owners", data=owners_form(people))
    assert response.status_code == 303
    db.session.expire_all()
    p = problem("14")
    assert (p.leader_id, p.person_id, p.department_id) == (
        people["leader"].id,
        people["crew"].id,
        people["department"].id,
    )
    assert p.deadline.isoformat() == "2021-03-31" and p.status == Status.IN_PROGRESS
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "ledger.problem_updated")
    )
    assert entry.actor_id == office.id and entry.object_id == p.id
    assert entry.details["status"] == ["not_started", "in_progress"]
    assert entry.details["person_id"] == [None, people["crew"].id]
    assert entry.details["deadline"] == [None, "2021-03-31"]


def test_saving_unchanged_values_writes_no_audit_entry(office, people, client):
    p = problem("14")
    client.post(f"/ledger/problems/{p.id}/owners", data=owners_form(people))
    before = audit_actions().count("ledger.problem_updated")
    client.post(f"/ledger/problems/{p.id}/owners", data=owners_form(people))
    assert audit_actions().count("ledger.problem_updated") == before


def test_completing_sets_completed_on_and_reopening_clears_it(office, people, client):
    p = problem("14")
    client.post(f"/ledger/problems/{p.id}/owners", data=owners_form(people, status="completed"))
    db.session.expire_all()
    assert problem("14").completed_on == business_day()
    client.post(f"/ledger/problems/{p.id}/owners", data=owners_form(people, status="in_progress"))
    db.session.expire_all()
    assert problem("14").completed_on is None
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "ledger.problem_updated")
        .order_by(AuditEntry.seq.desc())
    ).first()
    assert entry.details["completed_on"] == [business_day().isoformat(), None]


def test_saving_a_completed_problem_keeps_its_completion_day(office, people, client):
    p = problem("14")
    p.status, p.completed_on = Status.COMPLETED, business_day() - timedelta(days=30)
    db.session.commit()
    client.post(
        f"/ledger/problems/{p.id}/owners",
        data=owners_form(people, status="completed", deadline="2021-04-30"),
    )
    db.session.expire_all()
    assert problem("14").completed_on == business_day() - timedelta(days=30)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"person": "999999"}, "Nobody of that name"),
        ({"leader": "Director Wang (nobody)"}, "Nobody of that name"),
        ({"department": "999999"}, "Choose a department."),
        ({"deadline": "2021-02-30"}, "Not a valid date value."),
        ({"deadline": "1899-01-01"}, "Enter a date between 2000 and 2100."),
        ({"status": "finished"}, "Choose a status from the list."),
        ({"status": ""}, "Choose a status from the list."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    office, people, client, changes, message
):
    p = problem("14")
    response = client.post(f"/ledger/problems/{p.id}/owners", data=owners_form(people, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    p = problem("14")
    assert (p.person_id, p.leader_id, p.department_id, p.deadline) == (None, None, None, None)
    assert p.status == Status.NOT_STARTED
    assert "ledger.problem_updated" not in audit_actions()


def test_an_inactive_user_can_no_longer_be_chosen(office, people, client, make_user):
    gone = make_user("gone", ["crew"], active=False)
    p = problem("14")
    response = client.post(
        f"/ledger/problems/{p.id}/owners", data=owners_form(people, person=str(gone.id))
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert problem("14").person_id is None


def test_only_the_office_may_change_a_problem(people, login, client):
    login(people["leader"])
    p = problem("14")
    html = client.get(f"/ledger/problems/{p.id}").get_data(as_text=True)
    assert 'id="owners-form"' not in html
    response = client.post(f"/ledger/problems/{p.id}/owners", data=owners_form(people))
    assert response.status_code == 403
    db.session.expire_all()
    assert problem("14").person_id is None


def test_forms_need_the_csrf_token(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        load_notice()
        make_user("office1", ["office"])
        client = app.test_client()
        login_page = client.get("/login").get_data(as_text=True)
        token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/login",
            data={"username": "office1", "password": "correct horse battery", "csrf_token": token},
        )
        p = problem("14")
        response = client.post(
            f"/ledger/problems/{p.id}/owners", data={"status": "completed", "leader": ""}
        )
        assert response.status_code == 400
        db.session.expire_all()
        assert problem("14").status == Status.NOT_STARTED
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "ledger.problem_updated")
            )
            == 0
        )


# A problem is rectified when its measures are done: completing it with open measures is
# refused, naming them; long-term (长期坚持) measures count as done.
def add_measure(p: Problem, text: str, status: Status) -> Measure:
    measure = Measure(problem_id=p.id, text=text, status=status)
    db.session.add(measure)
    db.session.commit()
    return measure


def test_completing_with_an_open_measure_is_refused_and_names_it(office, people, client):
    p = problem("14")
    add_measure(p, "Fit new locks on the pump house", Status.COMPLETED)
    add_measure(p, "Train the night crew", Status.IN_PROGRESS)
    response = client.post(
        f"/ledger/problems/{p.id}/owners", data=owners_form(people, status="completed")
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "cannot be marked completed" in html
    assert "Train the night crew (In progress)" in html
    assert "Fit new locks" not in html.split("cannot be marked completed")[1].split("</")[0]
    db.session.expire_all()
    assert problem("14").status != Status.COMPLETED and problem("14").completed_on is None


@pytest.mark.parametrize("other", [Status.COMPLETED, Status.LONG_TERM])
def test_completing_is_allowed_once_measures_are_done_or_long_term(office, people, client, other):
    p = problem("14")
    add_measure(p, "Fit new locks", Status.COMPLETED)
    add_measure(p, "Check the locks every month", other)
    response = client.post(
        f"/ledger/problems/{p.id}/owners", data=owners_form(people, status="completed")
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert problem("14").status == Status.COMPLETED


def test_a_self_found_problem_is_held_to_the_same_rule(office, people, client):
    client.post(
        "/ledger/self-found/new",
        data={
            "category": "10",
            "title": "售票窗口监控存在盲区。",
            "notice_text": "",
            "person": "zhao",
            "deadline": "2021-02-28",
            "status": "in_progress",
        },
    )
    found = db.session.scalar(select(Problem).where(Problem.source == Source.SELF))
    add_measure(found, "Add two cameras", Status.NOT_STARTED)
    response = client.post(
        f"/ledger/problems/{found.id}/self-found",
        data={
            "version": str(found.version),
            "category": "10",
            "title": "售票窗口监控存在盲区。",
            "notice_text": "",
            "person": "zhao",
            "deadline": "2021-02-28",
            "status": "completed",
        },
    )
    assert response.status_code == 422
    assert "Add two cameras (Not started)" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Problem, found.id).status == Status.IN_PROGRESS
