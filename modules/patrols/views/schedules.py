"""Schedules: the list and a new schedule."""

from flask import redirect, render_template, url_for
from flask_login import current_user

from modules.patrols import checklists, routes, schedules
from modules.patrols.errors import PatrolError
from modules.patrols.forms import ScheduleForm
from modules.patrols.models import Checklist, Route
from modules.patrols.views import bp
from modules.patrols.views.findings import people_at
from parkops.auth.access import get_for_site, require
from parkops.auth.models import User
from parkops.extensions import db


@bp.route("/patrols/schedules")
@require("patrols.view")
def schedule_list():
    return render_template(
        "patrols/schedules/list.html",
        schedules=schedules.visible_schedules(),
        may_manage=checklists.may_manage(current_user),
    )


@bp.route("/patrols/schedules/new", methods=["GET", "POST"])
@require("patrols.manage")
def schedule_new():
    form = ScheduleForm()
    form.checklist_id.choices = [
        (c.id, f"{c.site.code} {c.name}")
        for c in checklists.visible_checklists()
        if c.version_count and not c.unannounced
    ]
    form.route_id.choices = [(r.id, f"{r.site.code} {r.name}") for r in routes.visible_routes()]
    form.assignee_id.choices = people_at(None)[1:]
    status = 200
    if form.is_submitted():
        if form.validate():
            checklist = get_for_site(Checklist, form.checklist_id.data)
            route = get_for_site(Route, form.route_id.data)
            assignee = db.session.get(User, form.assignee_id.data)
            try:
                schedules.create_schedule(
                    checklist,
                    route,
                    form.times.data,
                    "".join(form.weekdays.data or []),
                    assignee,
                    form.window_minutes.data,
                    current_user,
                )
                return redirect(url_for("patrols.schedule_list"), 303)
            except PatrolError as refused:
                form.times.errors = [*form.times.errors, str(refused)]
        status = 422
    return render_template("patrols/schedules/form.html", form=form), status
