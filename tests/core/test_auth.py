"""Signing in and out, throttling, language choice, audit of logins."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from parkops.audit import AuditEntry
from parkops.auth.models import LoginFailure
from parkops.auth.services import IP_FACTOR
from parkops.extensions import db
from parkops.timeutil import utcnow
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


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "https://evil.example/x", "/\\evil.example/x", "/\t/evil.example"],
)
def test_open_redirect_after_login_is_ignored(client, make_user, target):
    make_user("office1", ["office"])
    response = client.post(
        "/login", query_string={"next": target}, data={"username": "office1", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_after_login_a_path_of_this_site_is_followed(client, make_user):
    make_user("office1", ["office"])
    response = client.post(
        "/login?next=/ledger/%3Fstatus%3Dopen", data={"username": "office1", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/ledger/?status=open"


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


def audit_actions():
    return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()


def test_sign_in_and_out_are_audited_with_the_actor(client, make_user, login):
    user = make_user("office1", ["office"])
    login(user)
    client.post("/logout")
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [(e.action, e.actor_id) for e in entries] == [
        ("auth.login", user.id),
        ("auth.logout", user.id),
    ]


def test_unknown_account_failures_are_counted_too(app, client):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"username": "nobody", "password": "x"})
    client.post("/login", data={"username": "nobody", "password": "x"})
    assert audit_actions()[-1] == "auth.login_locked"


def test_the_lock_lifts_after_the_window(app, client, make_user):
    make_user("office1", ["office"])
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"username": "office1", "password": "wrong"})
    earlier = utcnow() - timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)
    db.session.execute(update(LoginFailure).values(at=earlier))
    db.session.commit()
    response = client.post("/login", data={"username": "office1", "password": PASSWORD})
    assert response.status_code == 303
    # the stale failures were dropped as the later ones came; success clears the account's
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_one_address_is_throttled_across_accounts(app, client, make_user):
    make_user("office1", ["office"])
    limit = app.config["LOGIN_MAX_FAILURES"] * IP_FACTOR
    for n in range(limit):
        client.post("/login", data={"username": f"guess{n}", "password": "x"})
    response = client.post("/login", data={"username": "office1", "password": PASSWORD})
    assert response.status_code == 401
    assert audit_actions()[-1] == "auth.login_locked"


def change(client, current, new, confirm=None):
    return client.post(
        "/account/password",
        data={"current_password": current, "new_password": new, "confirm": confirm or new},
    )


def test_change_own_password(client, make_user, login):
    user = make_user("office1", ["office"])
    login(user)
    response = change(client, PASSWORD, "a brand new password")
    assert response.status_code == 303
    assert client.get("/").status_code == 200  # this session goes on
    db.session.expire_all()
    assert user.check_password("a brand new password")
    assert audit_actions()[-1] == "auth.password_changed"
    client.post("/logout")
    login(user, "a brand new password")


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong", "a brand new password", None, "The current password is wrong"),
        (PASSWORD, "short", None, "A password needs 10 to 200 characters"),
        (PASSWORD, "a brand new password", "something else", "The two new passwords differ"),
        (PASSWORD, PASSWORD, None, "different from the current one"),
        ("", "a brand new password", None, "This field is required"),
    ],
)
def test_bad_password_change_is_explained_and_changes_nothing(
    client, make_user, login, current, new, confirm, message
):
    user = make_user("office1", ["office"])
    login(user)
    client.post("/language/en")
    before = user.password_hash
    response = change(client, current, new, confirm)
    assert response.status_code == 422
    assert message in response.text
    db.session.expire_all()
    assert user.password_hash == before
    assert "auth.password_changed" not in audit_actions()


def test_a_password_change_ends_the_other_sessions(app, client, make_user, login):
    user = make_user("office1", ["office"])
    phone = app.test_client()
    login(user)
    login(user, test_client=phone)
    change(client, PASSWORD, "a brand new password")
    assert client.get("/").status_code == 200
    assert phone.get("/").status_code == 302


def test_must_change_password_blocks_everything_else(client, make_user, login):
    user = make_user("office1", ["office"], must_change_password=True)
    login(user)
    for path in ("/", "/ledger/"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["Location"] == "/account/password"
    assert client.post("/language/en").status_code == 303  # still allowed
    page = client.get("/account/password")
    assert page.status_code == 200 and "set by an administrator" in page.text

    change(client, PASSWORD, "my own password now")
    db.session.expire_all()
    assert not user.must_change_password
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 303


def test_password_page_needs_sign_in(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
