"""Routes for the registry, labels, scanning and the patrol; orders are in order_views.py.

Thin: parse the request, call a service, render or redirect (303 after POST).
The scan address ``/q/<token>`` sits outside ``/facilities`` so QR codes stay short.
"""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from modules.facilities import imports, labels, patrol, queries, services, texts
from modules.facilities.forms import (
    FacilityForm,
    ImportForm,
    ReportForm,
    SquadLeadForm,
    TypeForm,
    VisitorReportForm,
)
from modules.facilities.models import (
    Facility,
    FacilityStatus,
    FacilityType,
    Inspection,
    Priority,
    RepairOrder,
)
from parkops import attachments, idempotency
from parkops.attachments import Attachment
from parkops.auth.access import check_site, public, require, site_filter
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.timeutil import business_day, utcnow

bp = Blueprint("facilities", __name__)
SHEET_LIMIT = 1000  # labels on one print sheet; narrow the filter for more


@bp.app_template_global("fac_label")
def _fac_label(value) -> str:
    return texts.label(value)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _visible_sites() -> list[Site]:
    return list(db.session.scalars(select(Site).where(site_filter(Site.id)).order_by(Site.code)))


def _types() -> list[FacilityType]:
    return list(db.session.scalars(select(FacilityType).order_by(FacilityType.name)))


def facility_or_404(facility_id: int) -> Facility:
    facility = db.session.get(Facility, facility_id) or abort(404)
    check_site(facility.site_id)
    return facility


def _uploads(name: str) -> list:
    return [f for f in request.files.getlist(name) if f and f.filename]


def _repeat():
    """A phone's retry of a form already taken: go where the first post went."""
    url = idempotency.previous_result(request.form.get(idempotency.FIELD))
    return redirect(url, 303) if url else None


# --- scanning a label --------------------------------------------------------------------


def _crew_may_see(facility: Facility) -> bool:
    return (
        current_user.is_authenticated
        and current_user.can("facilities.view")
        and current_user.can_see_site(facility.site_id)
    )


@bp.route("/q/<token>", methods=["GET", "POST"])
@public
def scan(token: str):
    facility = services.facility_by_token(token)
    if facility is None:
        return render_template("facilities/scan_unknown.html"), 404
    if request.method == "GET" and _crew_may_see(facility):
        return _facility_page(facility)
    form = VisitorReportForm()
    open_order = bool(queries.recent_orders(facility.id, open_only=True, limit=1))
    if form.validate_on_submit():
        repeat = _repeat()
        if repeat:
            return repeat
        photos = _uploads("photo")
        try:
            outcome = services.visitor_report(
                facility,
                form.description.data,
                photos[0] if photos else None,
                form.phone.data or "",
                request.remote_addr or "",
                request.form.get(idempotency.FIELD),
            )
        except services.RateLimited as exc:
            return render_template(
                "facilities/scan_visitor.html",
                facility=facility,
                form=form,
                open_order=open_order,
                error=str(exc),
            ), 429
        except services.FacilityError as exc:
            form.photo.errors = [str(exc)]
        else:
            return redirect(
                url_for("facilities.scan_thanks", token=token, joined=int(outcome.joined)), 303
            )
    status = 400 if request.method == "POST" else 200
    return render_template(
        "facilities/scan_visitor.html", facility=facility, form=form, open_order=open_order
    ), status


@bp.route("/q/<token>/thanks")
@public
def scan_thanks(token: str):
    facility = services.facility_by_token(token)
    if facility is None:
        return render_template("facilities/scan_unknown.html"), 404
    return render_template(
        "facilities/scan_thanks.html", facility=facility, joined=request.args.get("joined") == "1"
    )


def _facility_page(facility: Facility):
    open_orders = queries.recent_orders(facility.id, open_only=True, limit=20)
    inspections = db.session.scalars(
        select(Inspection)
        .where(Inspection.facility_id == facility.id)
        .order_by(Inspection.at.desc())
        .limit(5)
    ).all()
    return render_template(
        "facilities/facility.html",
        facility=facility,
        open_orders=open_orders,
        repairs=queries.recent_orders(facility.id, open_only=False),
        inspections=inspections,
        now=utcnow(),
        today=business_day(),
    )


# --- crew actions on a facility ----------------------------------------------------------


@bp.route("/facilities/<int:facility_id>")
@require("facilities.view")
def facility(facility_id: int):
    return _facility_page(facility_or_404(facility_id))


@bp.route("/facilities/<int:facility_id>/inspect", methods=["POST"])
@require("facilities.inspect")
def inspect(facility_id: int):
    facility = facility_or_404(facility_id)
    repeat = _repeat()
    if repeat:
        return repeat
    services.log_inspection(facility, current_user, request.form.get(idempotency.FIELD))
    flash(_("Inspection recorded: %(code)s is fine.", code=facility.code), "success")
    return redirect(url_for("facilities.scan", token=facility.token), 303)


@bp.route("/facilities/<int:facility_id>/report", methods=["GET", "POST"])
@require("facilities.inspect")
def report(facility_id: int):
    facility = facility_or_404(facility_id)
    form = ReportForm()
    if form.validate_on_submit():
        repeat = _repeat()
        if repeat:
            return repeat
        try:
            order = services.report_damage(
                facility,
                current_user,
                form.description.data,
                Priority(form.priority.data),
                form.hazardous.data,
                _uploads("photos"),
                request.form.get(idempotency.FIELD),
            )
        except services.FacilityError as exc:
            form.photos.errors = [str(exc)]
        else:
            if order.takes_out_of_service:
                flash(_("%(code)s is now out of service.", code=facility.code), "warning")
            flash(_("Repair order %(id)s opened.", id=order.id), "success")
            return redirect(url_for("facilities.order", id=order.id), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("facilities/report.html", facility=facility, form=form), status


# --- the registry ------------------------------------------------------------------------


def _facility_filter() -> queries.FacilityFilter:
    status = request.args.get("status")
    return queries.FacilityFilter(
        site_id=_int_arg("site"),
        type_id=_int_arg("type"),
        status=FacilityStatus(status) if status in FacilityStatus._value2member_map_ else None,
        area=request.args.get("area", "").strip(),
        text=request.args.get("q", "").strip()[:50],
    )


@bp.route("/facilities/")
@require("facilities.view")
def index():
    f = _facility_filter()
    page = db.paginate(
        queries.facility_query(f), page=_int_arg("page") or 1, per_page=50, error_out=False
    )
    return render_template(
        "facilities/index.html",
        page=page,
        f=f,
        sites=_visible_sites(),
        types=_types(),
        statuses=list(FacilityStatus),
    )


def _fill_choices(form: FacilityForm) -> None:
    form.site_id.choices = [(s.id, f"{s.code} {s.name}") for s in _visible_sites()]
    form.type_id.choices = [(t.id, t.name) for t in _types()]


def _facility_data(form: FacilityForm) -> services.FacilityData:
    return services.FacilityData(
        site_id=form.site_id.data,
        code=form.code.data,
        name=form.name.data,
        type_id=form.type_id.data,
        area=form.area.data or "",
        location=form.location.data or "",
        latitude=form.latitude.data,
        longitude=form.longitude.data,
        installed_on=form.installed_on.data,
        team=form.team.data or "",
        notes=form.notes.data or "",
    )


@bp.route("/facilities/new", methods=["GET", "POST"])
@require("facilities.manage")
def new():
    form = FacilityForm()
    _fill_choices(form)
    if form.validate_on_submit():
        check_site(form.site_id.data)
        photos = _uploads("photo")
        try:
            facility = services.create_facility(
                _facility_data(form), current_user, photos[0] if photos else None
            )
        except services.FacilityError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Facility %(code)s added.", code=facility.code), "success")
            return redirect(url_for("facilities.facility", facility_id=facility.id), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("facilities/form.html", form=form, facility=None), status


@bp.route("/facilities/<int:facility_id>/edit", methods=["GET", "POST"])
@require("facilities.manage")
def edit(facility_id: int):
    facility = facility_or_404(facility_id)
    form = FacilityForm(obj=facility)
    _fill_choices(form)
    if form.validate_on_submit():
        check_site(form.site_id.data)
        photos = _uploads("photo")
        try:
            services.update_facility(
                facility, _facility_data(form), current_user, photos[0] if photos else None
            )
        except services.FacilityError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("facilities.facility", facility_id=facility.id), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("facilities/form.html", form=form, facility=facility), status


@bp.route("/facilities/<int:facility_id>/token", methods=["POST"])
@require("facilities.manage")
def reissue(facility_id: int):
    facility = facility_or_404(facility_id)
    services.reissue_token(facility, current_user)
    flash(_("New label issued: the old QR code no longer works. Print the new one."), "warning")
    return redirect(url_for("facilities.facility", facility_id=facility.id), 303)


@bp.route("/facilities/<int:facility_id>/label.png")
@require("facilities.view")
def label(facility_id: int):
    facility = facility_or_404(facility_id)
    response = Response(labels.label_png(facility), mimetype="image/png")
    response.headers["Content-Disposition"] = f'inline; filename="{facility.code}.png"'
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/facilities/labels")
@require("facilities.manage")
def sheet():
    f = _facility_filter()
    facilities = db.session.scalars(queries.facility_query(f).limit(SHEET_LIMIT + 1)).all()
    return render_template(
        "facilities/labels.html",
        facilities=facilities[:SHEET_LIMIT],
        truncated=len(facilities) > SHEET_LIMIT,
        limit=SHEET_LIMIT,
        f=f,
        qr_svg=labels.qr_svg,
    )


@bp.route("/facilities/export.<fmt>")
@require("facilities.view")
def export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    facilities = db.session.scalars(queries.facility_query(_facility_filter()))
    chinese = str(get_locale()) == "zh"
    if fmt == "csv":
        data, mimetype = imports.export_csv(facilities, chinese), "text/csv"
    else:
        data = imports.export_xlsx(facilities, chinese)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(data, mimetype=mimetype)
    stamp = business_day().isoformat()
    response.headers["Content-Disposition"] = f'attachment; filename="facilities-{stamp}.{fmt}"'
    return response


@bp.route("/facilities/import", methods=["GET", "POST"])
@require("facilities.manage")
def import_():
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
        if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
            flash(_("The file is too large."), "error")
        else:
            try:
                result = imports.import_file(upload.filename or "", data, current_user)
            except services.FacilityError as exc:
                flash(str(exc), "error")
    status = 400 if request.method == "POST" and result is None else 200
    return render_template("facilities/import.html", form=form, result=result), status


# --- types and squad leads ---------------------------------------------------------------


@bp.route("/facilities/types")
@require("facilities.manage")
def types():
    return render_template("facilities/types.html", types=_types())


@bp.route("/facilities/types/new", methods=["GET", "POST"], defaults={"type_id": None})
@bp.route("/facilities/types/<int:type_id>", methods=["GET", "POST"])
@require("facilities.manage")
def type_form(type_id: int | None):
    ftype = db.session.get(FacilityType, type_id) if type_id else None
    if type_id and ftype is None:
        abort(404)
    form = TypeForm(obj=ftype)
    if form.validate_on_submit():
        try:
            services.save_type(
                ftype,
                form.code.data,
                form.name.data,
                form.interval_days.data,
                form.safety_critical.data,
                current_user,
            )
        except services.FacilityError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("facilities.types"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("facilities/type_form.html", form=form, ftype=ftype), status


@bp.route("/facilities/squads", methods=["GET", "POST"])
@require("facilities.manage")
def squads():
    sites = _visible_sites()
    if request.method == "POST":
        site = db.session.get(Site, request.form.get("site_id", type=int) or 0) or abort(404)
        check_site(site.id)
        form = SquadLeadForm()
        form.user_id.choices = [(0, "")] + [(u.id, "") for u in services.crew_of_site(site.id)]
        if form.validate_on_submit():
            user = db.session.get(User, form.user_id.data) if form.user_id.data else None
            services.set_squad_lead(site, user, current_user)
            flash(_("Squad lead saved."), "success")
            return redirect(url_for("facilities.squads"), 303)
        flash(_("Choose a member of the site's repair squad."), "error")
    return render_template(
        "facilities/squads.html",
        sites=sites,
        crews={s.id: services.crew_of_site(s.id) for s in sites},
        leads=services.squad_leads(),
    )


# --- the patrol --------------------------------------------------------------------------


@bp.route("/facilities/patrol")
@require("facilities.view")
def patrol_view():
    today = business_day()
    site_ids = current_user.site_ids
    site_id = _int_arg("site")
    if site_id:
        check_site(site_id)
    area = request.args.get("area")
    scope = [site_id] if site_id else site_ids
    return render_template(
        "facilities/patrol.html",
        today=today,
        sites={s.id: s for s in _visible_sites()},
        site_id=site_id,
        area=area,
        areas=patrol.due_by_area(scope, today),
        due=patrol.due_list(scope, today, area=area),
        limit=patrol.DUE_LIST_LIMIT,
        today_cov=patrol.today_coverage(scope, today),
        week_cov=patrol.week_coverage(scope, today),
    )


@bp.route("/facilities/inspections/<int:id>")
@require("facilities.view")
def inspection(id: int):  # noqa: A002  the evidence endpoint's argument is called id
    record = db.session.get(Inspection, id) or abort(404)
    check_site(record.site_id)
    return render_template("facilities/inspection.html", inspection=record)


@bp.route("/facilities/photos/<int:attachment_id>")
@require("facilities.view")
def photo(attachment_id: int):
    attachment = db.session.get(Attachment, attachment_id) or abort(404)
    if attachment.owner_kind in (services.PHOTO_BEFORE, services.PHOTO_AFTER):
        owner = db.session.get(RepairOrder, attachment.owner_id)
    elif attachment.owner_kind == services.PHOTO_FACILITY:
        owner = db.session.get(Facility, attachment.owner_id)
    else:
        abort(404)
    if owner is None:
        abort(404)
    check_site(owner.site_id)
    return attachments.send(attachment, thumbnail=request.args.get("thumb") == "1")
