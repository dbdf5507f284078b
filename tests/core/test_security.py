"""Security and reliability across the whole application: headers, cookies, error pages."""

import logging

import pytest
from flask import abort
from sqlalchemy import event

from parkops.auth.access import signed_in
from parkops.auth.models import User
from parkops.extensions import db
from tests.conftest import PASSWORD
from tests.core.url_walk import every_module, rules, sample_path

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def assert_secure_headers(response, where):
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, f"{name} missing on {where}"
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"):
        assert directive in csp, f"CSP lacks {directive} on {where}"
    assert "unsafe-inline" not in csp
    if response.mimetype == "text/html":
        assert response.headers.get("Cache-Control") == "no-store", where


# These fixtures depend on ``app`` so that its context is pushed first and theirs on
# top: the test then works on the same app (and database session) as its requests.
@pytest.fixture
def full_app(app, make_app):
    app = make_app(MODULES=every_module())
    with app.app_context():
        yield app


def test_every_page_carries_the_security_headers(full_app, make_user, make_site, login):
    make_site()
    client = full_app.test_client()
    # Signed out: the login page, redirects, 404s.
    for path in ("/login", "/", "/no-such-page", "/static/css/parkops.css"):
        assert_secure_headers(client.get(path), path)
    login(make_user("boss", ["admin"], all_sites=True), test_client=client)
    gets = rules(full_app, methods={"GET"})
    assert len(gets) > 10
    for rule in gets:
        path = sample_path(rule)
        response = client.get(path)
        assert response.status_code < 500, f"GET {path} failed"
        assert_secure_headers(response, path)


@pytest.mark.parametrize(
    ("base_url", "secure"), [("http://10.0.0.5:5000", False), ("https://parkops.example.org", True)]
)
def test_session_cookie_is_secure_only_over_https(make_app, make_user, base_url, secure):
    app = make_app(BASE_URL=base_url)
    with app.app_context():
        make_user("office1", ["office"])
        response = app.test_client().post(
            "/login", data={"username": "office1", "password": PASSWORD}
        )
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert ("; Secure" in cookie) is secure
        hsts = response.headers.get("Strict-Transport-Security")
        assert (hsts == "max-age=31536000") if secure else hsts is None


def test_forbidden_and_not_found_pages_are_friendly_and_translated(client, make_user, login):
    login(make_user("crew1", ["crew"]))
    forbidden = client.get("/admin/users")
    assert forbidden.status_code == 403
    assert '<html lang="zh-CN">' in forbidden.text
    client.post("/language/en")
    forbidden = client.get("/admin/users")
    assert '<html lang="en">' in forbidden.text
    assert "Your account may not open this page" in forbidden.text
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert "This page does not exist" in missing.text
    assert 'class="mainnav"' in missing.text  # the normal layout: the way back is there
    assert client.put("/login").status_code == 405


@pytest.fixture
def failing_app(app, make_app):
    """An app with a route that breaks its database transaction, then fails."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/test-failure")
    @signed_in
    def failure():
        db.session.add(User(username="boss", display_name="duplicate", password_hash="x"))
        db.session.flush()  # IntegrityError: the transaction is now unusable
        return "not reached"

    @app.route("/test-abort")
    @signed_in
    def explicit():
        abort(500)

    with app.app_context():
        yield app


def test_a_server_error_is_logged_and_friendly_without_touching_the_broken_session(
    failing_app, make_user, login, caplog
):
    client = failing_app.test_client()
    login(make_user("boss", ["admin"], all_sites=True), test_client=client)
    client.post("/language/en")
    statements = []
    listener = lambda conn, cursor, statement, *a: statements.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with caplog.at_level(logging.ERROR):
            response = client.get("/test-failure")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "The error has been logged" in response.text
    assert '<html lang="en">' in response.text  # the user's language, from memory
    failing = next(i for i, s in enumerate(statements) if s.lstrip().upper().startswith("INSERT"))
    assert statements[failing + 1 :] == []  # nothing ran on the broken session afterwards
    assert any(r.exc_info and "IntegrityError" in repr(r.exc_info[1]) for r in caplog.records), (
        "the exception and its traceback are logged"
    )
    # The next request finds a working session.
    assert client.get("/").status_code == 200


def test_an_explicit_500_also_gets_the_friendly_page(failing_app, make_user, login):
    client = failing_app.test_client()
    login(make_user("boss", ["admin"], all_sites=True), test_client=client)
    response = client.get("/test-abort")
    assert response.status_code == 500
    assert '<html lang="zh-CN">' in response.text
    assert_secure_headers(response, "/test-abort")


def test_a_too_large_request_gets_a_friendly_413(make_app, make_user, login):
    app = make_app(UPLOAD_MAX_BYTES=1024, PHOTO_MAX_BYTES=1024)
    with app.app_context():
        client = app.test_client()
        login(make_user("boss", ["admin"], all_sites=True), test_client=client)
        client.post("/language/en")
        response = client.post("/admin/departments/new", data={"name": "x" * 10_000})
        assert response.status_code == 413
        assert "larger than allowed" in response.text
