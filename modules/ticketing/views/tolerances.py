"""The thresholds page moved to the core's /settings/ticketing (tolerances.py): the
old address, bookmarked by auditors, leads there."""

from flask import redirect, url_for

from modules.ticketing.views.base import bp
from parkops.auth.access import signed_in


@bp.route("/settings", methods=["GET", "POST"])
@signed_in  # /settings/ticketing checks the auditor's permission
def settings():
    return redirect(url_for("settings.module", module="ticketing"), 308)
