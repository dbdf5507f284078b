"""Schedules: the list, a new or changed schedule, ending one, and today's slots."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from modules.patrols import checklists, routes, schedules, slots
from modules.patrols.errors import PatrolError
from modules.patrols.forms import ScheduleForm
from modules.patrols.models import Checklist, Route, Schedule
from modules.patrols.views import bp
from modules.patrols.views.findings import people_at
from parkops import conflicts
from parkops.auth.access import get_for_site, require
from parkops.auth.models import Department, User
from parkops.extensions import db
from parkops.timeutil import business_day, utcnow


@bp.route("/patrols/schedules")
@require("patrols.view")
def schedule_list():
    return render_template(
        "patrols/schedules/list.html",
        schedules=schedules.visible_schedules(current_user),
        may_manage=checklists.may_manage(current_user),
    )


@bp.route("/patrols/today")
@require("patrols.view", "patrols.patrol")
def today():
    """Today's slots with their state: every slot at the user's sites for inspectors and
    leaders; a crew's own (and its team's) for the others. A slot due and open gets a
    Start button (the runs page's start, with its checklist and route) for whoever may
    start a run: inspectors (patrols.run), and a crew for its own slots (all it sees)."""
    now = utcnow()
    return render_template(
        "patrols/schedules/today.html",
        day=business_day(now),
        slots=slots.today_slots(current_user, now),
        now=now,
        may_start=current_user.can("patrols.run") or current_user.can("patrols.patrol"),
    )


def _assignee_choices() -> list[tuple[str, str]]:
    teams = db.session.scalars(
        select(Department).where(Department.active).order_by(Department.name)
    )
    people = [(f"u{i}", name) for i, name in people_at(None)[1:]]
    return people + [(f"d{t.id}", _("Team: %(name)s", name=t.name)) for t in teams]


def _assignee(value: str) -> User | Department:
    model = {"u": User, "d": Department}.get(value[:1])
    found = db.session.get(model, int(value[1:])) if model and value[1:].isdigit() else None
    return found or abort(400)


def _form(schedule: Schedule | None) -> ScheduleForm:
    form = ScheduleForm(obj=schedule)
    if schedule is not None and not form.is_submitted():
        form.weekdays.data = list(schedule.weekdays)
        form.assignee.data = (
            f"u{schedule.assignee_id}" if schedule.assignee_id else f"d{schedule.department_id}"
        )
    form.checklist_id.choices = [
        (c.id, f"{c.site.code} {c.name}")
        for c in checklists.visible_checklists()
        if c.version_count
    ]
    form.route_id.choices = [(r.id, f"{r.site.code} {r.name}") for r in routes.visible_routes()]
    form.assignee.choices = _assignee_choices()
    return form


def _open_schedule(schedule_id: int) -> Schedule:
    found = get_for_site(Schedule, schedule_id)
    return abort(404) if found.ended_at is not None else found


def _as_form(schedule: Schedule) -> dict:
    """A schedule as its form holds it (field name → value)."""
    return {
        "checklist_id": schedule.checklist_id,
        "route_id": schedule.route_id,
        "times": schedule.times,
        "weekdays": list(schedule.weekdays),
        "assignee": f"u{schedule.assignee_id}"
        if schedule.assignee_id
        else f"d{schedule.department_id}",
        "window_minutes": schedule.window_minutes,
    }


def _changed_meanwhile(ended: Schedule):
    """A change posted from the page of a schedule someone ended since: the conflict,
    against the schedule that replaced it (the one created as it ended), if any; the
    form posts to that one's edit, or makes a new one."""
    successor = db.session.scalar(
        select(Schedule).where(
            Schedule.site_id == ended.site_id,
            Schedule.created_at == ended.ended_at,
            Schedule.ended_at.is_(None),
        )
    )
    form = _form(successor)
    form.validate()
    conflict = [] if successor is None else conflicts.differences(form, _as_form(successor))
    page = render_template(
        "patrols/schedules/form.html", form=form, schedule=successor, conflict=conflict
    )
    return page, conflicts.CONFLICT


@bp.route("/patrols/schedules/new", methods=["GET", "POST"])
@bp.route("/patrols/schedules/<int:schedule_id>/edit", methods=["GET", "POST"])
@require("patrols.manage")
def schedule_form(schedule_id: int | None = None):
    """A new schedule, or a change to one (saving ends it now and starts the changed one).
    A schedule is never edited in place, so its id is the page's version: a change
    posted to one that has ended since gets the conflict page."""
    if schedule_id and request.method == "POST":
        replacing = get_for_site(Schedule, schedule_id)
        conflicts.lock(replacing)  # two saves of one page: one after the other
        db.session.refresh(replacing)
        if replacing.ended_at is not None:
            return _changed_meanwhile(replacing)
    else:
        replacing = _open_schedule(schedule_id) if schedule_id else None
    form = _form(replacing)
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                schedules.save_schedule(
                    get_for_site(Checklist, form.checklist_id.data),
                    get_for_site(Route, form.route_id.data),
                    form.times.data,
                    "".join(form.weekdays.data or []),
                    _assignee(form.assignee.data),
                    form.window_minutes.data,
                    current_user,
                    replacing,
                )
                flash(_("Schedule saved."), "success")
                return redirect(url_for("patrols.schedule_list"), 303)
            except PatrolError as refused:
                form.times.errors = [*form.times.errors, str(refused)]
        status = 422
    page = render_template("patrols/schedules/form.html", form=form, schedule=replacing)
    return page, status


@bp.route("/patrols/schedules/<int:schedule_id>/end", methods=["POST"])
@require("patrols.manage")
def schedule_end(schedule_id: int):
    try:
        schedules.end_schedule(_open_schedule(schedule_id), current_user)
        flash(_("The schedule has ended: no slots from now on."), "success")
    except PatrolError as refused:
        flash(str(refused), "error")
    return redirect(url_for("patrols.schedule_list"), 303)
