"""The ledger declared like any module."""

from flask_babel import lazy_gettext as _l

from parkops.auth.models import ROLES
from parkops.rectification import readings
from parkops.rectification.jobs import JOB, weekly_reminder
from parkops.rectification.views import bp
from parkops.registry import JobSpec, ModuleSpec, NavEntry, Permission

STAFF = tuple(r for r in ROLES if r != "admin")

spec = ModuleSpec(
    name="rectification",
    label=_l("Rectification ledger"),
    blueprint=bp,
    url_prefix="/ledger",
    nav=(NavEntry(_l("Ledger"), "rectification.index", "ledger.view", "ledger"),),
    permissions=(
        Permission("ledger.view", _l("Read the rectification ledger"), STAFF),
        Permission("ledger.edit", _l("Edit problems, measures and regulations"), ("office",)),
        Permission(
            "ledger.report", _l("Write progress reports on any problem"), ("office", "leader")
        ),
        Permission("ledger.export", _l("Export the ledger"), ("office", "leader")),
    ),
    jobs=(
        JobSpec(JOB, weekly_reminder, "cron", {"day_of_week": "mon", "hour": 8, "minute": 0}),
        JobSpec(readings.JOB, readings.refresh, "interval", {"minutes": readings.REFRESH_MINUTES}),
    ),
)
