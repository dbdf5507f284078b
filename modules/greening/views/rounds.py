"""Assessment rounds: the list and opening one, a round's zones with their scores, and
one zone's page, the assessor's on a phone (the deductions item by item with photos;
readers see the same without the forms); a deduction's photo."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.greening import appeals, rounds, withdrawals, zones
from modules.greening.models import Assessment, Deduction, Round, RuleVersion, Zone
from modules.greening.views import VIEW, bp, visible_sites
from modules.greening.zones import GreeningError
from parkops import attachments, idempotency
from parkops.attachments import Attachment
from parkops.auth.access import check_site, get_for_site, require
from parkops.extensions import db
from parkops.paging import paginate
from parkops.query_args import DateOutOfRange, form_date
from parkops.timeutil import business_day

OPEN = ("greening.assess", "greening.manage")


def _round_and_zone(round_id: int, zone_id: int) -> tuple[Round, Zone]:
    """404 unless both exist at a site of the user's and the zone is the round's site's."""
    round_ = get_for_site(Round, round_id)
    zone = get_for_site(Zone, zone_id)
    if zone.site_id != round_.site_id:
        abort(404)
    return round_, zone


@bp.route("/rounds")
@require(*VIEW)
def rounds_page():
    sites = visible_sites()
    return render_template(
        "greening/rounds/index.html",
        page=paginate(rounds.rounds_at([s.id for s in sites])),
        open_sites=[s for s in sites if rounds.may_open(current_user, s.id)],
        this_month=business_day().strftime("%Y-%m"),
    )


@bp.route("/rounds", methods=["POST"])
@require(*OPEN)
def open_round():
    site_id = request.form.get("site_id", type=int)
    if site_id is None:
        abort(400)
    check_site(site_id)
    try:
        month = form_date(request.form.get("month", "").strip() + "-01")
        round_ = rounds.open_round(site_id, month, current_user)
    except (GreeningError, DateOutOfRange) as error:
        flash(str(error), "error")
        return redirect(url_for("greening.rounds_page"), 303)
    flash(_("Round %(month)s opened.", month=round_.label), "success")
    return redirect(url_for("greening.round", round_id=round_.id), 303)


@bp.route("/rounds/<int:round_id>", endpoint="round")
@require(*VIEW)
def round_page(round_id: int):
    round_ = get_for_site(Round, round_id)
    zones, scored, mean = rounds.progress(round_)
    return render_template(
        "greening/rounds/round.html",
        round=round_,
        page=paginate(rounds.zones_query(round_)),
        version=db.session.get(RuleVersion, round_.rule_version_id),
        mean=round(mean, 1) if mean is not None else None,
        scored=scored,
        zones=zones,
        may_assess=round_.closed_at is None and rounds.may_assess(current_user, round_.site_id),
        may_close=round_.closed_at is None and rounds.may_open(current_user, round_.site_id),
    )


@bp.route("/rounds/<int:round_id>/zones/<int:zone_id>")
@require(*VIEW)
def assess_zone(round_id: int, zone_id: int):
    round_, zone = _round_and_zone(round_id, zone_id)
    assessment = rounds.assessment_of(round_, zone)
    found = rounds.deductions_by_item(assessment)
    every = [d for ds in found.values() for d in ds]
    appealed = appeals.appeals_of([d.id for d in every])
    days = appeals.appeal_days() if every else 0
    return render_template(
        "greening/rounds/zone.html",
        round=round_,
        zone=zone,
        version=db.session.get(RuleVersion, round_.rule_version_id),
        assessment=assessment,
        found=found,
        appealed=appealed,
        may_appeal={
            d.id
            for d in every
            if d.id not in appealed
            and appeals.may_appeal(current_user, d, assessment, round_, days)
        },
        may_decide={a.id for a in appealed.values() if appeals.may_decide(current_user, a, round_)},
        may_withdraw={
            d.id
            for d in every
            if d.id not in appealed and withdrawals.may_withdraw(current_user, d, round_)
        },
        corrections=appeals.corrections_of(assessment),
        may_correct=round_.closed_at is not None and zones.may_manage(current_user, round_.site_id),
        today=zones.entry_on(zone.id, business_day()),
        may_assess=round_.closed_at is None and rounds.may_assess(current_user, round_.site_id),
        next_zone=rounds.next_unscored(round_, zone.code),
    )


@bp.route("/rounds/<int:round_id>/zones/<int:zone_id>/deductions", methods=["POST"])
@require("greening.assess")
def add_deduction(round_id: int, zone_id: int):
    back = url_for("greening.assess_zone", round_id=round_id, zone_id=zone_id)
    key = request.form.get(idempotency.FIELD)
    if earlier := idempotency.previous_result(key):
        return redirect(earlier, 303)
    round_, zone = _round_and_zone(round_id, zone_id)
    try:
        deduction = rounds.add_deduction(
            round_,
            zone,
            request.form.get("item_id", type=int),
            request.form.get("defects", type=int),
            request.form.get("note", ""),
            request.files.get("photo"),
            current_user,
            key,
            back,
        )
    except GreeningError as error:
        flash(str(error), "error")
        return redirect(back, 303)
    flash(_("%(points)d points deducted.", points=deduction.points), "success")
    return redirect(back, 303)


@bp.route("/rounds/<int:round_id>/zones/<int:zone_id>/checked", methods=["POST"])
@require("greening.assess")
def zone_checked(round_id: int, zone_id: int):
    key = request.form.get(idempotency.FIELD)
    if earlier := idempotency.previous_result(key):
        return redirect(earlier, 303)
    round_, zone = _round_and_zone(round_id, zone_id)
    after = rounds.next_unscored(round_, zone.code)
    onward = (
        url_for("greening.assess_zone", round_id=round_.id, zone_id=after.id)
        if after
        else url_for("greening.round", round_id=round_.id)
    )
    try:
        assessment = rounds.mark_checked(round_, zone, current_user, key, onward)
    except GreeningError as error:
        flash(str(error), "error")
        return redirect(url_for("greening.assess_zone", round_id=round_id, zone_id=zone_id), 303)
    flash(_("%(code)s scored %(score)d.", code=zone.code, score=assessment.score), "success")
    return redirect(onward, 303)


@bp.route("/deductions/photos/<int:attachment_id>")
@require(*VIEW)
def deduction_photo(attachment_id: int):
    photo = db.session.get(Attachment, attachment_id) or abort(404)
    if photo.owner_kind != rounds.PHOTO_DEDUCTION:
        abort(404)
    deduction = db.session.get(Deduction, photo.owner_id) or abort(404)
    assessment = db.session.get(Assessment, deduction.assessment_id)
    check_site(db.session.get(Zone, assessment.zone_id).site_id)
    return attachments.send(photo, thumbnail=request.args.get("thumb") == "1")
