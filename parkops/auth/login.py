"""Flask-Login wiring, and the password change that an administrator can require."""

import hmac

from flask import Flask, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from parkops.auth.models import User
from parkops.extensions import db, login

# What a user who must change their password may still reach.
PASSWORD_CHANGE_ENDPOINTS = {"auth.change_password", "auth.logout", "auth.language", "static"}


@login.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    # A deactivated account, or a session opened before the password changed, ends here.
    if user is None or not user.active or not hmac.compare_digest(token, user.session_token):
        return None
    return user


def _require_password_change():
    if (
        request.endpoint not in PASSWORD_CHANGE_ENDPOINTS
        and current_user.is_authenticated
        and current_user.must_change_password
    ):
        return redirect(url_for("auth.change_password"), 303)
    return None


def init_app(app: Flask) -> None:
    login.init_app(app)
    login.login_view = "auth.login"
    login.login_message = _l("Please sign in to continue.")
    login.login_message_category = "info"
    login.session_protection = "strong"
    app.before_request(_require_password_change)
