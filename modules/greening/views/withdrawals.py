"""Withdrawing a deduction recorded by mistake, from the zone's page in an open round."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.greening import withdrawals
from modules.greening.models import Assessment, Deduction, Round
from modules.greening.views import bp
from modules.greening.zones import GreeningError
from parkops.auth.access import get_for_site, require
from parkops.extensions import db


@bp.route("/deductions/<int:deduction_id>/withdraw", methods=["POST"])
@require("greening.assess", "greening.manage")
def withdraw_deduction(deduction_id: int):
    deduction = db.session.get(Deduction, deduction_id) or abort(404)
    assessment = db.session.get(Assessment, deduction.assessment_id)
    get_for_site(Round, assessment.round_id)  # 404 at another site
    try:
        withdrawals.withdraw(deduction, request.form.get("reason", ""), current_user)
    except GreeningError as error:
        flash(str(error), "error")
    else:
        flash(_("Deduction withdrawn: score %(score)d.", score=assessment.score), "success")
    return redirect(
        url_for("greening.assess_zone", round_id=assessment.round_id, zone_id=assessment.zone_id),
        303,
    )
