"""Administration: accounts, sites and departments.

One public function is one transaction. Every change is audited with the old
and new value of each field it touched (never a password). Refusals raise
``Refused`` before anything is written.
"""

import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from parkops import audit
from parkops.auth.models import ROLES, Department, LoginFailure, Site, User, UserRole
from parkops.auth.passwords import weakness
from parkops.auth.services import Refused
from parkops.extensions import db

# Read aloud or copied from paper: no 0/o, 1/l/i look-alikes; 12 letters carry ~59 bits.
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass
class Account:
    """What an administrator sets on an account (not the username or password)."""

    display_name: str
    email: str
    roles: list[str]
    all_sites: bool
    site_ids: list[int]
    department_id: int | None


def _snapshot(user: User) -> dict:
    return {
        "display_name": user.display_name,
        "email": user.email,
        "roles": sorted(user.roles),
        "all_sites": user.all_sites,
        "sites": sorted(s.code for s in user.sites),
        "department": user.department.name if user.department else None,
    }


def _changes(before: dict, after: dict) -> dict:
    return {key: [before[key], after[key]] for key in after if before.get(key) != after[key]}


def _active_admins() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(User)
        .join(UserRole)
        .where(User.active, UserRole.role == "admin")
    )


def _apply(user: User, account: Account) -> None:
    unknown = set(account.roles) - set(ROLES)
    if unknown:
        raise Refused(_("Unknown role: %(role)s.", role=", ".join(sorted(unknown))), "roles")
    if not account.roles:
        raise Refused(_("Choose at least one role."), "roles")
    sites = db.session.scalars(select(Site).where(Site.id.in_(account.site_ids))).all()
    if len(sites) != len(set(account.site_ids)):
        raise Refused(_("Unknown site."), "sites")
    if not account.all_sites and not sites:
        raise Refused(_("Choose the sites this user works at, or all sites."), "sites")
    department = None
    if account.department_id is not None:
        department = db.session.get(Department, account.department_id)
        if department is None:
            raise Refused(_("Unknown department."), "department_id")
    user.display_name = account.display_name
    user.email = account.email
    user.set_roles(account.roles)
    user.all_sites = account.all_sites
    user.sites = [] if account.all_sites else list(sites)
    user.department = department


def create_user(username: str, password: str, account: Account) -> User:
    """A new account whose owner must choose their own password at first sign-in."""
    username = username.strip().lower()
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Refused(_("The username %(name)s is taken.", name=username), "username")
    refused = weakness(password, username, account.display_name)
    if refused:
        raise Refused(refused, "password")
    user = User(username=username, must_change_password=True)
    _apply(user, account)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the same name created at the same moment elsewhere
        db.session.rollback()
        raise Refused(_("The username %(name)s is taken.", name=username), "username") from exc
    audit.record("admin.user_created", "user", user.id, {"username": username, **_snapshot(user)})
    db.session.commit()
    return user


def update_user(user: User, account: Account, acting: User) -> None:
    before = _snapshot(user)
    was_admin = "admin" in user.roles
    _apply(user, account)
    if was_admin and "admin" not in user.roles:
        if user.id == acting.id:
            db.session.rollback()
            raise Refused(_("You cannot remove your own administrator role."), "roles")
        if user.active and _active_admins() == 0:
            db.session.rollback()
            raise Refused(_("The last active administrator keeps the role."), "roles")
    changes = _changes(before, _snapshot(user))
    if changes:
        audit.record("admin.user_updated", "user", user.id, {"changes": changes})
    db.session.commit()


def set_user_active(user: User, active: bool, acting: User) -> None:
    if user.active == active:
        return
    if not active:
        if user.id == acting.id:
            raise Refused(_("You cannot deactivate your own account."))
        if "admin" in user.roles and _active_admins() <= 1:
            raise Refused(_("The last active administrator cannot be deactivated."))
    user.active = active
    if not active:
        user.session_version += 1  # reactivation must not revive the sessions it ended
    action = "admin.user_reactivated" if active else "admin.user_deactivated"
    audit.record(action, "user", user.id, {"changes": {"active": [not active, active]}})
    db.session.commit()


def reset_password(user: User) -> str:
    """A one-time password to hand over; the user must replace it at next sign-in.

    The reset also lifts a lock from failed sign-ins: the administrator vouches for
    who asked.
    """
    groups = ("".join(secrets.choice(ONE_TIME_ALPHABET) for _n in range(4)) for _g in range(3))
    password = "-".join(groups)
    user.set_password(password)
    user.must_change_password = True
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == user.username))
    audit.record("admin.user_password_reset", "user", user.id, {"username": user.username})
    db.session.commit()
    return password


def _unique(model, column, value, exclude_id: int | None, message: str, field: str) -> None:
    query = select(model.id).where(column == value)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise Refused(message, field)


def save_site(site: Site | None, code: str, name: str) -> Site:
    """Create (``site`` None) or rename a site."""
    code = code.strip().upper()
    name = name.strip()
    _unique(
        Site,
        Site.code,
        code,
        site.id if site else None,
        _("The code %(code)s is used by another site.", code=code),
        "code",
    )
    if site is None:
        site = Site(code=code, name=name)
        db.session.add(site)
        db.session.flush()
        audit.record("admin.site_created", "site", site.id, {"code": code, "name": name})
    else:
        changes = _changes({"code": site.code, "name": site.name}, {"code": code, "name": name})
        site.code, site.name = code, name
        if changes:
            audit.record("admin.site_updated", "site", site.id, {"changes": changes})
    db.session.commit()
    return site


def set_site_active(site: Site, active: bool) -> None:
    """Sites are never deleted: records keep pointing at them; inactive ones are not offered."""
    if site.active == active:
        return
    site.active = active
    action = "admin.site_reactivated" if active else "admin.site_deactivated"
    audit.record(action, "site", site.id, {"changes": {"active": [not active, active]}})
    db.session.commit()


def save_department(department: Department | None, name: str) -> Department:
    name = name.strip()
    _unique(
        Department,
        Department.name,
        name,
        department.id if department else None,
        _("A department named %(name)s exists already.", name=name),
        "name",
    )
    if department is None:
        department = Department(name=name)
        db.session.add(department)
        db.session.flush()
        audit.record("admin.department_created", "department", department.id, {"name": name})
    elif department.name != name:
        audit.record(
            "admin.department_updated",
            "department",
            department.id,
            {"changes": {"name": [department.name, name]}},
        )
        department.name = name
    db.session.commit()
    return department


def set_department_active(department: Department, active: bool) -> None:
    if department.active == active:
        return
    department.active = active
    action = "admin.department_reactivated" if active else "admin.department_deactivated"
    audit.record(action, "department", department.id, {"changes": {"active": [not active, active]}})
    db.session.commit()
