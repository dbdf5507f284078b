"""The auditor's thresholds for the blind count (tolerances.py)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from modules.ticketing import errors, tolerances
from modules.ticketing.forms import ThresholdsForm
from modules.ticketing.permissions import AUDIT
from modules.ticketing.views.base import actor, bp, refuse
from parkops.auth.access import require


@bp.route("/settings", methods=["GET", "POST"])
@require(AUDIT)
def settings():
    form = ThresholdsForm()
    if form.validate_on_submit():
        try:
            tolerances.set_thresholds(form.tolerance.data, form.second_count.data, actor())
            flash(_("Thresholds saved."), "success")
            return redirect(url_for("ticketing.settings"), 303)
        except errors.TicketingError as error:
            refuse(error)
    elif request.method == "GET":
        form.tolerance.data, form.second_count.data = tolerances.thresholds()
    status = 422 if request.method == "POST" else 200
    return render_template("ticketing/tolerances/settings.html", form=form), status
