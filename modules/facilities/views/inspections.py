"""Inspections: the one-tap "inspected, fine", the patrol's due list, one inspection."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.facilities import inspections
from modules.facilities.models import Inspection
from modules.facilities.views import bp, repeat
from modules.facilities.views.registry import facility_or_404, visible_sites
from parkops import idempotency
from parkops.auth.access import check_site, require
from parkops.extensions import db
from parkops.page_cache import cached_page
from parkops.query_args import int_arg
from parkops.timeutil import business_day, week_start


@bp.route("/facilities/<int:facility_id>/inspect", methods=["POST"])
@require("facilities.inspect")
def inspect(facility_id: int):
    facility = facility_or_404(facility_id)
    again = repeat()
    if again:
        return again
    inspections.log_inspection(facility, current_user, request.form.get(idempotency.FIELD))
    flash(_("Inspection recorded: %(code)s is fine.", code=facility.code), "success")
    return redirect(url_for("facilities.scan", token=facility.token), 303)


@bp.route("/facilities/patrol")
@require("facilities.view")
@cached_page
def patrol_view():
    today = business_day()
    site_ids = current_user.site_ids
    site_id = int_arg("site")
    if site_id:
        check_site(site_id)
    area = request.args.get("area")
    scope = [site_id] if site_id else site_ids
    today_cov, week_cov = inspections.coverages(scope, week_start(today), today)
    return render_template(
        "facilities/inspections/patrol.html",
        today=today,
        sites={s.id: s for s in visible_sites()},
        site_id=site_id,
        area=area,
        areas=inspections.due_by_area(scope, today),
        due=inspections.due_list(scope, today, area=area),
        limit=inspections.DUE_LIST_LIMIT,
        today_cov=today_cov,
        week_cov=week_cov,
    )


@bp.route("/facilities/inspections/<int:id>")
@require("facilities.view")
def inspection(id: int):  # noqa: A002  the evidence endpoint's argument is called id
    record = db.session.get(Inspection, id) or abort(404)
    check_site(record.site_id)
    return render_template("facilities/inspections/inspection.html", inspection=record)
