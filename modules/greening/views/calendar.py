"""Task types (list, add, edit), a zone's task calendar and the lead's completion."""

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.greening import calendar, task_types, tasks
from modules.greening.forms import TaskTypeEditForm, TaskTypeForm
from modules.greening.models import TaskType, Zone, ZoneKind
from modules.greening.views import VIEW, bp, visible_sites
from modules.greening.zones import GreeningError
from parkops import conflicts
from parkops.auth.access import check_site, get_for_site, require
from parkops.extensions import db
from parkops.query_args import date_arg, int_arg, month_arg
from parkops.timeutil import business_day


@bp.route("/task-types")
@require(*VIEW)
def task_types_page():
    return render_template(
        "greening/tasks/types.html",
        types=task_types.all_types(),
        season=task_types.season,
        may_manage=current_user.can("greening.manage"),
    )


def _data(form: TaskTypeForm) -> tasks.TaskTypeData:
    start_month, start_day = (int(p) for p in form.season_start.data.split("-"))
    end_month, end_day = (int(p) for p in form.season_end.data.split("-"))
    return tasks.TaskTypeData(
        form.name.data,
        ZoneKind(form.zone_kind.data),
        start_month,
        start_day,
        end_month,
        end_day,
        form.frequency_days.data,
    )


def _saved(_form, kind: TaskType) -> dict:
    """A task type as its form holds it (field name → value)."""
    return {
        "name": kind.name,
        "zone_kind": kind.zone_kind.value,
        "season_start": f"{kind.start_month:02d}-{kind.start_day:02d}",
        "season_end": f"{kind.end_month:02d}-{kind.end_day:02d}",
        "frequency_days": kind.frequency_days,
    }


@bp.route("/task-types/new", methods=["GET", "POST"])
@bp.route("/task-types/<int:type_id>/edit", methods=["GET", "POST"])
@require("greening.manage")
def task_type_form(type_id: int | None = None):
    kind = db.get_or_404(TaskType, type_id) if type_id else None
    form = TaskTypeForm() if kind is None else TaskTypeEditForm(obj=kind)
    if kind is not None and request.method == "GET":
        form.zone_kind.data = kind.zone_kind.value
        form.season_start.data = f"{kind.start_month:02d}-{kind.start_day:02d}"
        form.season_end.data = f"{kind.end_month:02d}-{kind.end_day:02d}"
        conflicts.stamp(form, kind, _saved)
    if form.validate_on_submit():
        conflict = None if kind is None else conflicts.changed_since(form, kind, _saved)
        if conflict is not None:
            page = render_template(
                "greening/tasks/type_form.html", form=form, kind=kind, conflict=conflict
            )
            return page, conflicts.CONFLICT
        try:
            if kind is None:
                tasks.add_task_type(_data(form), current_user)
            else:
                task_types.update_task_type(kind, _data(form), current_user)
        except GreeningError as refused:
            form.season_start.errors = [str(refused)]
        else:
            flash(_("Saved: tasks not yet in the calendar follow it."), "success")
            return redirect(url_for("greening.task_types_page"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("greening/tasks/type_form.html", form=form, kind=kind), status


@bp.route("/zones/<int:zone_id>/calendar")
@require(*VIEW)
def zone_calendar(zone_id: int):
    """One month of the zone's tasks (``?month=YYYY-MM``), each with its state and, when
    done, its photo."""
    zone = get_for_site(Zone, zone_id)
    today = business_day()
    first = month_arg("month") or today.replace(day=1)
    by_day = calendar.month_tasks(zone.id, first)
    return render_template(
        "greening/tasks/calendar.html",
        zone=zone,
        first=first,
        weeks=calendar.month_weeks(first),
        by_day=by_day,
        state=calendar.state,
        today=today,
        previous=(first.replace(day=1) - date.resolution).strftime("%Y-%m"),
        following=(first.replace(day=28) + 4 * date.resolution).strftime("%Y-%m"),
    )


@bp.route("/completion")
@require("greening.manage")
def completion():
    """Tasks by state per zone (50 zones a page, ``?page=``) and per person for a week or
    a month (``?period=week|month&on=YYYY-MM-DD&site=<id>``)."""
    today = business_day()
    kind = "week" if request.args.get("period") == "week" else "month"
    on = date_arg("on") or today
    site_ids = current_user.site_ids
    site_id = int_arg("site")
    if site_id is not None:
        check_site(site_id)
        site_ids = {site_id}
    first, last = calendar.period(kind, on)
    per_zone, per_person = calendar.completion(site_ids, first, last, today)
    return render_template(
        "greening/tasks/completion.html",
        kind=kind,
        first=first,
        last=last,
        per_zone=per_zone,
        per_person=per_person,
        sites=visible_sites(),
        site_id=site_id,
        previous=(first - date.resolution).isoformat(),
        following=(last + date.resolution).isoformat(),
    )
