"""The facility register's pages: the list, one facility, add/edit, new token, types, squads."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from modules.facilities import queries, registry, reports
from modules.facilities.errors import FacilityError
from modules.facilities.forms import (
    FacilityEditForm,
    FacilityForm,
    ReportForm,
    SquadLeadForm,
    TypeEditForm,
    TypeForm,
)
from modules.facilities.models import Facility, FacilityStatus, FacilityType
from modules.facilities.views import bp, uploads
from parkops import conflicts
from parkops.auth.access import check_site, require, site_filter
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.paging import page_arg, paginate_capped, paginate_objects
from parkops.query_args import int_arg
from parkops.timeutil import business_day, utcnow


def visible_sites() -> list[Site]:
    """The sites the signed-in user works at, by code."""
    return list(db.session.scalars(select(Site).where(site_filter(Site.id)).order_by(Site.code)))


def facility_types() -> list[FacilityType]:
    return list(db.session.scalars(select(FacilityType).order_by(FacilityType.name)))


def facility_or_404(facility_id: int) -> Facility:
    """The facility, if it exists and is at one of the user's sites (else 404 / 403)."""
    facility = db.session.get(Facility, facility_id) or abort(404)
    check_site(facility.site_id)
    return facility


def facility_filter() -> queries.FacilityFilter:
    """The list's filter from the query string (shared by the list, labels and export)."""
    status = request.args.get("status")
    return queries.FacilityFilter(
        site_id=int_arg("site"),
        type_id=int_arg("type"),
        status=FacilityStatus(status) if status in FacilityStatus._value2member_map_ else None,
        area=request.args.get("area", "").strip(),
        text=request.args.get("q", "").strip()[:50],
    )


def _report_form(facility: Facility) -> ReportForm:
    form = ReportForm(formdata=None)
    form.category.choices = reports.category_choices(facility.type.code)
    return form


def facility_page(facility: Facility):
    """A facility as the crew sees it: open orders, recent repairs and inspections."""
    return render_template(
        "facilities/registry/facility.html",
        facility=facility,
        open_orders=queries.recent_orders(facility.id, open_only=True, limit=20),
        repairs=queries.recent_orders(facility.id, open_only=False),
        inspections=queries.recent_inspections(facility.id),
        report_form=_report_form(facility),
        now=utcnow(),
        today=business_day(),
    )


@bp.route("/facilities/<int:facility_id>")
@require("facilities.view")
def facility(facility_id: int):
    return facility_page(facility_or_404(facility_id))


@bp.route("/facilities/")
@require("facilities.view")
def index():
    f = facility_filter()
    number = page_arg()
    # A text search reads every facility's code and name: its count stops ten pages
    # ahead, so a search costs the same at 20,000 facilities as at 200.
    page = (
        paginate_capped(queries.facility_query(f), number)
        if f.text
        else paginate_objects(queries.facility_query(f), page=number)
    )
    return render_template(
        "facilities/registry/index.html",
        page=page,
        f=f,
        sites=visible_sites(),
        types=facility_types(),
        statuses=list(FacilityStatus),
    )


def _fill_choices(form: FacilityForm) -> None:
    form.site_id.choices = [(s.id, f"{s.code} {s.name}") for s in visible_sites()]
    form.type_id.choices = [(t.id, t.name) for t in facility_types()]


def _facility_data(form: FacilityForm) -> registry.FacilityData:
    return registry.FacilityData(
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
        photos = uploads("photo")
        try:
            facility = registry.create_facility(
                _facility_data(form), current_user, photos[0] if photos else None
            )
        except FacilityError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Facility %(code)s added.", code=facility.code), "success")
            return redirect(url_for("facilities.facility", facility_id=facility.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("facilities/registry/form.html", form=form, facility=None), status


@bp.route("/facilities/<int:facility_id>/edit", methods=["GET", "POST"])
@require("facilities.manage")
def edit(facility_id: int):
    facility = facility_or_404(facility_id)
    form = FacilityEditForm(obj=facility)
    _fill_choices(form)
    if request.method == "GET":
        conflicts.stamp(form, facility)
    if form.validate_on_submit():
        check_site(form.site_id.data)
        if (conflict := conflicts.changed_since(form, facility)) is not None:
            page = render_template(
                "facilities/registry/form.html", form=form, facility=facility, conflict=conflict
            )
            return page, conflicts.CONFLICT
        photos = uploads("photo")
        try:
            registry.update_facility(
                facility, _facility_data(form), current_user, photos[0] if photos else None
            )
        except FacilityError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("facilities.facility", facility_id=facility.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("facilities/registry/form.html", form=form, facility=facility), status


@bp.route("/facilities/<int:facility_id>/token", methods=["POST"])
@require("facilities.manage")
def reissue(facility_id: int):
    facility = facility_or_404(facility_id)
    registry.reissue_token(facility, current_user)
    flash(_("New label issued: the old QR code no longer works. Print the new one."), "warning")
    return redirect(url_for("facilities.facility", facility_id=facility.id), 303)


# --- types and squad leads ---------------------------------------------------------------


@bp.route("/facilities/types")
@require("facilities.manage")
def types():
    return render_template("facilities/registry/types.html", types=facility_types())


@bp.route("/facilities/types/new", methods=["GET", "POST"], defaults={"type_id": None})
@bp.route("/facilities/types/<int:type_id>", methods=["GET", "POST"])
@require("facilities.manage")
def type_form(type_id: int | None):
    ftype = db.session.get(FacilityType, type_id) if type_id else None
    if type_id and ftype is None:
        abort(404)
    form = TypeForm(obj=ftype) if ftype is None else TypeEditForm(obj=ftype)
    if ftype is not None and request.method == "GET":
        conflicts.stamp(form, ftype)
    if form.validate_on_submit():
        if ftype is not None and (conflict := conflicts.changed_since(form, ftype)) is not None:
            page = render_template(
                "facilities/registry/type_form.html", form=form, ftype=ftype, conflict=conflict
            )
            return page, conflicts.CONFLICT
        try:
            registry.save_type(
                ftype,
                form.code.data,
                form.name.data,
                form.interval_days.data,
                form.safety_critical.data,
                current_user,
            )
        except FacilityError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("facilities.types"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("facilities/registry/type_form.html", form=form, ftype=ftype), status


@bp.route("/facilities/squads", methods=["GET", "POST"])
@require("facilities.manage")
def squads():
    sites = visible_sites()
    if request.method == "POST":
        site = db.session.get(Site, request.form.get("site_id", type=int) or 0) or abort(404)
        check_site(site.id)
        form = SquadLeadForm()
        form.user_id.choices = [(0, "")] + [(u.id, "") for u in registry.crew_of_site(site.id)]
        if form.validate_on_submit():
            user = db.session.get(User, form.user_id.data) if form.user_id.data else None
            registry.set_squad_lead(site, user, current_user)
            flash(_("Squad lead saved."), "success")
            return redirect(url_for("facilities.squads"), 303)
        flash(_("Choose a member of the site's repair squad."), "error")
    page = render_template(
        "facilities/registry/squads.html",
        sites=sites,
        crews={s.id: registry.crew_of_site(s.id) for s in sites},
        leads=registry.squad_leads(),
    )
    return page, 422 if request.method == "POST" else 200
