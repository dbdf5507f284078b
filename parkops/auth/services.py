"""Signing in, with throttling that holds across worker processes."""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select

from parkops import audit
from parkops.auth.models import LoginFailure, Setting, User
from parkops.extensions import db
from parkops.timeutil import utcnow

# An address may try more often than one account: a ticket office shares one IP.
IP_FACTOR = 4


@dataclass
class SignIn:
    user: User | None
    locked: bool = False


def authenticate(username: str, password: str, ip: str) -> SignIn:
    """Check a password; count failures per account and per address in the database."""
    username = username.strip().lower()
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
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
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not user.check_password(password):
        db.session.add(LoginFailure(username=username, ip=ip))
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


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.commit()


def is_demo() -> bool:
    return db.session.get(Setting, "demo") is not None
