"""Versions on every shared edit form (issue 15): accounts, sites, departments, self-found
problems; and the race where the version check passes and another save lands before the
commit. The second writer gets the conflict page, keeps what they typed, never a 500."""

import re
import threading

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from parkops.auth.models import Department, Site, User
from parkops.extensions import db
from parkops.rectification.models import Problem
from tests.core.test_edit_conflicts import owners, page_version
from tests.core.test_limits import run_at_once


@pytest.fixture
def admins(app, make_user, login):
    """Two administrators, each signed in on their own browser, in English."""
    clients = []
    for name in ("admin1", "admin2"):
        login(make_user(name, ["admin"], all_sites=True), test_client=(c := app.test_client()))
        c.post("/language/en")
        clients.append(c)
    return clients


def account(version, display_name, roles=("crew",), sites=()):
    return {
        "version": version,
        "display_name": display_name,
        "roles": list(roles),
        "sites": [str(s) for s in sites],
    }


def conflict_table(html: str) -> str:
    return html[html.index('id="conflict"') : html.index("</table>")]


def test_a_stale_account_form_gets_the_conflict_with_what_changed(
    app, admins, make_user, make_site, login
):
    first, second = admins
    site = make_site("PSY", "濮上园")
    crew = make_user("crew1", ["crew"], sites=[site], display_name="赵强")
    url = f"/admin/users/{crew.id}"
    stale = page_version(first.get(url).get_data(as_text=True), "user-form")
    # The person signs in, changes language and signs out: none of it is an edit.
    own = app.test_client()
    login(crew, test_client=own)
    own.post("/language/zh")
    own.post("/logout")
    fresh = page_version(second.get(url).get_data(as_text=True), "user-form")
    assert fresh == stale
    assert (
        second.post(url, data=account(fresh, "赵强", ["crew", "gardener"], [site.id])).status_code
        == 303
    )

    response = first.post(url, data=account(stale, "赵小强", ["crew"], [site.id]))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    table = conflict_table(html)
    assert "Roles" in table and "Repair squad, Gardener" in table  # what the other saved
    assert 'value="赵小强"' in html  # what this one typed is kept
    db.session.expire_all()
    saved = db.session.get(User, crew.id)
    assert (saved.display_name, saved.roles) == ("赵强", {"crew", "gardener"})
    # Saving again from the conflict page is a decision: it applies.
    again = page_version(html, "user-form")
    assert first.post(url, data=account(again, "赵小强", ["crew"], [site.id])).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, crew.id).display_name == "赵小强"


def test_stale_site_and_department_forms_get_the_conflict(admins, make_site):
    first, second = admins
    site = make_site("PSY", "濮上园")
    department = Department(name="办公室")
    db.session.add(department)
    db.session.commit()
    for url, form_for in (
        (f"/admin/sites/{site.id}", lambda v, n: {"version": v, "code": "PSY", "name": n}),
        (f"/admin/departments/{department.id}", lambda v, n: {"version": v, "name": n}),
    ):
        stale = page_version(first.get(url).get_data(as_text=True), "edit-form")
        assert second.post(url, data=form_for(stale, "Saved first")).status_code == 303
        response = first.post(url, data=form_for(stale, "Typed second"))
        assert response.status_code == 409, url
        html = response.get_data(as_text=True)
        assert "Saved first" in conflict_table(html) and 'value="Typed second"' in html
    db.session.expire_all()
    assert db.session.get(Site, site.id).name == "Saved first"
    assert db.session.get(Department, department.id).name == "Saved first"


def test_two_saves_of_one_account_page_at_once_one_conflict(admins, make_user):
    crew = make_user("crew1", ["crew"], all_sites=False, sites=[], display_name="赵强")
    crew.all_sites = True
    db.session.commit()
    url = f"/admin/users/{crew.id}"
    forms = [dict(account("1", f"Name {n}"), all_sites="y") for n in range(2)]
    codes = run_at_once(2, lambda n: admins[n].post(url, data=forms[n]).status_code)
    assert sorted(codes) == [303, 409]


def test_self_found_problem_form_carries_its_version(app, ledger, make_user, login):
    office = make_user("office1", ["office"], all_sites=True)
    clients = [app.test_client(), app.test_client()]
    for c in clients:
        login(office, test_client=c)
        c.post("/language/en")
    data = {"category": "10", "title": "监控盲区。", "notice_text": "", "status": "in_progress"}
    data |= {"leader": "", "department": "", "person": "", "deadline": ""}
    assert clients[0].post("/ledger/self-found/new", data=data).status_code == 303
    problem = db.session.scalar(select(Problem).where(Problem.code == "S1"))
    url = f"/ledger/problems/{problem.id}/self-found"
    stale = page_version(clients[0].get(url).get_data(as_text=True), "self-found-form")
    assert clients[1].post(url, data=data | {"version": stale, "title": "A"}).status_code == 303
    response = clients[0].post(url, data=data | {"version": stale, "title": "B"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "<td>Problem</td><td>A</td><td>B</td>" in conflict_table(html)
    assert re.search(r"<textarea[^>]*>\s*B</textarea>", html)  # what was typed, kept
    db.session.expire_all()
    assert db.session.get(Problem, problem.id).title == "A"


def test_the_version_check_passes_and_another_save_lands_before_the_commit(
    app, ledger, make_user, login
):
    """Both requests pass the form's version check, then meet before writing: the one
    that writes second hits SQLAlchemy's StaleDataError at flush, which is the conflict
    page, not a 500."""
    office = make_user("office1", ["office"], all_sites=True)
    crew = make_user("crew1", ["crew"], display_name="Crew Person")
    clients = [app.test_client(), app.test_client()]
    for c in clients:
        login(office, test_client=c)
    p20 = db.session.scalar(select(Problem).where(Problem.code == "20"))
    url = f"/ledger/problems/{p20.id}/owners"
    version = str(p20.version)
    db.session.commit()
    checked = threading.Barrier(2)
    racing = set()

    def both_checked(session, flush_context, instances):
        # The first flush of each racing request comes after its version check.
        me = threading.current_thread()
        if me in racing and any(isinstance(o, Problem) for o in session.dirty):
            racing.discard(me)
            checked.wait(timeout=60)  # a request that never flushes breaks the test

    forms = [owners(version, crew.username), owners(version, status="in_progress")]

    def send(n: int) -> int:
        racing.add(threading.current_thread())
        return clients[n].post(url, data=forms[n]).status_code

    event.listen(Session, "before_flush", both_checked)
    try:
        codes = run_at_once(2, send)
    finally:
        event.remove(Session, "before_flush", both_checked)
    assert sorted(codes) == [303, 409]
    db.session.expire_all()
    saved = db.session.get(Problem, p20.id)
    assert saved.version == int(version) + 1
