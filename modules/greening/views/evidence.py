"""The ledger's links to greening evidence: a done task (its zone, who, when, the photo)
and a closed round (its page)."""

from flask import abort, redirect, render_template, url_for

from modules.greening.models import Round, Task
from modules.greening.views import VIEW, bp
from parkops.auth.access import check_site, get_for_site, require
from parkops.auth.models import User
from parkops.extensions import db


@bp.route("/evidence/tasks/<int:id>")
@require(*VIEW)
def task_evidence(id: int):  # noqa: A002  (the ledger's argument name)
    task = db.session.get(Task, id) or abort(404)
    check_site(task.zone.site_id)
    done_by = db.session.get(User, task.done_by_id) if task.done_by_id else None
    return render_template("greening/task_evidence.html", task=task, done_by=done_by)


@bp.route("/evidence/rounds/<int:id>")
@require(*VIEW)
def round_evidence(id: int):  # noqa: A002
    round_ = get_for_site(Round, id)
    return redirect(url_for("greening.round", round_id=round_.id), 303)
