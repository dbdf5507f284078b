"""Routes and their checkpoints: list, new, one route, a checkpoint's label PNG, the print
sheet, and the checkpoint scan address a label carries."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from modules.patrols import checklists, routes
from modules.patrols.errors import PatrolError
from modules.patrols.forms import RouteEditForm, RouteForm, ScanForm
from modules.patrols.models import Checkpoint, Route, Run
from modules.patrols.views import bp, site_choices
from parkops import conflicts, module_settings, qrlabels
from parkops.auth.access import check_site, get_for_site, require
from parkops.downloads import send_download
from parkops.extensions import db


@bp.route("/patrols/routes")
@require("patrols.view")
def route_list():
    return render_template(
        "patrols/routes/list.html",
        routes=routes.visible_routes(),
        may_manage=checklists.may_manage(current_user),
    )


@bp.route("/patrols/routes/new", methods=["GET", "POST"])
@require("patrols.manage")
def route_new():
    form = RouteForm()
    form.site_id.choices = site_choices()
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                points = routes.parse_checkpoints(form.checkpoints.data)
                made = routes.create_route(form.site_id.data, form.name.data, points, current_user)
                flash(_("Route added; print its checkpoints' labels from this page."), "success")
                return redirect(url_for("patrols.route", route_id=made.id), 303)
            except PatrolError as refused:
                form.checkpoints.errors = [*form.checkpoints.errors, str(refused)]
        status = 422
    return render_template("patrols/routes/form.html", form=form), status


def _lines(_form, route: Route) -> dict:
    """A route as its form holds it: the name and one line per checkpoint."""
    lines = "\n".join(f"{c.code} {c.name}" for c in route.checkpoints)
    return {"name": route.name, "checkpoints": lines}


@bp.route("/patrols/routes/<int:route_id>/edit", methods=["GET", "POST"])
@require("patrols.manage")
def route_edit(route_id: int):
    """Rename, add, remove and reorder checkpoints: the route's lines, edited."""
    found = get_for_site(Route, route_id)
    form = RouteEditForm(data={"site_id": found.site_id, **_lines(None, found)})
    form.site_id.choices = [(found.site_id, found.site.name)]
    status = 200
    if not form.is_submitted():
        conflicts.stamp(form, found, _lines)
    if form.is_submitted():
        if form.validate():
            if (conflict := conflicts.changed_since(form, found, _lines)) is not None:
                page = render_template(
                    "patrols/routes/form.html", form=form, route=found, conflict=conflict
                )
                return page, conflicts.CONFLICT
            try:
                points = routes.parse_checkpoints(form.checkpoints.data)
                routes.change_route(found, form.name.data, points, current_user)
                flash(_("Route saved."), "success")
                return redirect(url_for("patrols.route", route_id=found.id), 303)
            except PatrolError as refused:
                form.checkpoints.errors = [*form.checkpoints.errors, str(refused)]
        status = 422
    return render_template("patrols/routes/form.html", form=form, route=found), status


@bp.route("/patrols/checkpoints/<int:checkpoint_id>/reissue", methods=["POST"])
@require("patrols.manage")
def checkpoint_reissue(checkpoint_id: int):
    point = _checkpoint_or_404(checkpoint_id)
    try:
        routes.reissue_label(point, current_user)
        flash(
            _(
                "A new label for %(point)s: print it; the old one no longer counts.",
                point=point.code,
            ),
            "success",
        )
    except PatrolError as refused:
        flash(str(refused), "error")
    return redirect(url_for("patrols.route", route_id=point.route_id), 303)


@bp.route("/patrols/routes/<int:route_id>")
@require("patrols.view")
def route(route_id: int):
    found = get_for_site(Route, route_id)
    return render_template(
        "patrols/routes/route.html",
        route=found,
        may_manage=checklists.may_manage(current_user, found.site_id),
    )


def _checkpoint_or_404(checkpoint_id: int) -> Checkpoint:
    found = db.session.get(Checkpoint, checkpoint_id) or abort(404)
    check_site(found.route.site_id)
    return found


@bp.route("/patrols/checkpoints/<int:checkpoint_id>/label.png")
@require("patrols.view")
def checkpoint_label(checkpoint_id: int):
    point = _checkpoint_or_404(checkpoint_id)
    font_path = qrlabels.cjk_font_path(module_settings.get("patrols.label_font"))
    hint = point.route.name
    png = qrlabels.label_png(routes.scan_url(point), point.code, point.name, hint, font_path)
    return send_download(png, f"{point.code}.png", "image/png", inline=True)


@bp.route("/patrols/routes/<int:route_id>/labels")
@require("patrols.manage")
def route_labels(route_id: int):
    found = get_for_site(Route, route_id)
    return render_template(
        "patrols/routes/labels.html",
        route=found,
        qr_svg=lambda point: qrlabels.qr_svg(routes.scan_url(point)),
        base_url_warning=qrlabels.base_url_warning(),
    )


@bp.route("/pc/<token>")
@require("patrols.run", "patrols.patrol")
def checkpoint_scan(token: str):
    """What a phone opens from a checkpoint label: the user's open runs on its route, each
    with a button that records the scan (a POST, so a link alone never records presence)."""
    point = routes.checkpoint_by_token(token)
    if point is None or point.removed_at is not None:
        trouble = routes.label_trouble(token) or abort(404)
        return render_template("patrols/routes/scan.html", point=None, trouble=trouble), 410
    check_site(point.route.site_id)
    open_runs = db.session.scalars(
        select(Run)
        .where(
            Run.route_id == point.route_id,
            Run.inspector_id == current_user.id,
            Run.submitted_at.is_(None),
        )
        .order_by(Run.started_at.desc())
    ).all()
    form = ScanForm(scanned=token)
    return render_template("patrols/routes/scan.html", point=point, open_runs=open_runs, form=form)
