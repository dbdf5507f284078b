"""A run sheet for offline use: a checklist on a route with no run yet. The phone keeps it
(the service worker), and a run is started from it with no network: the script queues
the start (with the phone's time and a key) and the scans and answers after it, which
name the run by that key (``/patrols/runs/started/<key>/…``). Without script its Start
button posts as usual."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from modules.patrols import schedules
from modules.patrols.forms import ScanForm
from modules.patrols.models import Checklist, Route
from modules.patrols.views import bp
from parkops.auth.access import get_for_site, require


@bp.route("/patrols/sheet", methods=["POST"])
@require("patrols.run", "patrols.patrol")
def sheet_pick():
    """The start form's *Keep on the phone* button: the sheet of the chosen pair."""
    checklist_id = request.form.get("checklist_id", type=int) or abort(404)
    route_id = request.form.get("route_id", type=int) or abort(404)
    return redirect(url_for("patrols.sheet", checklist_id=checklist_id, route_id=route_id), 303)


@bp.route("/patrols/sheets/<int:checklist_id>/<int:route_id>")
@require("patrols.run", "patrols.patrol")
def sheet(checklist_id: int, route_id: int):
    checklist = get_for_site(Checklist, checklist_id)
    route = get_for_site(Route, route_id)
    if checklist.site_id != route.site_id or checklist.current_version is None:
        abort(404)
    if not current_user.can("patrols.run"):  # a crew: only the pairs it is scheduled for
        theirs = [
            s
            for s in schedules.visible_schedules(current_user)
            if (s.checklist_id, s.route_id) == (checklist.id, route.id)
        ]
        if not theirs:
            abort(404)
    return render_template(
        "patrols/runs/sheet.html",
        checklist=checklist,
        version=checklist.current_version,
        route=route,
        scan_form=ScanForm(formdata=None),
    )
