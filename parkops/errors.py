"""Friendly error pages in the user's language.

A 500 must render even when the database is what failed: its page uses a bare
layout that reads nothing from the database, and its language comes from what
is already in memory (the signed-in account as loaded, or the session).
"""

from urllib.parse import urlsplit

from flask import Flask, current_app, g, render_template, request, session
from flask_babel import force_locale
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from parkops.deciding import AlreadyDecided
from parkops.extensions import db
from parkops.i18n import LANGUAGES
from parkops.redirects import is_local_path


def _page(code: int):
    def handler(error):
        return render_template("errors/error.html", code=code, error=error), code

    return handler


def _csrf_refused(error):
    """The expired-form page. A visitor (not signed in) is offered the page the form was
    posted from, e.g. a label's scan page, since home would send them to the sign-in page."""
    return render_template("errors/error.html", code=400, error=error, back=_posted_from()), 400


def _posted_from() -> str | None:
    """The path (and query) of the page the refused form was on, from the Referer, when a
    visitor posted it from this host; else None."""
    return None if current_user.is_authenticated else _referrer_path()


def _decided_already(error: AlreadyDecided):
    """409: someone else decided the record first (``parkops.deciding``). Nothing of
    this request is kept; the page says who decided and when, and leads back to the
    page the form was on, which now shows the decision."""
    db.session.rollback()
    page = render_template(
        "errors/error.html", code=409, error=error, message=str(error), back=_referrer_path()
    )
    return page, 409


def _referrer_path() -> str | None:
    """The local path (and query) of the Referer, else None."""
    if not request.referrer:
        return None
    parts = urlsplit(request.referrer)
    if parts.netloc != request.host:
        return None
    path = f"{parts.path}?{parts.query}" if parts.query else parts.path
    return path if is_local_path(path) else None


def _locale_in_memory() -> str:
    """What ``select_locale`` would choose, without loading anything."""
    user = g.get("_login_user")  # Flask-Login's per-request cache
    state = inspect(user, raiseerr=False) if user is not None else None
    chosen = state.dict.get("locale") if state is not None else None
    if chosen not in LANGUAGES:
        chosen = session.get("locale")
    return chosen if chosen in LANGUAGES else current_app.config["DEFAULT_LOCALE"]


def _server_error(error):
    # Flask has logged the exception and its traceback before calling this.
    with force_locale(_locale_in_memory()):
        page = render_template("errors/error.html", code=500, error=error)
    try:
        db.session.rollback()  # leave no half-done transaction behind
    except SQLAlchemyError:
        current_app.logger.exception("rollback after a server error failed")
    return page, 500


def init_app(app: Flask) -> None:
    for code in (400, 403, 404, 405, 409, 413, 429):
        app.register_error_handler(code, _page(code))
    app.register_error_handler(500, _server_error)
    app.register_error_handler(CSRFError, _csrf_refused)
    app.register_error_handler(AlreadyDecided, _decided_already)
