"""What every page pays per request: the DEMO banner's flag is read once per process, not
per page; the main navigation is built once per (roles, language, current entry); a
session cookie is written only when the session changes."""

from parkops.auth import services
from parkops.auth.login import SEEN, SEEN_EVERY
from parkops.auth.models import Setting
from parkops.extensions import db

BANNER = 'class="demo-banner"'


def _reads_demo_flag(statements: list[str]) -> bool:
    # SQLite quotes the column ("key"), PostgreSQL does not.
    return any("FROM settings" in s and "settings.key" in s.replace('"', "") for s in statements)


def test_a_page_reads_the_demo_flag_once_per_process(app, client, count_queries):
    del app.extensions["parkops_demo"]  # as in a process that has served nothing yet
    with count_queries() as first:
        assert BANNER not in client.get("/login").get_data(as_text=True)
    with count_queries() as second:
        assert BANNER not in client.get("/login").get_data(as_text=True)
    assert _reads_demo_flag(first.statements)
    assert not _reads_demo_flag(second.statements)


def test_a_server_started_after_parkops_demo_shows_the_banner(make_app, client, count_queries):
    assert BANNER not in client.get("/login").get_data(as_text=True)
    with make_app().app_context():  # `parkops demo` in another process
        db.session.add(Setting(key=services.DEMO_KEY, value="1"))
        db.session.commit()

    server = make_app()  # started after it
    with server.app_context():
        with count_queries() as q:
            assert BANNER in server.test_client().get("/login").get_data(as_text=True)
    assert not _reads_demo_flag(q.statements)


def test_parkops_demo_in_the_serving_process_shows_the_banner_at_once(app, client):
    assert BANNER not in client.get("/login").get_data(as_text=True)
    services.mark_demo()
    db.session.commit()
    assert BANNER in client.get("/login").get_data(as_text=True)


def _nav(page: str) -> str:
    return page.split('<nav class="mainnav"', 1)[1].split("</nav>", 1)[0]


def test_the_kept_navigation_follows_the_page_and_the_language(app, make_user, login):
    boss, other = app.test_client(), app.test_client()
    login(make_user("boss", ["admin"], all_sites=True), test_client=boss)
    login(make_user("boss2", ["admin"], all_sites=True), test_client=other)
    boss.post("/language/en")

    audit = _nav(boss.get("/audit/").text)
    assert '<a href="/audit/" aria-current="page">Audit log</a>' in audit
    assert '<a href="/admin/users">Administration</a>' in audit
    users = _nav(boss.get("/admin/users").text)
    assert '<a href="/admin/users" aria-current="page">Administration</a>' in users
    assert '<a href="/audit/">Audit log</a>' in users

    # The same roles in the other language: that language's labels, not the kept English.
    other.post("/language/zh")
    assert ">Audit log<" not in _nav(other.get("/audit/").text)


def test_a_visitors_next_page_sets_no_cookie(client):
    first = client.get("/login")
    assert "session=" in first.headers.get("Set-Cookie", "")  # the CSRF token's session
    again = client.get("/login")
    assert again.status_code == 200
    assert again.headers.getlist("Set-Cookie") == []


def test_a_signed_in_users_next_page_sets_no_cookie(client, make_user, login):
    login(make_user("office1", ["office"]))
    assert client.get("/").status_code == 200
    again = client.get("/")
    assert again.status_code == 200
    assert again.headers.getlist("Set-Cookie") == []
    # A minute on, the idle clock moves and the cookie is written again: its expiry slides.
    with client.session_transaction() as session:
        session[SEEN] -= SEEN_EVERY + 1
    later = client.get("/")
    assert any(c.startswith("session=") for c in later.headers.getlist("Set-Cookie"))
