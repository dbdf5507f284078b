"""Appeals, closing a round and corrections: the responsible person appeals a
deduction from the zone's page; the lead's list of appeals to decide; closing; a
correction of a closed round proposed and approved by two people."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.greening import appeals
from modules.greening.models import (
    Appeal,
    AppealDecision,
    Assessment,
    Deduction,
    Round,
    ScoreCorrection,
)
from modules.greening.views import bp
from modules.greening.zones import GreeningError
from parkops import attachments, idempotency
from parkops.attachments import Attachment
from parkops.auth.access import get_for_site, require
from parkops.extensions import db


def _round_of(assessment_id: int) -> Round:
    """The assessment's round, 404 at another site."""
    assessment = db.session.get(Assessment, assessment_id) or abort(404)
    return get_for_site(Round, assessment.round_id)


def _zone_page(deduction: Deduction) -> str:
    assessment = db.session.get(Assessment, deduction.assessment_id)
    return url_for("greening.assess_zone", round_id=assessment.round_id, zone_id=assessment.zone_id)


@bp.route("/deductions/<int:deduction_id>/appeal", methods=["POST"])
@require("greening.work")
def appeal(deduction_id: int):
    key = request.form.get(idempotency.FIELD)
    if earlier := idempotency.previous_result(key):
        return redirect(earlier, 303)
    deduction = db.session.get(Deduction, deduction_id) or abort(404)
    _round_of(deduction.assessment_id)
    back = _zone_page(deduction)
    try:
        appeals.file_appeal(
            deduction,
            request.form.get("reason", ""),
            request.files.get("photo"),
            current_user,
            key,
            back,
        )
    except GreeningError as error:
        flash(str(error), "error")
    else:
        flash(_("Appeal sent: the lead decides."), "success")
    return redirect(back, 303)


@bp.route("/appeals")
@require("greening.manage")
def appeals_page():
    waiting = appeals.pending(current_user.site_ids)
    return render_template(
        "greening/rounds/appeals.html",
        waiting=waiting,
        zone_pages={a.id: _zone_page(a.deduction) for a in waiting},
    )


@bp.route("/appeals/<int:appeal_id>/decide", methods=["POST"])
@require("greening.manage")
def decide_appeal(appeal_id: int):
    appeal_ = db.session.get(Appeal, appeal_id) or abort(404)
    _round_of(appeal_.deduction.assessment_id)
    try:
        decision = AppealDecision(request.form.get("decision", ""))
    except ValueError:
        abort(400)
    try:
        appeals.decide(appeal_, decision, request.form.get("note", ""), current_user)
    except GreeningError as error:
        flash(str(error), "error")
    else:
        flash(_("Appeal decided."), "success")
    back = request.form.get("next") == "zone"
    return redirect(
        _zone_page(appeal_.deduction) if back else url_for("greening.appeals_page"), 303
    )


@bp.route("/appeals/photos/<int:attachment_id>")
@require("greening.view", "greening.manage")
def appeal_photo(attachment_id: int):
    photo = db.session.get(Attachment, attachment_id) or abort(404)
    if photo.owner_kind != appeals.PHOTO_APPEAL:
        abort(404)
    appeal_ = db.session.get(Appeal, photo.owner_id) or abort(404)
    _round_of(appeal_.deduction.assessment_id)
    return attachments.send(photo, thumbnail=request.args.get("thumb") == "1")


@bp.route("/rounds/<int:round_id>/close", methods=["POST"])
@require("greening.assess", "greening.manage")
def close_round(round_id: int):
    round_ = get_for_site(Round, round_id)
    try:
        appeals.close_round(round_, current_user)
    except GreeningError as error:
        flash(str(error), "error")
    else:
        flash(_("Round closed: its scores are locked."), "success")
    return redirect(url_for("greening.round", round_id=round_.id), 303)


@bp.route("/assessments/<int:assessment_id>/corrections", methods=["POST"])
@require("greening.manage")
def propose_correction(assessment_id: int):
    round_ = _round_of(assessment_id)
    assessment = db.session.get(Assessment, assessment_id)
    try:
        appeals.propose_correction(
            assessment,
            request.form.get("score", type=int),
            request.form.get("reason", ""),
            current_user,
        )
    except GreeningError as error:
        flash(str(error), "error")
    else:
        flash(_("ScoreCorrection proposed: a second person approves it."), "success")
    return redirect(
        url_for("greening.assess_zone", round_id=round_.id, zone_id=assessment.zone_id), 303
    )


@bp.route("/corrections/<int:correction_id>/decide", methods=["POST"])
@require("greening.manage")
def decide_correction(correction_id: int):
    correction = db.session.get(ScoreCorrection, correction_id) or abort(404)
    round_ = _round_of(correction.assessment_id)
    try:
        appeals.decide_correction(correction, request.form.get("approve") == "1", current_user)
    except GreeningError as error:
        flash(str(error), "error")
    else:
        flash(_("ScoreCorrection decided."), "success")
    return redirect(
        url_for("greening.assess_zone", round_id=round_.id, zone_id=correction.assessment.zone_id),
        303,
    )
