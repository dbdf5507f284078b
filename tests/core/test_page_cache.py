"""Kept pages: served for the cost of the data version's read, never stale, never another
user's, never with another response's CSRF token or idempotency key."""

import contextlib
import re
import threading

import pytest
from flask import template_rendered
from sqlalchemy import select, update

from parkops.extensions import db
from parkops.page_cache import CSRF, KEY, Entry, PageCache, _serve, page_cache
from parkops.rectification.models import Problem, ProgressReport
from tests.conftest import PASSWORD


def problem(code: str) -> Problem:
    return db.session.scalar(select(Problem).where(Problem.code == code))


@contextlib.contextmanager
def rendering(app, name: str):
    """The list of renders of template ``name`` while in the block."""
    renders = []

    def rendered(sender, template, context, **extra):
        if template.name == name:
            renders.append(1)

    template_rendered.connect(rendered, app)
    try:
        yield renders
    finally:
        template_rendered.disconnect(rendered, app)


def keys(page: str) -> list[str]:
    return re.findall(r'name="idempotency_key" value="((?:t-)?[0-9a-f]+)"', page)


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


@pytest.fixture
def office(ledger, make_user, login):
    user = make_user("office1", ["office"], display_name="Office Wang")
    login(user)
    return user


def test_a_kept_page_costs_the_version_read_alone(office, client, count_queries):
    path = f"/ledger/problems/{problem('14').id}"
    client.get(path)  # stores the page's indicator readings: a write, so not kept yet
    first = client.get(path).get_data(as_text=True)
    with count_queries(page_cache=True) as q:
        again = client.get(path)
    assert again.status_code == 200
    # Nothing through SQLAlchemy: the account's checks use its kept identity, and the
    # data version is read on the thread's kept DBAPI connection (the tests below show it
    # sees another connection's write at once).
    assert q.count == 0, q.statements
    # The same page, but for its per-response values.
    assert re.sub(r"[0-9a-f]{32}", "", again.get_data(as_text=True)) == re.sub(
        r"[0-9a-f]{32}", "", first
    )
    with count_queries() as q:  # the cache is off in a plain count: the page's own work
        client.get(path)
    assert q.count > 2


def test_a_write_by_another_connection_shows_on_the_next_load(office, client):
    p = problem("14")
    path = f"/ledger/problems/{p.id}"
    assert "Renamed by another worker" not in client.get(path).get_data(as_text=True)
    with db.engine.begin() as conn:  # as another worker would, outside this session
        conn.execute(
            update(Problem).where(Problem.id == p.id).values(title="Renamed by another worker")
        )
    db.session.expire_all()  # this test's session outlives requests; a server's does not
    assert "Renamed by another worker" in client.get(path).get_data(as_text=True)


def test_a_user_never_gets_another_users_page(ledger, make_user, login, app):
    wang = make_user("wang", ["office"], display_name="Office Wang")
    li = make_user("li", ["office"], display_name="Office Li")
    clients = {user.display_name: app.test_client() for user in (wang, li)}
    for user in (wang, li):
        login(user, test_client=clients[user.display_name])
    for _ in range(2):
        for name, test_client in clients.items():
            page = test_client.get("/").get_data(as_text=True)
            other = "Office Li" if name == "Office Wang" else "Office Wang"
            assert name in page and other not in page


def test_the_language_chosen_in_the_session_gets_its_own_page(ledger, make_user, login, client):
    login(make_user("office1", ["office"]))  # no language on the account: the session's rules
    assert "Sign out" not in client.get("/").get_data(as_text=True)
    with client.session_transaction() as session:  # no write: only the key tells them apart
        session["locale"] = "en"
    assert "Sign out" in client.get("/").get_data(as_text=True)


def test_a_flashed_message_is_shown_once_and_never_kept(office, client):
    client.get("/")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Saved just now.")]
    assert "Saved just now." in client.get("/").get_data(as_text=True)
    assert "Saved just now." not in client.get("/").get_data(as_text=True)


def test_each_serve_has_its_own_idempotency_key_and_a_valid_token(ledger, make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user("office1", ["office"])
        client = app.test_client()
        login_page = client.get("/login").get_data(as_text=True)
        data = {"username": "office1", "password": PASSWORD, "csrf_token": csrf(login_page)}
        assert client.post("/login", data=data).status_code == 303
        path = f"/ledger/problems/{problem('14').id}"
        client.get(path)  # stores the page's indicator readings: a write, so not kept yet
        with rendering(app, "rectification/problem.html") as renders:
            pages = [client.get(path).get_data(as_text=True) for _ in range(3)]
        assert len(renders) == 1  # made once, then served from the cache …
        served = [keys(page) for page in pages]
        assert all(len(k) == 1 for k in served)
        assert len({k[0] for k in served}) == 3  # … yet no two loads share a key
        for n, page in enumerate(pages[1:]):  # two loads served from the cache
            form = {
                "csrf_token": csrf(page),
                "idempotency_key": keys(page)[0],
                "reported_on": "2021-01-04",
                "text": f"Report {n}",
            }
            assert client.post(f"{path}/reports", data=form).status_code == 303
        texts = db.session.scalars(select(ProgressReport.text).order_by(ProgressReport.id)).all()
        assert texts == ["Report 0", "Report 1"]  # two records, not one repeat


def test_concurrent_misses_render_the_page_once(office, app, client, make_user, login):
    cookie = client.get_cookie("session").value
    renders = []
    clients = []
    for _ in range(4):
        other = app.test_client()
        other.set_cookie("session", cookie)
        clients.append(other)
    cache = page_cache(app)

    def rendered(sender, template, context, **extra):
        if template.name == "home.html":
            renders.append(1)
            # Hold the first render until the other three wait for it.
            for _ in range(200):
                if cache.waiting() >= 3:
                    break
                threading.Event().wait(0.05)

    results = []
    template_rendered.connect(rendered, app)
    try:
        threads = [
            threading.Thread(target=lambda c=c: results.append(c.get("/").status_code))
            for c in clients
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        template_rendered.disconnect(rendered, app)
    assert results == [200] * 4
    assert len(renders) == 1


def entry(size: int, expires: float = 100.0) -> Entry:
    return Entry(parts=[b"x" * size], status=200, headers=[], size=size, expires=expires)


def test_the_byte_bound_evicts_the_least_recently_used():
    cache = PageCache(max_bytes=300, max_entry_bytes=200, seconds=60, clock=lambda: 0.0)
    for key in "abc":
        assert cache.put(key, entry(100))
    cache.get("a")  # used: "b" is now the oldest
    assert cache.put("d", entry(100))
    assert [k for k in "abcd" if cache.get(k)] == ["a", "c", "d"] and cache.size == 300
    assert not cache.put("big", entry(201))  # over the entry limit: not kept at all
    assert cache.get("big") is None and cache.size == 300


def test_a_kept_page_expires_after_its_seconds():
    now = [0.0]
    cache = PageCache(max_bytes=1000, max_entry_bytes=1000, seconds=60, clock=lambda: now[0])
    cache.put("page", entry(10, expires=now[0] + cache.seconds))
    now[0] = 59.0
    assert cache.get("page") is not None
    now[0] = 60.0
    assert cache.get("page") is None and cache.size == 0


def test_a_serve_gives_every_form_the_same_token_and_each_key_its_own(app):
    # Cuts as a kept page holds them: two forms' CSRF tokens, key 0 twice, key 1 once.
    kept = Entry(
        parts=[
            b"<a>",
            (CSRF, 0),
            b"|",
            (KEY, 0),
            b"|",
            (CSRF, 0),
            b"|",
            (KEY, 0),
            b"|",
            (KEY, 1),
            b"</a>",
        ],
        status=200,
        headers=[("Content-Type", "text/html; charset=utf-8")],
        size=40,
        expires=60.0,
    )
    bodies = []
    with app.test_request_context("/"):
        for _ in range(2):
            bodies.append(_serve(kept, page_cache()).get_data(as_text=True)[3:-4].split("|"))
    for token, key, token_again, key_again, other in bodies:
        assert token == token_again and token.count(".") == 2  # one signed token per serve
        assert key == key_again and re.fullmatch("[0-9a-f]{32}", key) and key != other
        assert re.fullmatch("[0-9a-f]{32}", other)
    assert bodies[0][1] != bodies[1][1]  # a new key with every serve
