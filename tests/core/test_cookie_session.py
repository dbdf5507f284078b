"""Verified session cookies kept per process (``parkops.cookie_session``): the same
cookie reads the same, a changed one is refused, and no request sees another's
changes to its session."""

from flask import request

from parkops.cookie_session import KeptCookieSessionInterface


def _cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_kept_cookie_keeps_its_account_and_a_changed_one_is_refused(
    app, make_user, login, client
):
    login(make_user("office1", ["office"]))
    assert client.get("/").status_code == 200  # gives the session its CSRF token
    assert isinstance(app.session_interface, KeptCookieSessionInterface)
    value = _cookie(client)
    assert client.get("/").status_code == 200
    assert value in app.session_interface._verified  # kept once it verified
    assert client.get("/").status_code == 200  # and read from there
    forged = app.test_client()
    changed = value[:-2] + ("AA" if value[-2:] != "AA" else "BB")  # the signature's end
    forged.set_cookie("session", changed)
    response = forged.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_each_request_gets_its_own_copy_of_a_kept_session(app, make_user, login, client):
    login(make_user("office1", ["office"]))
    client.get("/")
    value = _cookie(client)
    with app.test_request_context(headers={"Cookie": f"session={value}"}):
        first = app.session_interface.open_session(app, request)
        first["locale"] = "en"
        second = app.session_interface.open_session(app, request)
    assert "locale" not in second and second["_user_id"] == first["_user_id"]


def test_a_session_with_flashed_messages_is_not_kept(app, client, make_user, login):
    login(make_user("office1", ["office"]))
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Saved.")]
    value = _cookie(client)
    assert "Saved." in client.get("/").get_data(as_text=True)
    assert value not in app.session_interface._verified


def test_the_small_compressor_reads_and_is_read_by_the_default_one():
    from itsdangerous import URLSafeTimedSerializer

    from parkops.cookie_session import SmallStateSerializer

    data = {"csrf_token": "ab12" * 10, "_id": "f0e9" * 32, "_user_id": "7:token"}
    small, default = SmallStateSerializer("k", salt="s"), URLSafeTimedSerializer("k", salt="s")
    made = small.dumps(data)
    assert made.startswith(".")  # compressed, as the default one would
    assert len(made) <= len(default.dumps(data)) + 2
    assert default.loads(made) == data and small.loads(default.dumps(data)) == data
    assert small.loads(small.dumps("short")) == "short"  # too short to shrink: plain
