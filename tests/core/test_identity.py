"""Kept identities (``parkops.auth.identity``): a kept page is served without loading
the account, yet a role taken away, a deactivation, a sign-out elsewhere or a
password change counts from the very next request."""

import pytest
from sqlalchemy import delete, update

from parkops.auth.models import User, UserRole
from parkops.extensions import db

LEDGER = "/ledger/"
WEEKLY = "/reports/weekly/new"  # kept, and for the office alone (reports.write)


@pytest.fixture
def office(ledger, make_user, login):
    user = make_user("office1", ["office"])
    login(user)
    return user


def _kept(client, path=LEDGER) -> None:
    """Load ``path`` until it is served from the cache (the first load may write readings)."""
    for _ in range(3):
        assert client.get(path).status_code == 200


def _signed_out(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_kept_page_is_served_without_loading_the_account(office, client, count_queries):
    _kept(client)
    with count_queries(page_cache=True) as q:
        assert client.get(LEDGER).status_code == 200
    assert not [s for s in q.statements if "FROM users" in s], q.statements


def test_a_cookie_from_another_browser_is_not_vouched_for(office, client, count_queries):
    # The identifier of a browser is kept per (address, user agent): a cookie carried to
    # another agent still goes through Flask-Login's own load, and the first browser's
    # requests are vouched for again afterwards.
    _kept(client)
    with count_queries(page_cache=True) as q:
        assert client.get(LEDGER, headers={"User-Agent": "another"}).status_code == 200
    assert [s for s in q.statements if "FROM users" in s], q.statements
    with count_queries(page_cache=True) as q:
        assert client.get(LEDGER).status_code == 200
    assert not [s for s in q.statements if "FROM users" in s], q.statements


def test_a_role_taken_away_refuses_the_kept_page_at_once(office, client):
    _kept(client, WEEKLY)
    db.session.execute(delete(UserRole).where(UserRole.user_id == office.id))
    db.session.commit()
    assert client.get(WEEKLY).status_code == 403


def test_a_role_given_opens_a_page_refused_a_moment_before(app, ledger, make_user, login, client):
    seller = make_user("seller", ["cashier"])
    login(seller)
    assert client.get(WEEKLY).status_code == 403
    _kept(client, "/")
    db.session.add(UserRole(user_id=seller.id, role="office"))
    db.session.commit()
    assert client.get(WEEKLY).status_code == 200


def test_a_deactivated_account_is_signed_out_of_kept_pages(office, client):
    _kept(client)
    db.session.execute(update(User).where(User.id == office.id).values(active=False))
    db.session.commit()
    assert _signed_out(client.get(LEDGER))


def test_an_old_cookie_is_not_vouched_for_by_the_new_sessions_identity(app, office, login, client):
    old = app.test_client()
    login(office, test_client=old)
    _kept(old)
    assert client.post("/logout").status_code == 303  # ends every copy, `old` too
    login(office)  # a new session: its identity is kept at the current version
    _kept(client)
    assert _signed_out(old.get(LEDGER))
    assert client.get(LEDGER).status_code == 200


def test_a_password_change_elsewhere_ends_the_kept_session(office, client):
    _kept(client)
    user = db.session.get(User, office.id)
    user.set_password("another-Long-passphrase-42")
    db.session.commit()
    assert _signed_out(client.get(LEDGER))


def test_a_required_password_change_applies_to_kept_pages(office, client):
    _kept(client)
    db.session.execute(update(User).where(User.id == office.id).values(must_change_password=True))
    db.session.commit()
    response = client.get(LEDGER)
    assert response.status_code == 303 and "/account/password" in response.headers["Location"]


def test_the_accounts_language_applies_to_kept_pages(office, client):
    _kept(client)
    db.session.execute(update(User).where(User.id == office.id).values(locale="en"))
    db.session.commit()
    assert "Rectification ledger" in client.get(LEDGER).get_data(as_text=True)
