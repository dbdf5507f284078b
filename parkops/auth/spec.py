"""The auth component declared like any module: its routes, permissions and nav."""

from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l

from parkops.auth import admin_views, audit_views
from parkops.auth.views import bp
from parkops.registry import ModuleSpec, NavEntry, Permission


@bp.record_once
def _register_administration(state: BlueprintSetupState) -> None:
    # Administration and the audit log are blueprints of their own (their own
    # URL prefix and nav highlight), registered together with sign-in.
    state.app.register_blueprint(admin_views.bp)
    state.app.register_blueprint(audit_views.bp)


spec = ModuleSpec(
    name="auth",
    label=_l("Accounts"),
    blueprint=bp,
    nav=(
        NavEntry(_l("Administration"), "admin.users", "admin.users"),
        NavEntry(_l("Audit log"), "audit.index", "audit.view"),
    ),
    permissions=(
        Permission("admin.users", _l("Manage users, sites and departments"), ("admin",)),
        Permission("audit.view", _l("Read the audit log"), ("admin", "leader")),
    ),
)
