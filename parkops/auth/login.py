"""Flask-Login wiring."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from parkops.auth.models import User
from parkops.extensions import db, login


@login.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def init_app(app: Flask) -> None:
    login.init_app(app)
    login.login_view = "auth.login"
    login.login_message = _l("Please sign in to continue.")
    login.login_message_category = "info"
    login.session_protection = "strong"
