"""Zones and their roster: the list, one zone, add, edit, a roster change."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from modules.greening import calendar, zones
from modules.greening.forms import RosterForm, ZoneEditForm, ZoneForm
from modules.greening.models import Grade, Zone, ZoneKind
from modules.greening.views import VIEW, bp, visible_sites
from parkops import conflicts
from parkops.auth.access import check_site, get_for_site, require
from parkops.auth.models import User
from parkops.extensions import db
from parkops.paging import paginate
from parkops.query_args import date_arg, int_arg
from parkops.timeutil import business_day


def _person(person_id: int | None) -> User | None:
    return db.session.get(User, person_id) if person_id else None


def _people_choices(site_ids) -> list[tuple[int, str]]:
    people: dict[int, User] = {}
    for site_id in site_ids:
        people.update({u.id: u for u in zones.responsible_candidates(site_id)})
    ordered = sorted(people.values(), key=lambda u: u.display_name)
    return [SelectChoice(0, _("— choose —"))] + [
        SelectChoice(u.id, u.display_name) for u in ordered
    ]


MINE_SHOWN = 12  # of the zones one answers for, listed above the list


@bp.route("/")
@require(*VIEW)
def index():
    """The zones, a page at a time (``?page=``), filtered by ``?q=`` (code or name),
    ``?site=`` and ``?mine=1`` (the zones one answers for today)."""
    text = request.args.get("q", "").strip()[:50]
    only_mine = request.args.get("mine") == "1"
    site_ids = current_user.site_ids
    site_id = int_arg("site")
    if site_id is not None:
        check_site(site_id)
        site_ids = {site_id}
    filters = site_ids, text, current_user if only_mine else None
    page = paginate(zones.zone_rows_query(*filters), count=zones.zones_count(*filters))
    sites = visible_sites()
    mine = paginate(zones.zone_rows_query(current_user.site_ids, mine=current_user), MINE_SHOWN, 1)
    return render_template(
        "greening/zones/index.html",
        page=page,
        mine=mine,
        only_mine=only_mine,
        text=text,
        site_id=site_id,
        sites=sites,
        may_add=any(zones.may_manage(current_user, s.id) for s in sites),
    )


def _zone_data(form: ZoneForm, site_id: int) -> zones.ZoneData:
    return zones.ZoneData(
        site_id=site_id,
        code=form.code.data or "",
        name=form.name.data or "",
        area_m2=form.area_m2.data,
        kind=ZoneKind(form.kind.data),
        grade=Grade(form.grade.data),
        notes=form.notes.data or "",
    )


_EDITED = conflicts.fields("code", "name", "area_m2", "kind", "grade", "notes")


@bp.route("/zones/new", methods=["GET", "POST"])
@require("greening.manage")
def new_zone():
    form = ZoneForm()
    sites = visible_sites()
    form.site_id.choices = [SelectChoice(s.id, s.name) for s in sites]
    form.responsible_id.choices = _people_choices([s.id for s in sites])
    if form.validate_on_submit():
        check_site(form.site_id.data)
        try:
            zone = zones.create_zone(
                _zone_data(form, form.site_id.data),
                _person(form.responsible_id.data),
                form.team.data or "",
                current_user,
            )
        except zones.GreeningError as refused:
            form.responsible_id.errors = [str(refused)]
        else:
            flash(_("Zone %(code)s added.", code=zone.code), "success")
            return redirect(url_for("greening.zone", zone_id=zone.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("greening/zones/form.html", form=form, zone=None), status


@bp.route("/zones/<int:zone_id>/edit", methods=["GET", "POST"])
@require("greening.manage")
def edit_zone(zone_id: int):
    zone = get_for_site(Zone, zone_id)
    form = ZoneEditForm(obj=zone)
    # A zone stays at its site: the page does not offer the choice, so nor does the form.
    del form.site_id
    if request.method == "GET":
        conflicts.stamp(form, zone, _EDITED)
    if form.validate_on_submit():
        if (conflict := conflicts.changed_since(form, zone, _EDITED)) is not None:
            page = render_template(
                "greening/zones/form.html", form=form, zone=zone, conflict=conflict
            )
            return page, conflicts.CONFLICT
        try:
            zones.update_zone(zone, _zone_data(form, zone.site_id), current_user)
        except zones.GreeningError as refused:
            form.code.errors = [str(refused)]
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("greening.zone", zone_id=zone.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("greening/zones/form.html", form=form, zone=zone), status


def _zone_page(zone: Zone, form: RosterForm, status: int = 200):
    asked_day = date_arg("on")
    return (
        render_template(
            "greening/zones/zone.html",
            zone=zone,
            today=zones.entry_on(zone.id, business_day()),
            history=zones.history(zone.id),
            asked_day=asked_day,
            asked=zones.entry_on(zone.id, asked_day) if asked_day else None,
            form=form,
            may_manage=zones.may_manage(current_user, zone.site_id),
            done=calendar.latest_done(zone.id),
        ),
        status,
    )


def _roster_form(zone: Zone) -> RosterForm:
    form = RosterForm()
    form.responsible_id.choices = _people_choices([zone.site_id])
    if form.starts_on.data is None and request.method == "GET":
        form.starts_on.data = business_day()
    return form


@bp.route("/zones/<int:zone_id>")
@require(*VIEW)
def zone(zone_id: int):
    found = get_for_site(Zone, zone_id)
    return _zone_page(found, _roster_form(found))


@bp.route("/zones/<int:zone_id>/roster", methods=["POST"])
@require("greening.manage")
def roster(zone_id: int):
    found = get_for_site(Zone, zone_id)
    form = _roster_form(found)
    if form.validate():
        try:
            zones.assign(
                found,
                _person(form.responsible_id.data),
                form.team.data or "",
                form.starts_on.data,
                current_user,
            )
        except zones.GreeningError as refused:
            form.responsible_id.errors = [str(refused)]
        else:
            flash(_("Roster changed."), "success")
            return redirect(url_for("greening.zone", zone_id=found.id), 303)
    return _zone_page(found, form, 422)
