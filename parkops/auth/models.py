"""Accounts and the organisation they belong to."""

import hmac
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from parkops.db import Base, utcnow

ROLES = (
    "admin",
    "leader",
    "office",
    "crew",
    "gardener",
    "assessor",
    "cashier",
    "auditor",
    "finance",
    "merchants",
    "inspector",
)
ROLE_LABELS = {
    "admin": _l("Administrator"),
    "leader": _l("Leader"),
    "office": _l("Rectification office"),
    "crew": _l("Repair squad"),
    "gardener": _l("Gardener"),
    "assessor": _l("Greening assessor"),
    "cashier": _l("Ticket seller"),
    "auditor": _l("Ticket auditor"),
    "finance": _l("Finance"),
    "merchants": _l("Merchant manager"),
    "inspector": _l("Supervisor"),
}

user_sites = Table(
    "user_sites",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
)


class Site(Base):
    """A scenic area; every operational record belongs to one."""

    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    # Counts administrators' saves of the edit form (parkops.conflicts.claim), not
    # sign-ins, sign-outs or language changes: a stale form is refused, not applied.
    edit_version: Mapped[int] = mapped_column(default=1, server_default="1")


class Department(Base):
    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Counts administrators' saves of the edit form (parkops.conflicts.claim), not
    # sign-ins, sign-outs or language changes: a stale form is refused, not applied.
    edit_version: Mapped[int] = mapped_column(default=1, server_default="1")


class UserRole(Base):
    __tablename__ = "user_roles"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(30), primary_key=True)


class User(UserMixin, Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    # Leaders, the office and admins work across every site of the installation.
    all_sites: Mapped[bool] = mapped_column(default=False)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    locale: Mapped[str | None] = mapped_column(String(10))
    # Set when an administrator chose the password (new account, reset): the
    # user must pick their own before doing anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Counts administrators' saves of the edit form (parkops.conflicts.claim), not
    # sign-ins, sign-outs or language changes: a stale form is refused, not applied.
    edit_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Raised to end every open session of the account (deactivation).
    session_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    department: Mapped[Department | None] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(lazy="selectin", cascade="all, delete-orphan")
    sites: Mapped[list[Site]] = relationship(secondary=user_sites, lazy="selectin")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def set_roles(self, roles) -> None:
        self.role_rows = [UserRole(role=r) for r in sorted(set(roles))]

    def set_password(self, password: str) -> None:
        # Tests set TEST_PASSWORD_HASH to a one-iteration method: the default costs
        # 0.1 s a user. It is honoured only in a TESTING app, never in production.
        cheap = current_app.config.get("TEST_PASSWORD_HASH") if current_app.testing else None
        self.password_hash = generate_password_hash(password, method=cheap or "scrypt")

    def get_id(self) -> str:
        # The session names the account and a token of its password and session
        # version, so that a password change, a reset or a deactivation ends every
        # session opened before it.
        return f"{self.id}:{self.session_token}"

    @property
    def session_token(self) -> str:
        key = current_app.secret_key
        key = key.encode() if isinstance(key, str) else key
        message = f"{self.session_version}:{self.password_hash}".encode()
        return hmac.new(key, message, "sha256").hexdigest()[:32]

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def site_ids(self) -> set[int] | None:
        """The sites this user may see; None means every site."""
        return None if self.all_sites else {s.id for s in self.sites}

    def can(self, permission: str) -> bool:
        granted = current_app.extensions["parkops_role_permissions"]
        return any(permission in granted.get(role, ()) for role in self.roles)

    def can_see_site(self, site_id: int | None) -> bool:
        return self.all_sites or site_id in {s.id for s in self.sites}


class UserGram(Base):
    """A piece of one or two characters (each character lowercased) of an active
    account's display name or username, with the account's place in the people search's
    order (display name, username): the index ``parkops/people.py``'s search walks in
    that order. Kept by its listeners when an account is added, renamed, deactivated or
    reactivated; deactivated accounts have none."""

    __tablename__ = "user_grams"
    __table_args__ = (Index("ix_user_grams_page", "gram", "display_name", "username", "user_id"),)
    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    display_name: Mapped[str] = mapped_column(String(100))
    username: Mapped[str] = mapped_column(String(50))


class LoginFailure(Base):
    """Failed logins, kept in the database so throttling holds across workers."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Setting(Base):
    """Installation-wide key/value settings (e.g. whether demo data is loaded)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))
