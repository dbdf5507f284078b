"""Signing in and out, throttling, language choice, audit of logins."""

from sqlalchemy import select

from parkops.audit import AuditEntry
from parkops.extensions import db
from tests.conftest import PASSWORD


def test_sign_in_and_out(client, make_user):
    make_user("office1", ["office"])
    response = client.post("/login", data={"username": "office1", "password": PASSWORD})
    assert response.status_code == 303
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 303
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_and_audited(client, make_user):
    make_user("office1", ["office"])
    response = client.post("/login", data={"username": "office1", "password": "wrong"})
    assert response.status_code == 401
    assert "用户名或密码错误".encode() in response.data or b"Wrong username" in response.data
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions == ["auth.login_failed"]


def test_deactivated_account_cannot_sign_in(client, make_user):
    make_user("gone", ["crew"], active=False)
    assert client.post("/login", data={"username": "gone", "password": PASSWORD}).status_code == 401


def test_repeated_failures_lock_the_account_even_with_the_right_password(app, client, make_user):
    make_user("office1", ["office"])
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"username": "office1", "password": "wrong"})
    response = client.post("/login", data={"username": "office1", "password": PASSWORD})
    assert response.status_code == 401
    assert client.get("/").status_code == 302


def test_throttle_is_shared_between_worker_processes(make_app, make_user):
    # Two app objects stand for two workers: they share nothing but the database.
    first, second = make_app(), make_app()
    with first.app_context():
        make_user("office1", ["office"])
        for _ in range(first.config["LOGIN_MAX_FAILURES"]):
            first.test_client().post("/login", data={"username": "office1", "password": "x"})
    with second.app_context():
        response = second.test_client().post(
            "/login", data={"username": "office1", "password": PASSWORD}
        )
        assert response.status_code == 401


def test_open_redirect_after_login_is_ignored(client, make_user):
    make_user("office1", ["office"])
    response = client.post(
        "/login?next=//evil.example/x", data={"username": "office1", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_chinese_by_default_english_on_request_and_remembered(client, make_user, login):
    user = make_user("office1", ["office"])
    assert "登录".encode() in client.get("/login").data
    login(user)
    client.post("/language/en", data={"next": "/"})
    assert b"Sign out" in client.get("/").data
    client.post("/logout")
    login(user)  # a new session: the account remembers the choice
    assert b"Sign out" in client.get("/").data


def test_session_cookie_flags(client, make_user):
    make_user("office1", ["office"])
    response = client.post("/login", data={"username": "office1", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain-http intranet install must still work


def test_security_headers(client):
    headers = client.get("/login").headers
    assert headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
