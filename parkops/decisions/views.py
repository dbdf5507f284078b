"""Decision routes: the ledger, adding and editing (with a version: a stale form is a
conflict, never a silent overwrite), progress notes, done with evidence, the evidence file.

The office (decisions.write) keeps the ledger; leaders (decisions.view) read it and
note progress on the decisions they answer for.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from parkops import attachments, conflicts, idempotency
from parkops.auth.access import require
from parkops.decisions import services
from parkops.decisions.forms import MEETING_LABELS, DecisionForm, DoneForm, NoteForm
from parkops.decisions.models import Decision, MeetingKind
from parkops.extensions import db
from parkops.query_args import int_arg
from parkops.timeutil import business_day

bp = Blueprint("decisions", __name__)

UNPROCESSABLE = 422
STATES = ("open", "overdue", "done", "all")


def _decision(decision_id: int) -> Decision:
    return db.session.get(Decision, decision_id) or abort(404)


@bp.route("/")
@require("decisions.view")
def index():
    today = business_day()
    state = request.args.get("state", "open")
    if state not in STATES:
        state = "open"
    person = int_arg("person")
    decisions = db.session.scalars(services.listing(state, today, person)).all()
    return render_template(
        "decisions/decision/index.html",
        decisions=decisions,
        state=state,
        states=STATES,
        today=today,
    )


def _saved(decision: Decision) -> dict:
    """The decision as its edit form holds it."""
    return {
        "version": decision.version,
        "meeting_kind": decision.meeting_kind.value,
        "meeting_on": decision.meeting_on,
        "text": decision.text,
        "leader": decision.leader_id,
        "department": decision.department_id,
        "person": decision.person_id,
        "deadline": decision.deadline,
        "problems": [p.id for p in decision.problems],
    }


def _values(form: DecisionForm) -> services.Values:
    return services.Values(
        meeting_kind=MeetingKind(form.meeting_kind.data),
        meeting_on=form.meeting_on.data,
        text=form.text.data,
        deadline=form.deadline.data,
        leader_id=form.leader.data,
        department_id=form.department.data,
        person_id=form.person.data,
        problem_ids=form.problems.data or [],
    )


@bp.route("/new", methods=["GET", "POST"])
@require("decisions.write")
def new():
    form = DecisionForm()
    form.version.validators = []  # nothing to be out of date with yet
    form.set_choices()
    if form.validate_on_submit():
        decision = services.add(_values(form), current_user)
        flash(_("The decision is recorded."), "success")
        return redirect(url_for("decisions.show", decision_id=decision.id), 303)
    status = UNPROCESSABLE if form.errors else 200
    return render_template("decisions/decision/form.html", form=form, decision=None), status


@bp.route("/<int:decision_id>/edit", methods=["GET", "POST"])
@require("decisions.write")
def edit(decision_id: int):
    decision = _decision(decision_id)
    form = DecisionForm(data=_saved(decision)) if request.method == "GET" else DecisionForm()
    form.set_choices(decision.leader_id, decision.person_id, decision.department_id)
    if form.validate_on_submit():
        try:
            services.update(decision, form.version.data, _values(form), current_user)
        except (services.VersionConflict, StaleDataError):  # someone saved since the page loaded
            db.session.rollback()
            decision = _decision(decision_id)
            saved = _saved(decision)
            del saved["version"]
            conflict = conflicts.differences(form, saved)
            conflicts.keep_typed(form, decision.version)
            return render_template(
                "decisions/decision/form.html", form=form, decision=decision, conflict=conflict
            ), conflicts.CONFLICT
        flash(_("The decision is saved."), "success")
        return redirect(url_for("decisions.show", decision_id=decision.id), 303)
    status = UNPROCESSABLE if form.errors else 200
    return render_template("decisions/decision/form.html", form=form, decision=decision), status


def _show(decision: Decision, note_form=None, done_form=None, status=200):
    return render_template(
        "decisions/decision/show.html",
        decision=decision,
        labels=MEETING_LABELS,
        today=business_day(),
        can_note=services.can_note(current_user, decision),
        note_form=note_form or NoteForm(),
        done_form=done_form or DoneForm(version=decision.version),
    ), status


@bp.route("/<int:decision_id>")
@require("decisions.view")
def show(decision_id: int):
    return _show(_decision(decision_id))


@bp.route("/<int:decision_id>/notes", methods=["POST"])
@require("decisions.write", "decisions.note")
def add_note(decision_id: int):
    decision = _decision(decision_id)
    if not services.can_note(current_user, decision):
        abort(403)
    key = request.form.get(idempotency.FIELD)
    if repeated := idempotency.previous_result(key):
        return redirect(repeated, 303)
    form = NoteForm()
    if not form.validate_on_submit():
        return _show(decision, note_form=form, status=UNPROCESSABLE)
    target = url_for("decisions.show", decision_id=decision.id, _anchor="notes")
    services.add_note(decision, form.text.data, current_user, business_day(), (key, target))
    flash(_("Progress recorded."), "success")
    return redirect(target, 303)


@bp.route("/<int:decision_id>/done", methods=["POST"])
@require("decisions.write")
def done(decision_id: int):
    decision = _decision(decision_id)
    form = DoneForm()
    if not form.validate_on_submit():
        return _show(decision, done_form=form, status=UNPROCESSABLE)
    try:
        services.complete(
            decision,
            form.version.data,
            form.summary.data,
            form.evidence.data,
            current_user,
            business_day(),
        )
    except services.VersionConflict:
        flash(_("The decision was changed by someone else meanwhile: read it again."), "error")
        return redirect(url_for("decisions.show", decision_id=decision.id), 303)
    except (attachments.AttachmentError, services.DecisionError) as error:
        db.session.rollback()
        form.evidence.errors = [str(error)]
        return _show(_decision(decision_id), done_form=form, status=UNPROCESSABLE)
    flash(_("The decision is done."), "success")
    return redirect(url_for("decisions.show", decision_id=decision.id), 303)


@bp.route("/<int:decision_id>/evidence")
@require("decisions.view")
def evidence(decision_id: int):
    decision = _decision(decision_id)
    if decision.evidence is None:
        abort(404)
    return attachments.send(decision.evidence)


@bp.app_template_global()
def meeting_label(kind: MeetingKind) -> str:
    return str(MEETING_LABELS[kind])
