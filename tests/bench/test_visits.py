"""The bench's returning visitor (``Page(…, returning=True)``): it sends the cookie its
first visit was given, so the server hands it no new session.

Timings are not asserted: the bench reports them.
"""

import http.client
from pathlib import Path

from bench.load import HOST, first_visit
from bench.server import serving


def _set_cookie(port: int, path: str, cookie: str | None) -> str | None:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        assert response.status == 200
        return response.getheader("Set-Cookie")
    finally:
        conn.close()


def test_a_returning_visitor_keeps_the_session_its_first_visit_was_given(app, database_url):
    settings = {
        "PARKOPS_INSTANCE_PATH": app.instance_path,
        "PARKOPS_DATABASE_URL": database_url,
        "PARKOPS_MODULES": ",".join(app.config["MODULES"]),
    }
    with serving(settings, threads=2, log=Path(app.instance_path) / "server.log") as workers:
        port = workers[0].port
        # The sign-in form gives a first visit a session for its CSRF token.
        assert _set_cookie(port, "/login", None)
        cookie = first_visit(port, "/login")
        assert cookie.startswith("session=")
        assert _set_cookie(port, "/login", cookie) is None
