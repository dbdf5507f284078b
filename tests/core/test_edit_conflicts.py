"""Two people editing one record (issue 15): the second gets the conflict, what changed and
what they typed; never a silent overwrite, never a 500."""

import re

import pytest
from sqlalchemy import select

from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.rectification.models import Measure, Problem, Status


def page_version(html: str, form_id: str) -> str:
    form = html[html.index(f'id="{form_id}"') :]
    return re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)


@pytest.fixture
def two(ledger, make_user, login, app):
    office = make_user("office1", ["office"], display_name="Office One", all_sites=True)
    boss = make_user("boss", ["admin"], display_name="The Boss", all_sites=True)
    crew = make_user("crew1", ["crew"], display_name="Crew Person")
    clients = {"office": app.test_client(), "admin": app.test_client()}
    login(office, test_client=clients["office"])
    login(boss, test_client=clients["admin"])
    for c in clients.values():
        c.post("/language/en")
    return clients, crew, boss


def owners(version, person="", status="not_started"):
    return {
        "version": version,
        "leader": "",
        "department": "",
        "person": person,
        "deadline": "",
        "status": status,
    }


def test_a_stale_problem_page_gets_the_conflict_not_a_silent_revert(two):
    clients, crew, boss = two
    p20 = db.session.scalar(select(Problem).where(Problem.code == "20"))
    url = f"/ledger/problems/{p20.id}"
    admin_page = clients["admin"].get(url).get_data(as_text=True)  # the older copy
    stale = page_version(admin_page, "owners-form")
    office_page = clients["office"].get(url).get_data(as_text=True)
    saved = clients["office"].post(
        f"{url}/owners", data=owners(page_version(office_page, "owners-form"), crew.username)
    )
    assert saved.status_code == 303

    conflict = clients["admin"].post(f"{url}/owners", data=owners(stale, status="in_progress"))
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    assert "Changed by someone else" in html
    table = html[html.index('id="conflict"') : html.index("</table>")]
    assert "Responsible person" in table and "Crew Person" in table  # what the other saved
    assert "Status" in table and "In progress" in table  # what this person sent, kept
    assert re.search(r'<option selected value="in_progress">', html)  # typed, still in the form
    db.session.expire_all()
    p20 = db.session.get(Problem, p20.id)
    assert p20.person_id == crew.id and p20.status == Status.NOT_STARTED
    by_admin = select(AuditEntry).where(
        AuditEntry.actor_id == boss.id, AuditEntry.action == "ledger.problem_updated"
    )
    assert db.session.scalar(by_admin) is None  # the log shows no "change back"

    # Saving again from the conflict page is a decision: it goes through.
    again = clients["admin"].post(
        f"{url}/owners",
        data=owners(page_version(html, "owners-form"), crew.username, "in_progress"),
    )
    assert again.status_code == 303
    db.session.expire_all()
    assert db.session.get(Problem, p20.id).status == Status.IN_PROGRESS


def test_a_stale_measure_page_gets_the_conflict(two):
    clients, crew, boss = two
    p14 = db.session.scalar(select(Problem).where(Problem.code == "14"))
    measure = Measure(problem_id=p14.id, text="Daily patrol", status=Status.IN_PROGRESS)
    db.session.add(measure)
    db.session.commit()
    url = f"/ledger/measures/{measure.id}"
    stale = page_version(clients["admin"].get(url).get_data(as_text=True), "measure-form")
    fresh = page_version(clients["office"].get(url).get_data(as_text=True), "measure-form")
    data = {"text": "Daily patrol, logged", "owner": "", "deadline": "", "status": "in_progress"}
    assert clients["office"].post(url, data={**data, "version": fresh}).status_code == 303
    mine = {**data, "text": "Weekly patrol", "version": stale}
    conflict = clients["admin"].post(url, data=mine)
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    assert "Daily patrol, logged" in html and "Weekly patrol" in html
    db.session.expire_all()
    assert db.session.get(Measure, measure.id).text == "Daily patrol, logged"
