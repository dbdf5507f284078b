"""Sessions end at sign-out on every copy of the cookie, end after idling, and sign-in
and sign-out renew the CSRF token (issue 15: ticket offices share PCs)."""

import re

import pytest

from parkops.auth.login import SEEN
from parkops.extensions import db
from tests.conftest import PASSWORD


def _copy_session(source, target) -> None:
    target.set_cookie("session", source.get_cookie("session").value)


def test_a_copied_cookie_stops_working_when_its_owner_signs_out(app, make_user, login, client):
    user = make_user("seller", ["cashier"])
    login(user)
    thief = app.test_client()
    _copy_session(client, thief)
    assert thief.get("/").status_code == 200  # the copy works while the owner is signed in

    assert client.post("/logout").status_code == 303
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # Signing in again opens a new session; the copied one stays dead.
    login(user)
    assert client.get("/").status_code == 200
    assert thief.get("/").status_code == 302


@pytest.mark.parametrize(("idle_hours", "still_signed_in"), [(7, True), (9, False)])
def test_a_session_ends_after_the_idle_time(
    app, make_user, login, client, idle_hours, still_signed_in
):
    assert app.config["SESSION_IDLE_MINUTES"] == 480  # the default: a working shift
    login(make_user("seller", ["cashier"]))
    with client.session_transaction() as session:
        session[SEEN] -= idle_hours * 3600
    response = client.get("/")
    assert (response.status_code == 200) is still_signed_in
    if not still_signed_in:
        assert "/login" in response.headers["Location"]
        assert client.get("/").status_code == 302  # ended for good, not for one request


def _token(response) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text).group(1)


def test_a_form_loaded_by_one_user_is_refused_after_another_signs_in(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user("first", ["cashier"])
        second = make_user("second", ["cashier"])
        client = app.test_client()

        def sign_in(name):
            token = _token(client.get("/login"))
            data = {"username": name, "password": PASSWORD, "csrf_token": token}
            assert client.post("/login", data=data).status_code == 303

        sign_in("first")
        stale = _token(client.get("/account/password"))  # the first user's open form
        client.post("/logout", data={"csrf_token": stale})
        sign_in("second")
        response = client.post("/language/en", data={"csrf_token": stale})
        assert response.status_code == 400
        db.session.refresh(second)
        assert second.locale is None  # nothing was recorded under the second user
        # The second user's own, fresh form works.
        fresh = _token(client.get("/account/password"))
        assert client.post("/language/en", data={"csrf_token": fresh}).status_code == 303
