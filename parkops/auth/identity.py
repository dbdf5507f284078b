"""Who is signed in, for the checks every request makes, without an account load.

Access enforcement, the idle and password-change checks, the language and the page
cache's key need only a few facts about the signed-in account: its id, its session
token, its permissions, whether it must change its password, its language. Loading
the account through the ORM (``current_user``) costs more than serving a kept page,
so those facts are kept per process as an ``Identity`` under (account id, data
version): any committed write moves the version (``parkops.data_version``), so a
kept identity is never older than the last change to a role, a password, a sign-out
or a deactivation. ``current_user`` stays what it was; it is loaded only when a view
or a template reads it. Only the requests for pages kept by the page cache
(``parkops.page_cache``) use kept identities: any other view loads the account anyway.

A cookie the cache cannot vouch for (no kept identity, another token, another
browser fingerprint under Flask-Login's session protection, a remember cookie) goes
through Flask-Login's own load, which decides as before.
"""

import hmac
import threading
from dataclasses import dataclass

from flask import current_app, g, request, session
from flask_login import current_user
from flask_login.config import COOKIE_NAME

from parkops import data_version, page_cache

EXTENSION = "parkops_identities"
BROWSERS_KEPT = 10_000  # browser identifiers kept per process; all forgotten at once beyond


@dataclass(frozen=True)
class Identity:
    """The signed-in account as the per-request checks see it: ``token`` is the
    account's session token (``User.session_token``), ``permissions`` what its roles
    grant, ``locale`` its chosen language or None."""

    user_id: int
    token: str
    permissions: frozenset[str]
    must_change_password: bool
    locale: str | None

    def can(self, permission: str) -> bool:
        return permission in self.permissions


class _Known:
    """The identities seen at the newest data version, by account id; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._version = -1
        self._by_user: dict[int, Identity] = {}
        self.browsers: dict[tuple, str] = {}  # (address, user agent): Flask-Login's identifier

    def get(self, version: int, user_id: int) -> Identity | None:
        with self._lock:
            return self._by_user.get(user_id) if version == self._version else None

    def put(self, version: int, identity: Identity) -> None:
        with self._lock:
            if version > self._version:  # a write happened: every kept identity is old
                self._version, self._by_user = version, {}
            if version == self._version:
                self._by_user[identity.user_id] = identity


def init_app(app) -> None:
    app.extensions[EXTENSION] = _Known()


def current() -> Identity | None:
    """This request's signed-in account, or None for a visitor; worked out once per
    request. Reads the data version (one statement) when the cookie names an account;
    loads the account only when no kept identity vouches for the cookie."""
    # The proxies (g, session, request, current_app) resolved once each: every lookup
    # through one costs about as much as the work done with it here.
    found = g._get_current_object()
    try:
        return found.parkops_identity
    except AttributeError:
        found.parkops_identity = _resolve()
        return found.parkops_identity


def _resolve() -> Identity | None:
    app, sess = current_app._get_current_object(), session._get_current_object()
    user_id, _, token = (sess.get("_user_id") or "").partition(":")
    known, req = app.extensions[EXTENSION], request._get_current_object()
    if not page_cache.serves(req.endpoint, app):
        return _of(current_user)  # its view loads the account anyway
    if not sess and app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) not in req.cookies:
        # A visitor's empty session, no remember cookie: Flask-Login, which this app gives
        # no request or header loader, would find no one and change nothing.
        return None
    if (
        not user_id.isdigit()  # a visitor, a remember cookie
        or sess.get("_id") != _browser(known, app.login_manager)  # another browser
    ):
        return _of(current_user)
    version = data_version.seen()  # before the load: a later write cannot hide behind it
    found = known.get(version, int(user_id))
    if found is not None and hmac.compare_digest(token, found.token):
        return found
    found = _of(current_user)
    if found is not None and found.user_id == int(user_id):
        known.put(version, found)
    return found


def _browser(known: _Known, manager) -> str:
    """Flask-Login's identifier of this browser (``_session_identifier_generator``: 128
    hex digits, a SHA-512 of the client address and the user agent), worked out once per
    (address, user agent) a process sees rather than at every request for a kept page
    (7 us, a twentieth of serving it)."""
    environ = request._get_current_object().environ
    # What Flask-Login hashes: X-Forwarded-For when sent, else the address; the agent.
    address = environ.get("HTTP_X_FORWARDED_FOR", environ.get("REMOTE_ADDR"))
    seen = (address, environ.get("HTTP_USER_AGENT"))
    found = known.browsers.get(seen)
    if found is None:
        if len(known.browsers) >= BROWSERS_KEPT:
            known.browsers = {}
        found = known.browsers[seen] = manager._session_identifier_generator()
    return found


def _of(user) -> Identity | None:
    if not user.is_authenticated:
        return None
    granted = current_app.extensions["parkops_role_permissions"]
    return Identity(
        user_id=user.id,
        token=user.session_token,
        permissions=frozenset(p for role in user.roles for p in granted.get(role, ())),
        must_change_password=user.must_change_password,
        locale=user.locale,
    )
