"""Signing in (throttled across worker processes), signing out, one's own password."""

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from parkops import audit, limits
from parkops.auth.models import LoginFailure, Setting, User
from parkops.auth.passwords import weakness
from parkops.extensions import db
from parkops.timeutil import utcnow

# An address may try more often than one account: a ticket office shares one IP.
IP_FACTOR = 4
PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200


class Refused(ValueError):
    """A change refused for a reason the user can fix; ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class SignIn:
    user: User | None
    locked: bool = False


@cache
def _decoy_hash() -> str:
    return generate_password_hash("decoy password for unknown accounts")


def authenticate(username: str, password: str, ip: str) -> SignIn:
    """Check a password; count failures per account and per address in the database.

    Each attempt is recorded as a failure *before* the password is checked, under
    the "auth.login" limit lock, so concurrent attempts see each other: at most
    ``LOGIN_MAX_FAILURES`` passwords of one account are ever checked per window.
    A success then clears the account's failures, its own attempt with them.
    """
    username = username.strip().lower()
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    db.session.commit()  # the lock must be the first write of its transaction (SQLite)
    limits.serialize("auth.login")
    by_user, by_ip = db.session.execute(
        select(
            func.count().filter(LoginFailure.username == username),
            func.count().filter(LoginFailure.ip == ip),
        ).where(
            LoginFailure.at >= since, or_(LoginFailure.username == username, LoginFailure.ip == ip)
        )
    ).one()
    if by_user >= limit or by_ip >= limit * IP_FACTOR:
        audit.record("auth.login_locked", "user", None, {"username": username, "ip": ip})
        db.session.commit()
        return SignIn(None, locked=True)
    # Failures older than the window count for nothing: drop them as we go.
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < since))
    db.session.add(LoginFailure(username=username[:50], ip=ip[:64]))
    db.session.commit()  # releases the lock; the slow hash runs outside it
    user = db.session.scalar(select(User).where(User.username == username))
    # An unknown account costs a hash check too, so timing does not tell which names exist.
    matches = check_password_hash(user.password_hash if user else _decoy_hash(), password)
    if user is None or not user.active or not matches:
        audit.record(
            "auth.login_failed", "user", user.id if user else None, {"username": username, "ip": ip}
        )
        db.session.commit()
        return SignIn(None)
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    audit.record("auth.login", "user", user.id, {"ip": ip}, actor=user)
    db.session.commit()
    return SignIn(user)


def record_logout(user: User) -> None:
    audit.record("auth.logout", "user", user.id, {}, actor=user)
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    """The user's own change: the current password proves it is them."""
    if not user.check_password(current):
        raise Refused(_("The current password is wrong."), "current_password")
    if new == current:
        raise Refused(_("Choose a password different from the current one."), "new_password")
    refused = weakness(new, user.username, user.display_name)
    if refused:
        raise Refused(refused, "new_password")
    user.set_password(new)
    user.must_change_password = False
    audit.record("auth.password_changed", "user", user.id, {}, actor=user)
    db.session.commit()


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.commit()


DEMO_KEY = "demo"


def is_demo() -> bool:
    """Whether the demo data is loaded: every page's DEMO banner asks, so it is read once
    per process (app) instead of a statement per page.

    Only ``parkops demo`` sets the flag and nothing removes it. Run in this process
    (``mark_demo``), it shows at once; run beside a serving process, that process shows the
    banner from its next start (demo data is loaded before serving it)."""
    kept = current_app.extensions.get("parkops_demo")
    if kept is None:
        kept = current_app.extensions["parkops_demo"] = (
            db.session.get(Setting, DEMO_KEY) is not None
        )
    return kept


def mark_demo() -> None:
    """Record that the demo data is loaded (``parkops demo``); the caller commits."""
    db.session.add(Setting(key=DEMO_KEY, value="1"))
    current_app.extensions["parkops_demo"] = True
