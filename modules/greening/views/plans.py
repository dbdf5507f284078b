"""Site plans: the plan page (zones over the image, a list without script), the
image itself, its upload, and drawing a zone's outline."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.greening import plans, scores, zones
from modules.greening.models import Zone
from modules.greening.views import VIEW, bp, visible_sites
from parkops import attachments, conflicts
from parkops.auth.access import check_site, get_for_site, require
from parkops.paging import paginate
from parkops.query_args import int_arg


def _site_arg():
    """The site asked for (?site=), else the user's first; 404 for another's."""
    sites = visible_sites()
    site_id = int_arg("site")
    if site_id is None:
        return (sites[0] if sites else abort(404)), sites
    check_site(site_id)
    chosen = next((s for s in sites if s.id == site_id), None) or abort(404)
    return chosen, sites


def _plan_page(site, sites, error: str | None = None, status: int = 200):
    """The plan of one site's zones a page at a time (``?page=``, by code): the page's
    zones drawn on the image and listed below it, so the page costs the same for a
    site of 5 zones or 500 (``?mine=1``: the zones the user answers for today)."""
    mine = int_arg("mine") == 1
    filters = {site.id}, "", current_user if mine else None
    listed = paginate(zones.zones_query(*filters), count=zones.zones_count(*filters))
    listed_zones = [zone for zone, _entry in listed.items]
    zone_ids = [zone.id for zone in listed_zones]
    latest, mark = scores.latest(site.id, zone_ids), scores.pass_mark()
    bands = {zone_id: scores.band(p, mark) for zone_id, p in latest.items()}
    plan = plans.plan_of(site.id)
    drawn = []
    if plan and zone_ids:
        size = plan.attachment.width, plan.attachment.height
        drawn = plans.shapes(listed_zones, *size, latest, bands)
    page = render_template(
        "greening/plans/plan.html",
        site=site,
        sites=sites,
        plan=plan,
        shapes=drawn,
        page=listed,
        mine=mine,
        may_manage=zones.may_manage(current_user, site.id),
        error=error,
        latest=latest,
        bands=bands,
        pass_mark=mark,
    )
    return page, status


@bp.route("/plan")
@require(*VIEW)
def plan():
    return _plan_page(*_site_arg())


@bp.route("/plan/<int:site_id>/image")
@require(*VIEW)
def plan_image(site_id: int):
    check_site(site_id)
    found = plans.plan_of(site_id) or abort(404)
    return attachments.send(found.attachment)


@bp.route("/plan/<int:site_id>", methods=["POST"])
@require("greening.manage")
def upload_plan(site_id: int):
    sites = visible_sites()
    site = next((s for s in sites if s.id == site_id), None) or abort(404)
    try:
        plans.upload_plan(site_id, request.files.get("image"), current_user)
    except zones.GreeningError as refused:
        return _plan_page(site, sites, str(refused), 422)
    flash(_("Plan uploaded."), "success")
    return redirect(url_for("greening.plan", site=site_id), 303)


def _outline(zone: Zone) -> dict:
    """What the outline page edits, as saved: its version token hashes it."""
    return {"outline": zone.outline}


@bp.route("/zones/<int:zone_id>/outline", methods=["GET", "POST"])
@require("greening.manage")
def outline(zone_id: int):
    zone = get_for_site(Zone, zone_id)
    if not zones.may_manage(current_user, zone.site_id):
        abort(403)
    text, error, status, conflict = plans.outline_text(zone), None, 200, None
    if request.method == "POST":
        text = request.form.get("points", "")[:20_000]
        if conflicts.is_stale(zone, request.form.get("version"), _outline):
            saved = plans.outline_text(zone)
            conflict = [conflicts.Difference(_("Points"), saved or "—", text or "—")]
            status = conflicts.CONFLICT
        else:
            try:
                plans.set_outline(zone, text, current_user)
            except zones.GreeningError as refused:
                error, status = str(refused), 422
            else:
                flash(_("Outline saved."), "success")
                return redirect(url_for("greening.plan", site=zone.site_id), 303)
    page = render_template(
        "greening/plans/outline.html",
        zone=zone,
        plan=plans.plan_of(zone.site_id),
        text=text,
        error=error,
        drawn=plans.drawn,
        version=conflicts.fingerprint(_outline(zone)),
        conflict=conflict,
    )
    return page, status
