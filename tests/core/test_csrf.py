"""CSRF: every POST route refuses a request without a valid token, and changes nothing."""

import re

import pytest
from sqlalchemy import select

from parkops.extensions import db
from tests.conftest import PASSWORD
from tests.core.url_walk import every_module, rules, sample_path


def token(response) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text).group(1)


def database_state() -> dict:
    """Every row of every table: nothing may differ after a refused request."""
    db.session.expire_all()
    return {
        table.name: sorted(map(repr, db.session.execute(select(table)).all()))
        for table in db.metadata.sorted_tables
    }


@pytest.fixture
def protected(app, make_app):
    """Pushed on top of ``app``'s context, so the test shares the requests' session."""
    app = make_app(WTF_CSRF_ENABLED=True, MODULES=every_module())
    with app.app_context():
        yield app


@pytest.fixture
def admin_client(protected, make_user, make_site):
    make_site()
    make_user("boss", ["admin"], all_sites=True)
    client = protected.test_client()
    response = client.post(
        "/login",
        data={"username": "boss", "password": PASSWORD, "csrf_token": token(client.get("/login"))},
    )
    assert response.status_code == 303  # a real token works: the walk below can fail
    return client


def test_every_post_route_refuses_a_missing_or_wrong_token(protected, admin_client):
    posts = rules(protected, methods={"POST"})
    assert len(posts) > 10  # the walk really covers the application
    wrong = token(admin_client.get("/"))[:-4] + "AAAA"
    for rule in posts:
        path = sample_path(rule)
        before = database_state()
        for data in ({}, {"csrf_token": wrong}):
            response = admin_client.post(path, data=data)
            assert response.status_code == 400, f"POST {path} without a valid token"
        assert database_state() == before, f"POST {path} changed data without a token"
    assert admin_client.get("/").status_code == 200  # still signed in: refusals sign no one out


def test_the_refusal_is_a_friendly_page(protected, admin_client):
    admin_client.post("/language/en", data={"csrf_token": token(admin_client.get("/"))})
    response = admin_client.post("/logout")
    assert response.status_code == 400
    assert "The form expired" in response.text
    assert admin_client.get("/").status_code == 200  # the logout did not happen


def test_a_token_from_another_session_is_refused(protected, admin_client):
    stranger = protected.test_client()
    foreign = token(stranger.get("/login"))
    assert admin_client.post("/logout", data={"csrf_token": foreign}).status_code == 400


def back_link(response) -> str | None:
    found = re.search(r'id="error-back" href="([^"]+)"', response.text)
    return found.group(1) if found else None


def test_a_visitor_whose_form_expired_is_offered_the_page_it_came_from(protected):
    """Home would send a visitor (not signed in) to the sign-in page: a scan page's
    visitor gets the way back to the label's page instead."""
    visitor = protected.test_client()
    visitor.post("/language/en", data={"csrf_token": token(visitor.get("/login"))})
    scan = "/q/AbCdEf123?from=qr"
    response = visitor.post(
        "/q/AbCdEf123", data={"category": "fence"}, headers={"Referer": f"http://localhost{scan}"}
    )
    assert response.status_code == 400
    assert "The form expired" in response.text
    assert back_link(response) == scan
    assert 'id="error-home"' not in response.text


@pytest.mark.parametrize(
    "referer", [None, "http://evil.example/q/AbCdEf123", "http://localhost//evil.example/x"]
)
def test_the_way_back_never_leads_off_this_host(protected, referer):
    visitor = protected.test_client()
    headers = {"Referer": referer} if referer else {}
    response = visitor.post("/q/AbCdEf123", data={}, headers=headers)
    assert response.status_code == 400
    assert back_link(response) is None
    assert 'id="error-home"' in response.text


def test_a_signed_in_user_keeps_the_home_link(protected, admin_client):
    response = admin_client.post("/logout", headers={"Referer": "http://localhost/ledger/"})
    assert response.status_code == 400
    assert back_link(response) is None
    assert 'id="error-home"' in response.text
