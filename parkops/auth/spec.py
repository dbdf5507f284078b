"""The auth component declared like any module: its routes and permissions."""

from flask_babel import lazy_gettext as _l

from parkops.auth.views import bp
from parkops.registry import ModuleSpec, Permission

spec = ModuleSpec(
    name="auth",
    label=_l("Accounts"),
    blueprint=bp,
    permissions=(
        Permission("admin.users", _l("Manage users, sites and departments"), ("admin",)),
        Permission("audit.view", _l("Read the audit log"), ("admin", "leader")),
    ),
)
