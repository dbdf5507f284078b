"""Only administrators reach administration; admins and leaders the audit log."""

import pytest
from sqlalchemy import func, select

from parkops.audit import AuditEntry
from parkops.auth.models import ROLES, User
from parkops.extensions import db
from tests.core.url_walk import rules, sample_path


@pytest.fixture
def target(make_user, make_site):
    """Something for the numeric URLs to point at, so a 403 is not a disguised 404."""
    site = make_site()
    user = make_user("target", ["crew"], sites=[site])
    return user.id


def admin_routes(app):
    return rules(app, methods={"GET", "POST"}, prefixes=("admin",))


def test_the_walk_covers_every_admin_page(app):
    endpoints = {r.endpoint for r in admin_routes(app)}
    assert {"admin.users", "admin.new_user", "admin.edit_user", "admin.reset_password"} <= endpoints
    assert {"admin.sites", "admin.set_site_active", "admin.departments"} <= endpoints
    assert len(endpoints) == 11


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_non_admins_get_403_on_every_admin_route(app, make_user, login, target, role):
    client = app.test_client()
    login(make_user(f"a_{role}", [role], all_sites=True), test_client=client)
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    hashes = db.session.scalars(select(User.password_hash).order_by(User.id)).all()
    for rule in admin_routes(app):
        path = sample_path(rule, target)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(path, method=method, data={"display_name": "x"})
            assert response.status_code == 403, f"{role} {method} {path}"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == entries
    assert db.session.scalars(select(User.password_hash).order_by(User.id)).all() == hashes


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("admin", "leader")])
def test_only_admins_and_leaders_get_the_audit_log(app, make_user, login, role):
    client = app.test_client()
    login(make_user(f"a_{role}", [role], all_sites=True), test_client=client)
    for rule in rules(app, methods={"GET"}, prefixes=("audit",)):
        assert client.get(sample_path(rule)).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(app, client, target):
    for rule in rules(app, methods={"GET", "POST"}, prefixes=("admin", "audit")):
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(sample_path(rule, target), method=method)
            assert response.status_code == 302, rule.rule
            assert "/login" in response.headers["Location"]


def test_admin_and_leader_see_their_nav_entries(app, make_user, login):
    admin_client, leader_client, crew_client = (app.test_client() for _ in range(3))
    login(make_user("boss", ["admin"], all_sites=True), test_client=admin_client)
    login(make_user("leader1", ["leader"], all_sites=True), test_client=leader_client)
    login(make_user("crew1", ["crew"], all_sites=True), test_client=crew_client)
    assert 'href="/admin/users"' in admin_client.get("/").text
    assert 'href="/audit/"' in admin_client.get("/").text
    assert 'href="/admin/users"' not in leader_client.get("/").text
    assert 'href="/audit/"' in leader_client.get("/").text
    assert 'href="/audit/"' not in crew_client.get("/").text
