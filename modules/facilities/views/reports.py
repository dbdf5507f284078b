"""Fault reports: a label's scan page (the visitor's form, or the facility for the crew),
the visitor's confirmation and status pages, the crew's damage report and splitting a
report off an order."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from modules.facilities import registry, reports
from modules.facilities.errors import FacilityError
from modules.facilities.forms import ReportForm, SplitForm, StatusForm, VisitorReportForm
from modules.facilities.models import (
    Facility,
    FaultCategory,
    Priority,
    RepairOrder,
    VisitorReport,
)
from modules.facilities.views import bp, repeat, uploads
from modules.facilities.views.registry import facility_or_404, facility_page
from parkops import idempotency
from parkops.auth.access import get_for_site, public, require
from parkops.extensions import db
from parkops.page_cache import cached_page
from parkops.visitor_forms import visitor_form


def _crew_page(token: str):
    """The facility page when a signed-in crew member of its site scans the label, else
    None; one statement, and none for anyone who may not see facilities at all."""
    if not (current_user.is_authenticated and current_user.can("facilities.view")):
        return None
    facility = registry.facility_by_token(token)
    if facility is None or not current_user.can_see_site(facility.site_id):
        return None
    return facility_page(facility)


def _visitor_page(label: registry.ScanLabel, form, status: int = 200, error: str | None = None):
    return render_template(
        "facilities/reports/visitor.html",
        facility=label,
        form=form,
        error=error,
        photo_lost=_photo_sent("photo"),
        visitor_form=True,  # its forms carry a token needing no session: parkops.visitor_forms
    ), status


def _photo_sent(name: str) -> bool:
    """Whether this request carried a photo in field ``name``: a page sent back with an
    error cannot keep it (browsers never refill a file field), so it must be chosen again."""
    return request.method == "POST" and any(f.filename for f in request.files.getlist(name))


@bp.route("/q/<token>", methods=["GET", "POST"])
@public
@visitor_form
@cached_page
def scan(token: str):
    crew = _crew_page(token) if request.method == "GET" else None
    if crew is not None:
        return crew
    label = registry.label_by_token(token)
    if label is None:
        return render_template("facilities/reports/unknown_label.html"), 404
    form = VisitorReportForm()
    form.category.choices = reports.category_choices(label.type_code)
    if form.validate_on_submit():
        again = repeat()
        if again:
            return again
        photos = uploads("photo")
        try:
            outcome = reports.visitor_report(
                db.session.get(Facility, label.id),
                FaultCategory(form.category.data),
                form.description.data or "",
                photos[0] if photos else None,
                form.phone.data or "",
                request.remote_addr or "",
                request.form.get(idempotency.FIELD),
            )
        except reports.RateLimited as exc:
            return _visitor_page(label, form, 429, str(exc))
        except FacilityError as exc:
            form.photo.errors = [str(exc)]
        else:
            reference = reports.shown_reference(outcome.report.reference)
            return redirect(
                url_for("facilities.scan_thanks", token=token, reference=reference), 303
            )
    return _visitor_page(label, form, 422 if request.method == "POST" else 200)


def _report_by_reference(text: str) -> VisitorReport | None:
    reference = reports.normalize_reference(text)
    if not reference:
        return None
    return db.session.scalar(select(VisitorReport).where(VisitorReport.reference == reference))


@bp.route("/q/<token>/thanks/<reference>")
@public
def scan_thanks(token: str, reference: str):
    facility = registry.facility_by_token(token)
    report = _report_by_reference(reference)
    if facility is None or report is None or report.facility_id != facility.id:
        return render_template("facilities/reports/unknown_label.html"), 404
    return render_template(
        "facilities/reports/thanks.html",
        facility=facility,
        report=report,
        reference=reports.shown_reference(report.reference),
    )


@bp.route("/r")
@public
def report_status():
    """A visitor's report by its reference: the fault and where its repair stands,
    nothing personal (no text, phone, photo or names)."""
    form = StatusForm(request.args)
    report = _report_by_reference(form.ref.data) if form.ref.data else None
    order = db.session.get(RepairOrder, report.order_id) if report else None
    status = 404 if form.ref.data and report is None else 200
    return render_template(
        "facilities/reports/status.html",
        form=form,
        report=report,
        order=order,
        reference=reports.shown_reference(report.reference) if report else "",
    ), status


@bp.route("/facilities/<int:facility_id>/report", methods=["GET", "POST"])
@require("facilities.inspect")
def report(facility_id: int):
    facility = facility_or_404(facility_id)
    form = ReportForm()
    form.category.choices = reports.category_choices(facility.type.code)
    if form.validate_on_submit():
        again = repeat()
        if again:
            return again
        try:
            outcome = reports.report_damage(
                facility,
                current_user,
                form.description.data or "",
                Priority(form.priority.data),
                form.hazardous.data,
                uploads("photos"),
                request.form.get(idempotency.FIELD),
                FaultCategory(form.category.data),
            )
        except FacilityError as exc:
            form.photos.errors = [str(exc)]
        else:
            order = outcome.order
            if order.takes_out_of_service:
                flash(_("%(code)s is now out of service.", code=facility.code), "warning")
            if outcome.joined:
                flash(
                    _(
                        "Repair order %(id)s is already open for this fault: your report"
                        " was added to it.",
                        id=order.id,
                    ),
                    "success",
                )
            else:
                flash(_("Repair order %(id)s opened.", id=order.id), "success")
            return redirect(url_for("facilities.order", id=order.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "facilities/reports/damage.html",
        facility=facility,
        form=form,
        photo_lost=_photo_sent("photos"),
    ), status


@bp.route("/facilities/orders/<int:id>/reports/<int:report_id>/split", methods=["POST"])
@require("facilities.repair", "facilities.verify")
def split(id: int, report_id: int):  # noqa: A002  the order's argument is called id
    order = get_for_site(RepairOrder, id)
    if not reports.may_split(current_user, order):
        abort(403)
    form = SplitForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        new = reports.split_report(
            order, report_id, FaultCategory(form.category.data), current_user
        )
    except FacilityError as exc:
        flash(str(exc), "error")
        return redirect(url_for("facilities.order", id=order.id), 303)
    flash(_("The report is now repair order %(id)s.", id=new.id), "success")
    return redirect(url_for("facilities.order", id=new.id), 303)
