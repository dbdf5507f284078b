"""Unbound extension objects; create_app binds them with init_app."""

from flask import session
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from parkops.db import Base


class _LoginManager(LoginManager):
    def _session_protection_failed(self) -> bool:
        # A session nobody signed in to (a visitor's: its CSRF token) has nothing to
        # protect. Flask-Login's "strong" mode would still mark it to clear the remember
        # cookie on every request, rewriting the session cookie with each response.
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()


db = SQLAlchemy(model_class=Base)
login = _LoginManager()
csrf = CSRFProtect()
babel = Babel()
migrate = Migrate()
