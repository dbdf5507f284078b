"""Who may use which route.

Every view declares its access with one of the decorators below. A
``before_request`` hook enforces the declaration and refuses (403) any
endpoint that declares nothing, so a forgotten decorator fails closed.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import lazyload

from parkops.auth import identity
from parkops.auth.models import Site, User, UserRole
from parkops.extensions import db
from parkops.registry import registry

PUBLIC = "public"
SIGNED_IN = "signed_in"
T = TypeVar("T")


def _mark(view: Callable, access: tuple) -> Callable:
    view.parkops_access = access
    return view


def public(view: Callable) -> Callable:
    """Anyone, signed in or not (login page, a visitor's QR scan)."""
    return _mark(view, (PUBLIC,))


def signed_in(view: Callable) -> Callable:
    """Any signed-in user (home page, own notifications, language)."""
    return _mark(view, (SIGNED_IN,))


def require(*permissions: str) -> Callable[[Callable], Callable]:
    """Signed in and holding at least one of ``permissions``."""

    def decorate(view: Callable) -> Callable:
        return _mark(view, ("permission", *permissions))

    return decorate


def access_of(view: Callable | None) -> tuple | None:
    return getattr(view, "parkops_access", None)


def role_permissions(app: Flask) -> dict[str, frozenset[str]]:
    """role → permissions, from the default roles the specs declare; admin holds all."""
    perms = registry(app).permissions
    granted: dict[str, set[str]] = {"admin": set(perms)}
    for perm in perms.values():
        for role in perm.default_roles:
            granted.setdefault(role, set()).add(perm.name)
    return {role: frozenset(p) for role, p in granted.items()}


def _enforce():
    if request.endpoint is None:  # 404 and friends: nothing to protect
        return None
    if request.endpoint == "static" or request.endpoint.endswith(".static"):
        return None  # stylesheets, scripts, images: the core's and a module's own
    access = access_of(current_app.view_functions.get(request.endpoint))
    if access is None:
        current_app.logger.error("route %s declares no access; refused", request.endpoint)
        abort(403)
    if access[0] == PUBLIC:
        return None
    found = identity.current()
    if found is None:
        return current_app.login_manager.unauthorized()
    if access[0] == SIGNED_IN:
        return None
    if not any(found.can(p) for p in access[1:]):
        abort(403)
    return None


def init_app(app: Flask) -> None:
    app.extensions["parkops_role_permissions"] = role_permissions(app)
    app.before_request(_enforce)


def site_filter(column):
    """A WHERE clause limiting ``column`` (a site_id) to the current user's sites."""
    site_ids = current_user.site_ids
    return column.is_not(None) if site_ids is None else column.in_(site_ids)


def check_site(site_id: int | None) -> None:
    """Object-level check: 404 (not 403) so another site's records stay unseen."""
    if not current_user.can_see_site(site_id):
        abort(404)


def get_for_site(model: type[T], object_id: int) -> T:
    """The ``model`` row with ``object_id`` (the model has a ``site_id``), or 404 when
    it is missing or at a site the current user may not see: the two look alike, so
    another site's records stay unseen."""
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    check_site(found.site_id)
    return found


def users_holding(permission: str, site_id: int) -> list[User]:
    """Active users whose roles grant ``permission`` (admin holds every permission) and
    who work at the site (or at all sites), by id; one query."""
    granted = current_app.extensions["parkops_role_permissions"]
    roles = sorted(role for role, perms in granted.items() if permission in perms)
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.active,
                User.role_rows.any(UserRole.role.in_(roles)),
                or_(User.all_sites, User.sites.any(Site.id == site_id)),
            )
            .order_by(User.id)
            # Roles and sites load when a caller reads them, not with every list.
            .options(lazyload(User.role_rows), lazyload(User.sites))
        )
    )
