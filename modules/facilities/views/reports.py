"""Fault reports: a label's scan page (the visitor's form, or the facility for the crew),
the visitor's thank-you page and the crew's damage report."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.facilities import queries, registry, reports
from modules.facilities.errors import FacilityError
from modules.facilities.forms import ReportForm, VisitorReportForm
from modules.facilities.models import Facility, Priority
from modules.facilities.views import bp, repeat, uploads
from modules.facilities.views.registry import facility_or_404, facility_page
from parkops import idempotency
from parkops.auth.access import public, require


def _crew_may_see(facility: Facility) -> bool:
    return (
        current_user.is_authenticated
        and current_user.can("facilities.view")
        and current_user.can_see_site(facility.site_id)
    )


@bp.route("/q/<token>", methods=["GET", "POST"])
@public
def scan(token: str):
    facility = registry.facility_by_token(token)
    if facility is None:
        return render_template("facilities/reports/unknown_label.html"), 404
    if request.method == "GET" and _crew_may_see(facility):
        return facility_page(facility)
    form = VisitorReportForm()
    open_order = bool(queries.recent_orders(facility.id, open_only=True, limit=1))
    if form.validate_on_submit():
        again = repeat()
        if again:
            return again
        photos = uploads("photo")
        try:
            outcome = reports.visitor_report(
                facility,
                form.description.data,
                photos[0] if photos else None,
                form.phone.data or "",
                request.remote_addr or "",
                request.form.get(idempotency.FIELD),
            )
        except reports.RateLimited as exc:
            return render_template(
                "facilities/reports/visitor.html",
                facility=facility,
                form=form,
                open_order=open_order,
                error=str(exc),
            ), 429
        except FacilityError as exc:
            form.photo.errors = [str(exc)]
        else:
            return redirect(
                url_for("facilities.scan_thanks", token=token, joined=int(outcome.joined)), 303
            )
    status = 422 if request.method == "POST" else 200
    return render_template(
        "facilities/reports/visitor.html", facility=facility, form=form, open_order=open_order
    ), status


@bp.route("/q/<token>/thanks")
@public
def scan_thanks(token: str):
    facility = registry.facility_by_token(token)
    if facility is None:
        return render_template("facilities/reports/unknown_label.html"), 404
    return render_template(
        "facilities/reports/thanks.html",
        facility=facility,
        joined=request.args.get("joined") == "1",
    )


@bp.route("/facilities/<int:facility_id>/report", methods=["GET", "POST"])
@require("facilities.inspect")
def report(facility_id: int):
    facility = facility_or_404(facility_id)
    form = ReportForm()
    if form.validate_on_submit():
        again = repeat()
        if again:
            return again
        try:
            order = reports.report_damage(
                facility,
                current_user,
                form.description.data,
                Priority(form.priority.data),
                form.hazardous.data,
                uploads("photos"),
                request.form.get(idempotency.FIELD),
            )
        except FacilityError as exc:
            form.photos.errors = [str(exc)]
        else:
            if order.takes_out_of_service:
                flash(_("%(code)s is now out of service.", code=facility.code), "warning")
            flash(_("Repair order %(id)s opened.", id=order.id), "success")
            return redirect(url_for("facilities.order", id=order.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("facilities/reports/damage.html", facility=facility, form=form), status
