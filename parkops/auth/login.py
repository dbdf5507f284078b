"""Flask-Login wiring: sessions that end at sign-out and after idling, and the
password change that an administrator can require.

A session cookie names the account and a token of its password hash and
``session_version`` (see ``User.get_id``). Signing out raises the version, so
every copy of the cookie, on any browser, stops working at once; the loader
checks it with one primary-key read per request (which brings the bell's unread
count too). A session idle for longer than ``SESSION_IDLE_MINUTES`` ends too (the
time of the last request is kept in the signed cookie). The CSRF token is renewed
at sign-in and sign-out, so a form loaded by one person cannot be posted under the
next person's account.
"""

import hmac
import time

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from parkops.auth import identity
from parkops.auth.models import Site, User, user_sites
from parkops.extensions import db, login
from parkops.notify import unread_count_of

# What a user who must change their password may still reach.
PASSWORD_CHANGE_ENDPOINTS = {"auth.change_password", "auth.logout", "auth.language", "static"}
SEEN = "seen"  # session key: UTC epoch seconds of the last request
SEEN_EVERY = 60  # seconds; refreshing it less often spares a new cookie on every request
# The sites joined by the loader's query itself, a flat chain of left joins: joinedload's
# nested "(user_sites JOIN sites)" on the right of a LEFT JOIN made SQLite build all of
# it for every request, 13 ms of CPU with 20,000 accounts (see load_user).
WITH_ROLES_AND_SITES = (joinedload(User.role_rows), contains_eager(User.sites))  # built once


@login.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    # One statement: the account with its roles and sites joined, and the bell's unread
    # count (kept for the page on ``g``), not four.
    found = (
        db.session.execute(
            select(User, unread_count_of(User.id))
            .outerjoin(user_sites, user_sites.c.user_id == User.id)
            .outerjoin(Site, Site.id == user_sites.c.site_id)
            .where(User.id == int(user_id))
            .options(*WITH_ROLES_AND_SITES)
        )
        .unique()
        .first()
    )
    if found is None:
        return None
    user, g.parkops_unread = found
    # A deactivated account, a session opened before the password changed or
    # before the user signed out, ends here.
    if user is None or not user.active or not hmac.compare_digest(token, user.session_token):
        return None
    return user


def start_session(user: User) -> None:
    """Sign ``user`` in on this browser, with a fresh CSRF token."""
    session.pop("csrf_token", None)
    login_user(user)
    session.permanent = True
    session[SEEN] = int(time.time())


def end_session(user: User | None) -> None:
    """Sign out here and end every other copy of the session; does not commit."""
    if user is not None:
        user.session_version += 1
    logout_user()
    locale = session.get("locale")
    session.clear()  # the CSRF token and everything else of the old session
    if locale:
        session["locale"] = locale


def _end_idle_session():
    if request.endpoint == "static" or identity.current() is None:
        return None
    now = int(time.time())
    seen = session.get(SEEN)
    if not isinstance(seen, int) or now - seen > current_app.config["SESSION_IDLE_MINUTES"] * 60:
        end_session(None)  # only this browser: its cookie is what idled
        return login.unauthorized()
    if now - seen >= SEEN_EVERY:
        session[SEEN] = now
    return None


def _require_password_change():
    if (
        request.endpoint not in PASSWORD_CHANGE_ENDPOINTS
        and (found := identity.current()) is not None
        and found.must_change_password
    ):
        return redirect(url_for("auth.change_password"), 303)
    return None


def init_app(app: Flask) -> None:
    login.init_app(app)
    login.login_view = "auth.login"
    login.login_message = _l("Please sign in to continue.")
    login.login_message_category = "info"
    login.session_protection = "strong"
    app.before_request(_end_idle_session)
    app.before_request(_require_password_change)
