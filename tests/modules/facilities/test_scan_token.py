"""A visitor's scan page needs no session: each serve of the kept page stamps the
visitor's own form token (the HMAC of a nonce in a small cookie) and idempotency key,
and a post is taken only with the token of the cookie it carries (parkops.visitor_forms)."""

import re

import pytest
from sqlalchemy import func, select

from modules.facilities.models import VisitorReport
from parkops.extensions import db
from parkops.idempotency import IdempotencyKey
from parkops.visitor_forms import COOKIE
from tests.modules.facilities.conftest import photo

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


@pytest.fixture
def kept(make_app, make_facility):
    """An app with CSRF and the page cache on, and a label's scan page kept in it."""
    facility = make_facility()
    app = make_app(WTF_CSRF_ENABLED=True, PAGE_CACHE=True)
    url = f"/q/{facility.token}"
    app.test_client().get(url)
    return app, url


def reports() -> int:
    return db.session.scalar(select(func.count()).select_from(VisitorReport))


def stored_keys() -> int:
    return db.session.scalar(select(func.count()).select_from(IdempotencyKey))


def form(page: str, **fields) -> dict:
    return {
        "category": "fence",
        "csrf_token": TOKEN.search(page).group(1),
        "idempotency_key": KEY.search(page).group(1),
        **fields,
    }


def test_first_visitors_get_the_kept_page_with_their_own_token_and_key(kept, count_queries):
    app, url = kept
    pages, cookies = [], []
    with count_queries(page_cache=True) as q:
        for _ in range(2):
            response = app.test_client().get(url)  # a browser without a cookie
            pages.append(response.get_data(as_text=True))
            cookies.append(response.headers.getlist("Set-Cookie"))
    assert q.count == 0  # the kept page: the data version is read beside SQLAlchemy
    for set_cookie in cookies:
        assert len(set_cookie) == 1 and set_cookie[0].startswith(f"{COOKIE}=")
        assert "HttpOnly" in set_cookie[0] and "SameSite=Lax" in set_cookie[0]
    tokens = [TOKEN.findall(page) for page in pages]
    keys = [KEY.search(page).group(1) for page in pages]
    assert cookies[0] != cookies[1] and keys[0] != keys[1]
    assert tokens[0][0] != tokens[1][0]
    # every form of a page (the report, the language switch) carries the visitor's token
    assert all(len(set(found)) == 1 and len(found) >= 2 for found in tokens)
    stamped = [
        page.replace(token[0], "T").replace(key, "K")
        for page, token, key in zip(pages, tokens, keys, strict=True)
    ]
    assert stamped[0] == stamped[1]  # otherwise the same kept body


def test_a_returning_visitor_keeps_the_cookie_and_its_token(kept):
    app, url = kept
    visitor = app.test_client()
    first = visitor.get(url).get_data(as_text=True)
    again = visitor.get(url)
    assert "Set-Cookie" not in again.headers
    page = again.get_data(as_text=True)
    assert TOKEN.search(page).group(1) == TOKEN.search(first).group(1)
    assert KEY.search(page).group(1) != KEY.search(first).group(1)


@pytest.mark.parametrize("forged", ["", "0" * 64, "not-a-token"])
def test_a_post_without_its_token_is_refused_and_changes_nothing(kept, forged):
    app, url = kept
    visitor = app.test_client()
    sent = form(visitor.get(url).get_data(as_text=True), csrf_token=forged, description="围栏倒了")
    refused = visitor.post(url, data=sent, headers={"Referer": f"http://localhost{url}"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "表单已过期" in page and f'id="error-back" href="{url}"' in page  # back to the form
    assert reports() == 0 and stored_keys() == 0


def test_one_visitors_token_does_not_pass_with_another_visitors_cookie(kept):
    app, url = kept
    alice, mallory = app.test_client(), app.test_client()
    sent = form(alice.get(url).get_data(as_text=True), photo=photo())
    mallory.get(url)  # a cookie of her own
    refused = mallory.post(url, data=sent, content_type="multipart/form-data")
    assert refused.status_code == 400 and reports() == 0
    nobody = app.test_client()  # no cookie at all
    sent["photo"] = photo()
    assert nobody.post(url, data=sent, content_type="multipart/form-data").status_code == 400
    sent["photo"] = photo()
    taken = alice.post(url, data=sent, content_type="multipart/form-data")
    assert taken.status_code == 303 and reports() == 1


def test_a_session_token_from_a_page_opened_before_still_posts(kept):
    """A page made before the visitor token (or any page with Flask-WTF's token)."""
    app, url = kept
    visitor = app.test_client()
    session_token = TOKEN.search(visitor.get("/login").get_data(as_text=True)).group(1)
    sent = form(visitor.get(url).get_data(as_text=True), csrf_token=session_token)
    assert visitor.post(url, data=sent).status_code == 303
    assert reports() == 1


def test_the_language_switch_of_a_visitor_page_needs_no_session(kept):
    app, url = kept
    visitor = app.test_client()
    page = visitor.get(url).get_data(as_text=True)
    assert visitor.get_cookie("session") is None
    token = TOKEN.search(page).group(1)
    forged = visitor.post("/language/en", data={"csrf_token": "0" * 64, "next": url})
    assert forged.status_code == 400
    switched = visitor.post("/language/en", data={"csrf_token": token, "next": url})
    assert switched.status_code == 303 and switched.headers["Location"] == url
    assert "Report a problem" in visitor.get(url).get_data(as_text=True)


def test_over_https_the_cookie_is_secure_and_a_post_needs_this_hosts_referrer(
    make_app, make_facility
):
    facility = make_facility()
    app = make_app(WTF_CSRF_ENABLED=True, PAGE_CACHE=True, SECURE_COOKIES=True)
    url = f"/q/{facility.token}"
    visitor = app.test_client()
    https = {"base_url": "https://parks.example.org"}
    page = visitor.get(url, **https)
    assert "; Secure" in page.headers["Set-Cookie"]
    sent = form(page.get_data(as_text=True))
    elsewhere = {"Referer": "https://evil.example.com/"}
    assert visitor.post(url, data=sent, headers=elsewhere, **https).status_code == 400
    assert reports() == 0
    here = {"Referer": f"https://parks.example.org{url}"}
    assert visitor.post(url, data=sent, headers=here, **https).status_code == 303
