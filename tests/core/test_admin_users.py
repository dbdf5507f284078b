"""Administration of accounts: list, create, edit, deactivate, reset password."""

import re

import pytest
from sqlalchemy import func, select

from parkops.audit import AuditEntry
from parkops.auth.models import Department, LoginFailure, User, user_sites
from parkops.extensions import db
from tests.conftest import PASSWORD


@pytest.fixture
def site(make_site):
    return make_site("PSY", "濮上园")


@pytest.fixture
def boss(client, make_user, login):
    """A signed-in administrator, using the English interface."""
    user = make_user("boss", ["admin"], all_sites=True)
    login(user)
    client.post("/language/en")
    return user


def snapshot():
    """Everything an account change could touch."""
    users = db.session.execute(
        select(
            User.username,
            User.display_name,
            User.email,
            User.active,
            User.all_sites,
            User.department_id,
            User.password_hash,
            User.must_change_password,
        ).order_by(User.username)
    ).all()
    roles = [(u.username, sorted(u.roles)) for u in db.session.scalars(select(User))]
    links = db.session.execute(select(user_sites)).all()
    audits = db.session.scalar(select(func.count()).select_from(AuditEntry))
    db.session.expire_all()
    return users, sorted(roles), sorted(links), audits


def user(username):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def details(action):
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
    ).all()


def field_errors(response, field: str) -> str:
    """The error messages shown beside one form field."""
    page = response.get_data(as_text=True)
    block = next(b for b in page.split('class="field') if f'id="{field}"' in b)
    return " ".join(re.findall(r'<small class="error" role="alert">([^<]*)', block))


def new_user_form(site, **changes):
    form = {
        "username": "Zhang.Wei",
        "display_name": "张伟",
        "email": "zhang@example.com",
        "roles": ["crew"],
        "sites": [str(site.id)],
        "department_id": "",
        "password": "long enough password",
    }
    form.update(changes)
    return form


def test_create_user_then_they_must_choose_their_own_password(client, boss, site, login):
    response = client.post("/admin/users/new", data=new_user_form(site))
    assert response.status_code == 303
    created = user("zhang.wei")  # usernames are lowercase
    assert created.display_name == "张伟"
    assert created.roles == {"crew"}
    assert [s.code for s in created.sites] == ["PSY"]
    assert created.must_change_password
    entry = details("admin.user_created")[0]
    assert entry.actor_id == boss.id
    assert entry.details["roles"] == ["crew"] and entry.details["sites"] == ["PSY"]
    assert "long enough password" not in str(entry.details)
    assert "password" not in entry.details

    client.post("/logout")
    login("zhang.wei", "long enough password")
    response = client.get("/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/password"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "boss"}, "username", "is taken"),
        ({"username": "BOSS"}, "username", "is taken"),
        ({"username": "zhang wei"}, "username", "Use letters, digits"),
        ({"username": ""}, "username", "Choose a username"),
        ({"email": "not-an-address"}, "email", "Enter an e-mail address"),
        ({"email": "a@b"}, "email", "Enter an e-mail address"),
        ({"password": "short"}, "password", "A password needs 10 to 200 characters"),
        ({"password": ""}, "password", "Choose an initial password"),
        ({"roles": ["crew", "wizard"]}, "roles", "Unknown role: wizard"),
        ({"roles": []}, "roles", "Choose at least one role"),
        ({"sites": ["99999"]}, "sites", "Unknown site: 99999"),
        ({"sites": ["abc"]}, "sites", "Unknown site."),
        ({"sites": []}, "sites", "Choose the sites this user works at, or all sites"),
        ({"department_id": "99999"}, "department_id", "Unknown department"),
        ({"display_name": "   "}, "display_name", "Enter the name people know this user by"),
        ({"display_name": "x" * 101}, "display_name", "longer than 100"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(client, boss, site, changes, field, message):
    before = snapshot()
    response = client.post("/admin/users/new", data=new_user_form(site, **changes))
    assert response.status_code == 422
    assert message in field_errors(response, field)
    assert snapshot() == before


def test_inactive_site_or_department_is_not_offered(client, boss, make_site):
    closed = make_site("OLD", "旧园区")
    closed.active = False
    db.session.add(Department(name="撤销科", active=False))
    db.session.commit()
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert "旧园区" not in page and "撤销科" not in page
    before = snapshot()
    form = new_user_form(closed, sites=[str(closed.id)])
    assert client.post("/admin/users/new", data=form).status_code == 422
    assert snapshot() == before


def test_all_sites_user_needs_no_site(client, boss, site):
    form = new_user_form(site, roles=["leader"], sites=[], all_sites="y")
    assert client.post("/admin/users/new", data=form).status_code == 303
    leader = user("zhang.wei")
    assert leader.all_sites and leader.sites == [] and leader.site_ids is None


def test_edit_records_old_and_new_values(client, boss, site, make_user, make_site):
    zoo = make_site("ZYLZ", "中原绿色庄园")
    office = Department(name="办公室")
    db.session.add(office)
    db.session.commit()
    crew = make_user("crew1", ["crew"], sites=[site], display_name="赵强")
    response = client.post(
        f"/admin/users/{crew.id}",
        data={
            "version": "1",
            "display_name": "赵强强",
            "email": "",
            "roles": ["crew", "gardener"],
            "sites": [str(zoo.id)],
            "department_id": str(office.id),
        },
    )
    assert response.status_code == 303
    changed = user("crew1")
    assert changed.display_name == "赵强强"
    assert changed.roles == {"crew", "gardener"}
    assert [s.code for s in changed.sites] == ["ZYLZ"]
    assert changed.department.name == "办公室"
    changes = details("admin.user_updated")[0].details["changes"]
    assert changes == {
        "display_name": ["赵强", "赵强强"],
        "roles": [["crew"], ["crew", "gardener"]],
        "sites": [["PSY"], ["ZYLZ"]],
        "department": [None, "办公室"],
    }


def test_edit_form_shows_current_values(client, boss, site, make_user):
    crew = make_user("crew1", ["crew"], sites=[site], email="z@example.com")
    page = client.get(f"/admin/users/{crew.id}").get_data(as_text=True)
    assert 'value="z@example.com"' in page
    assert re.search(r'<input checked[^>]*value="crew"', page)
    assert re.search(rf'<input checked[^>]*value="{site.id}"', page)
    assert "crew1" in page


def test_saving_without_changes_writes_no_audit_entry(client, boss, site, make_user):
    crew = make_user("crew1", ["crew"], sites=[site], display_name="赵强")
    form = {"display_name": "赵强", "roles": ["crew"], "sites": [str(site.id)], "version": "1"}
    assert client.post(f"/admin/users/{crew.id}", data=form).status_code == 303
    assert details("admin.user_updated") == []


def test_bad_edit_changes_nothing(client, boss, site, make_user):
    crew = make_user("crew1", ["crew"], sites=[site])
    before = snapshot()
    form = {"display_name": "New", "email": "bad", "roles": ["crew"], "sites": [str(site.id)]}
    form["version"] = "1"
    assert client.post(f"/admin/users/{crew.id}", data=form).status_code == 422
    assert snapshot() == before


def test_admin_cannot_remove_their_own_admin_role(client, boss, make_user):
    make_user("other_admin", ["admin"], all_sites=True)
    before = snapshot()
    form = {"display_name": "Boss", "roles": ["leader"], "all_sites": "y", "version": "1"}
    response = client.post(f"/admin/users/{boss.id}", data=form)
    assert response.status_code == 422
    assert "cannot remove your own administrator role" in response.get_data(as_text=True)
    assert snapshot() == before


def test_an_admin_may_demote_another_admin(client, boss, make_user):
    second = make_user("second", ["admin"], all_sites=True)
    form = {"display_name": "Second", "roles": ["leader"], "all_sites": "y", "version": "1"}
    assert client.post(f"/admin/users/{second.id}", data=form).status_code == 303
    assert user("second").roles == {"leader"}
    changes = details("admin.user_updated")[0].details["changes"]
    assert changes["roles"] == [["admin"], ["leader"]]


def test_deactivate_signs_the_user_out_and_reactivate_lets_them_back(
    client, boss, site, make_user, make_app, login
):
    crew = make_user("crew1", ["crew"], sites=[site])
    phone = client.application.test_client()
    login(crew, test_client=phone)
    assert phone.get("/").status_code == 200

    assert client.post(f"/admin/users/{crew.id}/deactivate").status_code == 303
    assert not user("crew1").active
    assert phone.get("/").status_code == 302  # their open session ends
    assert phone.post("/login", data={"username": "crew1", "password": PASSWORD}).status_code == 401
    assert details("admin.user_deactivated")[0].details == {"changes": {"active": [True, False]}}

    assert client.post(f"/admin/users/{crew.id}/reactivate").status_code == 303
    assert user("crew1").active
    login(crew, test_client=phone)


def test_admin_cannot_deactivate_themself(client, boss, make_user):
    make_user("other_admin", ["admin"], all_sites=True)
    before = snapshot()
    response = client.post(f"/admin/users/{boss.id}/deactivate", follow_redirects=True)
    assert "cannot deactivate your own account" in response.get_data(as_text=True)
    assert snapshot() == before


def test_another_admin_may_be_deactivated(client, boss, make_user):
    second = make_user("second", ["admin"], all_sites=True)
    assert client.post(f"/admin/users/{second.id}/deactivate").status_code == 303
    assert not user("second").active


def test_reset_password_shows_a_one_time_password_once(client, boss, site, make_user, login):
    crew = make_user("crew1", ["crew"], sites=[site])
    phone = client.application.test_client()
    login(crew, test_client=phone)
    for _ in range(3):
        phone.post("/login", data={"username": "crew1", "password": "wrong"})

    response = client.post(f"/admin/users/{crew.id}/reset-password")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    password = re.search(r'<p class="secret"><code>([^<]+)</code>', page).group(1)
    assert len(password.replace("-", "")) == 12
    assert password not in client.get(f"/admin/users/{crew.id}").get_data(as_text=True)

    changed = user("crew1")
    assert changed.must_change_password and changed.check_password(password)
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0
    entry = details("admin.user_password_reset")[0]
    assert password not in str(entry.details)
    assert phone.get("/").status_code == 302  # the old session ended with the old password

    login("crew1", password, test_client=phone)
    assert phone.get("/").headers["Location"] == "/account/password"


def test_list_filters_by_role_site_and_status(client, boss, make_user, make_site):
    psy, zoo = make_site("PSY", "濮上园"), make_site("ZYLZ", "中原绿色庄园")
    make_user("crew_psy", ["crew"], sites=[psy])
    make_user("cashier_zoo", ["cashier"], sites=[zoo])
    make_user("gone", ["crew"], sites=[psy], active=False)
    make_user("leader1", ["leader"], all_sites=True)

    def listed(**args):
        page = client.get("/admin/users", query_string=args).get_data(as_text=True)
        return set(re.findall(r'href="/admin/users/\d+">([^<]+)</a>', page))

    assert listed() == {"boss", "crew_psy", "cashier_zoo", "gone", "leader1"}
    assert listed(role="crew") == {"crew_psy", "gone"}
    assert listed(site=zoo.id) == {"cashier_zoo", "boss", "leader1"}  # all-sites users work there
    assert listed(state="inactive") == {"gone"}
    assert listed(role="crew", state="active") == {"crew_psy"}
    assert listed(q="CASH") == {"cashier_zoo"}
    assert listed(q="%") == set()  # a wildcard is searched for literally


def test_list_is_paginated(client, boss, make_user, make_site, count_queries):
    psy = make_site()
    for n in range(30):
        make_user(f"user{n:02d}", ["crew"], sites=[psy])
    first = client.get("/admin/users").get_data(as_text=True)
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    names = re.compile(r'href="/admin/users/\d+">([^<]+)</a>')
    assert len(names.findall(first)) == 25
    assert len(names.findall(second)) == 6
    assert "Page 1 of 2" in first
    for past in ("9", "99999999999999999999"):  # the last page, not a 404 or a server error
        shown = client.get(f"/admin/users?page={past}")
        assert shown.status_code == 200 and names.findall(shown.text) == names.findall(second)
    db.session.expire_all()
    with count_queries() as few:
        client.get("/admin/users?page=2")
    for n in range(30, 60):
        make_user(f"user{n:02d}", ["crew"], sites=[psy])
    db.session.expire_all()
    with count_queries() as many:
        client.get("/admin/users?page=2")
    assert many.count == few.count  # no query per listed user


def test_role_labels_are_translated(make_app, make_user, login):
    app = make_app()
    with app.app_context():
        client = app.test_client()
        login(make_user("boss", ["admin"], all_sites=True), test_client=client)
        client.post("/language/en")
        assert "Repair squad" in client.get("/admin/users/new").get_data(as_text=True)
