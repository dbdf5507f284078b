"""The notifications page and the top bar's bell: a user sees and opens only their own."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from parkops.extensions import db
from parkops.notify import Notification
from parkops.timeutil import utcnow


@pytest.fixture
def ann(make_user):
    return make_user("ann", ["crew"], locale="en")


@pytest.fixture
def bob(make_user):
    return make_user("bob", ["crew"], locale="en")


def _add(user, count, link="", start=0, read=False):
    now = utcnow()
    rows = [
        Notification(
            user_id=user.id,
            subject=f"{user.username} notice {start + i}",
            body=f"Body {start + i}",
            link=link,
            created_at=now - timedelta(minutes=1000 - start - i),
            read_at=now if read else None,
        )
        for i in range(count)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def _subjects(html):
    return re.findall(
        r'class="notification-subject"[^>]*>\s*(?:<span[^>]*>New</span> )?([^<]+)', html
    )


def _bell(html):
    match = re.search(r'<span class="bell-count"[^>]*>([^<]+)</span>', html)
    return match.group(1) if match else None


def test_lists_own_notifications_newest_first(client, login, ann, bob):
    _add(ann, 3)
    _add(bob, 2)
    login(ann)
    html = client.get("/notifications/").get_data(as_text=True)
    assert _subjects(html) == ["ann notice 2", "ann notice 1", "ann notice 0"]
    assert "bob notice" not in html


def test_unread_ones_are_marked(client, login, ann):
    _add(ann, 1, read=True)
    _add(ann, 1, start=1)
    login(ann)
    html = client.get("/notifications/").get_data(as_text=True)
    items = re.findall(r'<li class="notification( unread)?">.*?</li>', html, re.S)
    assert items == [" unread", ""]  # notice 1 (unread) first, then notice 0 (read)
    assert html.count(">New</span>") == 1


def test_pages_of_twenty(client, login, ann):
    _add(ann, 25)
    login(ann)
    first = client.get("/notifications/").get_data(as_text=True)
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert _subjects(first) == [f"ann notice {i}" for i in range(24, 4, -1)]
    assert _subjects(second) == [f"ann notice {i}" for i in range(4, -1, -1)]
    assert "Page 1 of 2" in first
    assert client.get("/notifications/?page=9").status_code == 200  # past the end: empty page


def test_opening_marks_read_and_follows_the_link(client, login, ann):
    [n] = _add(ann, 1, link="/ledger/problems/14")
    login(ann)
    response = client.get(f"/notifications/{n.id}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/ledger/problems/14"
    db.session.refresh(n)
    assert n.read_at is not None
    first_read = n.read_at
    client.get(f"/notifications/{n.id}")  # opening again keeps the first reading time
    db.session.refresh(n)
    assert n.read_at == first_read


def test_another_users_notification_is_not_found(client, login, ann, bob):
    [theirs] = _add(bob, 1, link="/ledger/")
    login(ann)
    assert client.get(f"/notifications/{theirs.id}").status_code == 404
    assert client.get("/notifications/999999").status_code == 404
    db.session.refresh(theirs)
    assert theirs.read_at is None


@pytest.mark.parametrize(
    ("link", "destination"),
    [
        ("", "/notifications/"),
        ("//evil.example/x", "/notifications/"),
        ("/\\evil.example/x", "/notifications/"),
        ("https://evil.example/x", "/notifications/"),
        ("http://parkops.test/ledger/", "http://parkops.test/ledger/"),
    ],
)
def test_only_links_into_parkops_are_followed(client, login, ann, link, destination):
    [n] = _add(ann, 1, link=link)
    login(ann)
    assert client.get(f"/notifications/{n.id}").headers["Location"] == destination


def test_mark_all_read_touches_only_ones_own(client, login, ann, bob):
    _add(ann, 3)
    _add(bob, 2)
    login(ann)
    assert client.get("/notifications/read-all").status_code == 405
    response = client.post("/notifications/read-all")
    assert response.status_code == 303
    assert response.headers["Location"] == "/notifications/"
    unread = db.session.scalars(select(Notification.subject).where(Notification.read_at.is_(None)))
    assert sorted(unread) == ["bob notice 0", "bob notice 1"]
    html = client.get("/notifications/").get_data(as_text=True)
    assert "Mark all read" not in html and ">New</span>" not in html


def test_mark_all_read_needs_the_csrf_token(make_app, make_user, login):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user("ann", ["crew"], locale="en")
        _add(user, 1)
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        client.post(
            "/login",
            data={"username": "ann", "password": "correct horse battery", "csrf_token": token},
        )
        assert client.post("/notifications/read-all").status_code == 400
        assert db.session.scalar(select(Notification.read_at)) is None
        html = client.get("/notifications/").get_data(as_text=True)
        token = re.search(r'action="/notifications/read-all".*?value="([^"]+)"', html, re.S).group(
            1
        )
        assert client.post("/notifications/read-all", data={"csrf_token": token}).status_code == 303
        assert db.session.scalar(select(Notification.read_at)) is not None


def test_bell_shows_the_unread_count(client, login, ann, bob):
    login(ann)
    assert _bell(client.get("/").get_data(as_text=True)) is None
    _add(ann, 2)
    _add(ann, 1, start=2, read=True)
    _add(bob, 5)
    html = client.get("/").get_data(as_text=True)
    assert _bell(html) == "2"
    assert 'aria-label="Notifications: 2 unread"' in html
    _add(ann, 120, start=3)
    assert _bell(client.get("/").get_data(as_text=True)) == "99+"


def test_signed_out_sees_no_bell_and_is_sent_to_login(client):
    assert 'class="bell"' not in client.get("/login").get_data(as_text=True)
    assert client.get("/notifications/").status_code == 302


def test_queries_do_not_grow_with_notifications(client, login, ann, count_queries):
    login(ann)
    _add(ann, 2)
    with count_queries() as few:
        client.get("/notifications/")
    with count_queries() as home_few:
        client.get("/")
    _add(ann, 40, start=2)
    with count_queries() as many:
        client.get("/notifications/")
    with count_queries() as home_many:
        client.get("/")
    assert many.count == few.count
    assert home_many.count == home_few.count
    # The bell is one COUNT on the notifications table, read with the account, on every page.
    on_notifications = [s for s in home_many.statements if "FROM notifications" in s]
    assert len(on_notifications) == 1 and "count(*)" in on_notifications[0]


def test_the_bell_comes_with_the_account_and_follows_reading(client, login, ann, count_queries):
    login(ann)
    _add(ann, 3)
    with count_queries() as q:
        page = client.get("/").get_data(as_text=True)
    assert '<span class="bell-count" aria-hidden="true">3</span>' in page
    # No statement of its own: the loader's read of the account brings the count.
    on_notifications = [s for s in q.statements if "FROM notifications" in s]
    assert len(on_notifications) == 1 and "FROM users" in on_notifications[0]
    client.post("/notifications/read-all")
    assert 'class="bell-count"' not in client.get("/").get_data(as_text=True)


def test_body_links_into_parkops_only_and_escapes_markup(client, login, ann):
    db.session.add(
        Notification(
            user_id=ann.id,
            subject="<b>Due</b>",
            body=(
                "• 14. <script>alert(1)</script>\n"
                "  http://parkops.test/ledger/problems/14\n"
                "  https://evil.example/ledger/problems/14"
            ),
        )
    )
    db.session.commit()
    login(ann)
    html = client.get("/notifications/").get_data(as_text=True)
    assert '<a href="/ledger/problems/14">/ledger/problems/14</a>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Due&lt;/b&gt;" in html
    assert "https://evil.example/ledger/problems/14" in html
    assert 'href="https://evil.example' not in html
