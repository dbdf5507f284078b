"""Tasks: the gardener's list for today (phone), done with a photo; a one-off task
from the lead; the photo of a done task."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.greening import tasks
from modules.greening.models import Task, Zone
from modules.greening.views import bp
from modules.greening.zones import GreeningError
from parkops import attachments, deciding, idempotency
from parkops.attachments import Attachment
from parkops.auth.access import check_site, get_for_site, require
from parkops.extensions import db
from parkops.paging import page_arg, paginate
from parkops.query_args import DateOutOfRange, form_date
from parkops.timeutil import business_day


def _my_task(task_id: int) -> Task:
    """The task, or 404 when it is missing, at another site, or in a zone the signed-in
    gardener does not answer for today: others' tasks stay unseen."""
    task = db.session.get(Task, task_id) or abort(404)
    check_site(task.zone.site_id)
    if not tasks.may_do(current_user, task):
        abort(404)
    return task


TASKS_SHOWN = 25  # task cards on one page of a phone


@bp.route("/tasks")
@require("greening.work")
def my_tasks():
    """The open tasks of the zones one answers for, overdue first, a page at a time
    (``?page=``); the headings count all of them."""
    today = business_day()
    mine = tasks.my_zones(current_user, today)
    overdue_count, today_count = tasks.open_counts(mine, today)
    page = paginate(  # counted above (the headings): no second count
        tasks.open_task_rows_query(mine, today),
        TASKS_SHOWN,
        page_arg(),
        total=overdue_count + today_count,
    )
    return render_template(
        "greening/tasks/mine.html",
        page=page,
        overdue=[t for t in page.items if t.due_on < today],
        due_today=[t for t in page.items if t.due_on == today],
        overdue_count=overdue_count,
        today_count=today_count,
        today=today,
    )


@bp.route("/tasks/<int:task_id>/done", methods=["POST"])
@require("greening.work")
def task_done(task_id: int):
    done_url = url_for("greening.my_tasks")
    if earlier := idempotency.previous_result(request.form.get(idempotency.FIELD)):
        return redirect(earlier, 303)
    task = _my_task(task_id)
    try:
        changed = tasks.mark_done(
            task,
            request.files.get("photo"),
            current_user,
            request.form.get(idempotency.FIELD),
            done_url,
        )
    except GreeningError as error:
        flash(str(error), "error")
        return redirect(done_url, 303)
    if changed:
        flash(_("%(title)s in %(zone)s: done.", title=task.title, zone=task.zone.code), "success")
    else:
        who = deciding.who_when(task.done_by_id, task.done_at)
        flash(_("This task was marked done already, by %(name)s at %(time)s.", **who), "info")
    return redirect(done_url, 303)


@bp.route("/zones/<int:zone_id>/tasks/new", methods=["GET", "POST"])
@require("greening.manage")
def new_task(zone_id: int):
    zone = get_for_site(Zone, zone_id)
    error, title, due_text = None, "", business_day().isoformat()
    if request.method == "POST":
        title, due_text = request.form.get("title", ""), request.form.get("due_on", "")
        try:
            due_on = form_date(due_text)
            tasks.add_one_off(zone, title, due_on, current_user)
        except (GreeningError, DateOutOfRange) as err:
            error = str(err)
        else:
            flash(_("Task added."), "success")
            return redirect(url_for("greening.zone", zone_id=zone.id), 303)
    status = 422 if error else 200
    return render_template(
        "greening/tasks/new.html", zone=zone, error=error, title=title, due_text=due_text
    ), status


@bp.route("/tasks/photos/<int:attachment_id>")
@require("greening.view", "greening.manage")
def task_photo(attachment_id: int):
    photo = db.session.get(Attachment, attachment_id) or abort(404)
    task = db.session.get(Task, photo.owner_id) if photo.owner_kind == tasks.PHOTO_DONE else None
    if task is None:
        abort(404)
    check_site(task.zone.site_id)
    return attachments.send(photo, thumbnail=request.args.get("thumb") == "1")
