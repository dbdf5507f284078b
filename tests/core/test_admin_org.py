"""Sites and departments: created, renamed, deactivated (never deleted), all audited."""

import re

import pytest
from sqlalchemy import func, select

from parkops.audit import AuditEntry
from parkops.auth.models import Department, Site
from parkops.extensions import db


@pytest.fixture
def boss(client, make_user, login):
    user = make_user("boss", ["admin"], all_sites=True)
    login(user)
    client.post("/language/en")
    return user


def rows(model):
    db.session.expire_all()
    columns = [c for c in model.__table__.columns]
    return db.session.execute(select(*columns).order_by(model.id)).all()


def audit_count():
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def audited(action):
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
    ).all()


def errors(response) -> str:
    return " ".join(re.findall(r'<small class="error" role="alert">([^<]*)', response.text))


def test_create_rename_deactivate_and_reactivate_a_site(client, boss):
    response = client.post("/admin/sites/new", data={"code": "psy", "name": "濮上园"})
    assert response.status_code == 303
    site = db.session.scalar(select(Site))
    assert (site.code, site.name, site.active) == ("PSY", "濮上园", True)
    assert audited("admin.site_created")[0].details == {"code": "PSY", "name": "濮上园"}

    client.post(
        f"/admin/sites/{site.id}", data={"code": "PSY", "name": "濮上园景区", "version": "1"}
    )
    assert audited("admin.site_updated")[0].details == {
        "changes": {"name": ["濮上园", "濮上园景区"]}
    }

    assert client.post(f"/admin/sites/{site.id}/deactivate").status_code == 303
    db.session.expire_all()
    assert not site.active
    assert "濮上园景区" in client.get("/admin/sites").text  # listed, marked deactivated
    client.post(f"/admin/sites/{site.id}/reactivate")
    db.session.expire_all()
    assert site.active
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
    assert actions[-2:] == ["admin.site_deactivated", "admin.site_reactivated"]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"code": "PSY", "name": "另一个"}, "used by another site"),
        ({"code": "psy", "name": "另一个"}, "used by another site"),
        ({"code": "", "name": "新园区"}, "Enter a short code"),
        ({"code": "P S", "name": "新园区"}, "Use letters, digits"),
        ({"code": "X" * 21, "name": "新园区"}, "longer than 20"),
        ({"code": "NEW", "name": " "}, "Enter the site's name"),
    ],
)
def test_bad_site_input_is_explained_and_changes_nothing(client, boss, make_site, form, message):
    make_site("PSY", "濮上园")
    before, entries = rows(Site), audit_count()
    response = client.post("/admin/sites/new", data=form)
    assert response.status_code == 422
    assert message in errors(response)
    assert rows(Site) == before and audit_count() == entries


def test_renaming_a_site_to_another_sites_code_is_refused(client, boss, make_site):
    make_site("PSY", "濮上园")
    zoo = make_site("ZYLZ", "中原绿色庄园")
    before = rows(Site)
    response = client.post(
        f"/admin/sites/{zoo.id}", data={"code": "PSY", "name": "中原", "version": "1"}
    )
    assert "used by another site" in errors(response)
    assert rows(Site) == before


def test_departments(client, boss):
    assert client.post("/admin/departments/new", data={"name": " 财审科 "}).status_code == 303
    department = db.session.scalar(select(Department))
    assert department.name == "财审科"
    client.post(f"/admin/departments/{department.id}", data={"name": "财务审计科", "version": "1"})
    assert audited("admin.department_updated")[0].details == {
        "changes": {"name": ["财审科", "财务审计科"]}
    }
    client.post(f"/admin/departments/{department.id}/deactivate")
    db.session.expire_all()
    assert not department.active
    assert audited("admin.department_deactivated")


@pytest.mark.parametrize(
    ("name", "message"),
    [("办公室", "exists already"), ("", "Enter the department's name"), ("x" * 101, "longer")],
)
def test_bad_department_input_changes_nothing(client, boss, name, message):
    db.session.add(Department(name="办公室"))
    db.session.commit()
    before, entries = rows(Department), audit_count()
    response = client.post("/admin/departments/new", data={"name": name})
    assert response.status_code == 422
    assert message in errors(response)
    assert rows(Department) == before and audit_count() == entries


def test_a_deactivated_site_keeps_its_users(client, boss, make_site, make_user):
    site = make_site("PSY", "濮上园")
    crew = make_user("crew1", ["crew"], sites=[site])
    client.post(f"/admin/sites/{site.id}/deactivate")
    db.session.expire_all()
    assert [s.code for s in crew.sites] == ["PSY"]
    # still shown (marked) on the user's own form so that saving does not drop it
    page = client.get(f"/admin/users/{crew.id}").text
    assert re.search(rf'<input checked[^>]*value="{site.id}"', page)
    assert "(inactive)" in page


def test_unknown_site_or_department_is_404(client, boss):
    assert client.get("/admin/sites/4242").status_code == 404
    assert client.post("/admin/departments/4242/deactivate").status_code == 404
    assert client.get("/admin/users/4242").status_code == 404
