"""Ledger routes that change it: parse a form, call an edits function, redirect (303).

A form with errors is shown again (422) and nothing is changed.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from parkops import conflicts, idempotency
from parkops.attachments import AttachmentError
from parkops.auth.access import require
from parkops.extensions import db
from parkops.rectification import edits, recurrence
from parkops.rectification.forms import (
    STATUS_LABELS,
    MappingForm,
    ProblemForm,
    ReportForm,
    SelfFoundEditForm,
    SelfFoundForm,
)
from parkops.rectification.models import Category, Measure, Problem, Regulation, Source, Status
from parkops.rectification.problem_page import (
    load_problem,
    measure_form,
    measure_values,
    problem_form,
    problem_values,
    regulation_form,
    regulation_values,
    render_problem,
)
from parkops.registry import registry
from parkops.timeutil import business_day

bp = Blueprint("edit", __name__)

UNPROCESSABLE = 422


def _problem_url(problem_id: int, anchor: str = "") -> str:
    return url_for("rectification.problem", problem_id=problem_id, _anchor=anchor or None)


def _owners(form: ProblemForm | SelfFoundForm) -> edits.Owners:
    return edits.Owners(
        leader_id=form.leader.data,
        department_id=form.department.data,
        person_id=form.person.data,
        deadline=form.deadline.data,
        status=Status(form.status.data),
    )


def _open_measures_message(refused: edits.OpenMeasures) -> str:
    """Names each open measure (its first words) so the office knows what to finish."""
    names = "; ".join(f"{m.text[:40]} ({STATUS_LABELS[m.status]})" for m in refused.measures)
    return _(
        "The problem cannot be marked completed while these measures are open: %(measures)s."
        " Complete them (or mark them long-term) first.",
        measures=names,
    )


@bp.route("/problems/<int:problem_id>/owners", methods=["POST"])
@require("ledger.edit")
def update_problem(problem_id: int):
    problem = load_problem(problem_id)
    form = problem_form(problem, submitted=True)
    if not form.validate_on_submit():
        return render_problem(problem, UNPROCESSABLE, problem_form=form)
    try:
        if form.version.data != problem.version:
            raise StaleDataError
        changed = edits.update_problem(problem, _owners(form), business_day())
    except edits.OpenMeasures as refused:
        db.session.rollback()
        form.status.errors.append(_open_measures_message(refused))
        return render_problem(load_problem(problem_id), UNPROCESSABLE, problem_form=form)
    except StaleDataError:  # someone saved since this page was loaded
        db.session.rollback()
        problem = load_problem(problem_id)
        conflict = conflicts.differences(form, problem_values(problem))
        conflicts.keep_typed(form, problem.version)
        return render_problem(problem, conflicts.CONFLICT, problem_form=form, conflict=conflict)
    if changed:
        flash(_("Problem %(code)s saved.", code=problem.code), "success")
    else:
        flash(_("Nothing changed."), "info")
    return redirect(_problem_url(problem.id), 303)


@bp.route("/problems/<int:problem_id>/measures", methods=["POST"])
@require("ledger.edit")
def add_measure(problem_id: int):
    problem = load_problem(problem_id)
    form = measure_form(submitted=True)
    if not form.validate_on_submit():
        return render_problem(problem, UNPROCESSABLE, measure_form=form)
    edits.add_measure(
        problem, form.text.data, form.owner.data, form.deadline.data, Status(form.status.data)
    )
    flash(_("Measure added."), "success")
    return redirect(_problem_url(problem.id, "measures"), 303)


@bp.route("/measures/<int:measure_id>", methods=["GET", "POST"])
@require("ledger.edit")
def edit_measure(measure_id: int):
    measure = db.session.get(Measure, measure_id) or abort(404)
    form = measure_form(measure, submitted=request.method == "POST")
    conflict = None
    if form.validate_on_submit():
        try:
            if form.version.data != measure.version:
                raise StaleDataError
            edits.update_measure(
                measure,
                form.text.data,
                form.owner.data,
                form.deadline.data,
                Status(form.status.data),
            )
        except StaleDataError:  # someone saved since this page was loaded
            db.session.rollback()
            measure = db.session.get(Measure, measure_id)
            conflict = conflicts.differences(form, measure_values(measure))
            conflicts.keep_typed(form, measure.version)
        else:
            flash(_("Measure saved."), "success")
            return redirect(_problem_url(measure.problem_id, "measures"), 303)
    status = UNPROCESSABLE if request.method == "POST" else 200
    if conflict is not None:
        status = conflicts.CONFLICT
    return render_template(
        "rectification/measure.html", measure=measure, form=form, conflict=conflict
    ), status


def _save_regulation(problem, regulation, form):
    """Add or update; a refused file becomes an error on the form's file field."""
    args = (
        form.title.data,
        form.revised.data == "revised",
        form.adopted_on.data,
        form.file.data,
        current_user.id,
    )
    try:
        if regulation is None:
            edits.add_regulation(problem, *args)
        else:
            edits.update_regulation(regulation, *args)
    except AttachmentError as exc:
        form.file.errors = [*form.file.errors, str(exc)]
        return False
    return True


@bp.route("/problems/<int:problem_id>/regulations", methods=["POST"])
@require("ledger.edit")
def add_regulation(problem_id: int):
    problem = load_problem(problem_id)
    form = regulation_form(submitted=True)
    if form.validate_on_submit() and _save_regulation(problem, None, form):
        flash(_("Regulation added."), "success")
        return redirect(_problem_url(problem.id, "regulations"), 303)
    return render_problem(load_problem(problem_id), UNPROCESSABLE, regulation_form=form)


@bp.route("/regulations/<int:regulation_id>", methods=["GET", "POST"])
@require("ledger.edit")
def edit_regulation(regulation_id: int):
    regulation = db.session.get(Regulation, regulation_id) or abort(404)
    form = regulation_form(regulation, submitted=request.method == "POST")
    conflict, status = None, UNPROCESSABLE if request.method == "POST" else 200
    if form.validate_on_submit():
        conflict = conflicts.changed_since(form, regulation, regulation_values)
        if conflict is not None:
            status = conflicts.CONFLICT
        elif _save_regulation(regulation.problem, regulation, form):
            flash(_("Regulation saved."), "success")
            return redirect(_problem_url(regulation.problem_id, "regulations"), 303)
    page = render_template(
        "rectification/regulation.html", regulation=regulation, form=form, conflict=conflict
    )
    return page, status


@bp.route("/problems/<int:problem_id>/reports", methods=["POST"])
@require("ledger.view")
def add_report(problem_id: int):
    problem = load_problem(problem_id)
    # Object-level: owners may report on their own problem without ledger.report.
    if not edits.can_report(current_user, problem):
        abort(403)
    key = request.form.get(idempotency.FIELD)
    repeated = idempotency.previous_result(key)
    if repeated:
        return redirect(repeated, 303)
    form = ReportForm()
    if not form.validate_on_submit():
        return render_problem(problem, UNPROCESSABLE, report_form=form)
    target = _problem_url(problem.id, "reports")
    edits.add_report(problem, form.reported_on.data, form.text.data, current_user, key, target)
    flash(_("Progress report recorded."), "success")
    return redirect(target, 303)


def _categories() -> list[Category]:
    return db.session.scalars(select(Category).order_by(Category.number)).all()


@bp.route("/self-found/new", methods=["GET", "POST"])
@require("ledger.edit")
def add_self_found():
    form = SelfFoundForm(data={"status": "in_progress"})
    form.set_choices(_categories())
    if form.validate_on_submit():
        problem = edits.add_self_found(
            form.category.data,
            form.title.data,
            form.notice_text.data or "",
            _owners(form),
            business_day(),
        )
        flash(_("Self-found problem %(code)s added.", code=problem.code), "success")
        return redirect(_problem_url(problem.id), 303)
    status = UNPROCESSABLE if request.method == "POST" else 200
    return render_template("rectification/self_found.html", form=form, problem=None), status


@bp.route("/problems/<int:problem_id>/self-found", methods=["GET", "POST"])
@require("ledger.edit")
def edit_self_found(problem_id: int):
    problem = load_problem(problem_id)
    if problem.source != Source.SELF:
        abort(404)
    form = SelfFoundEditForm(data={**_self_found_values(problem), "version": problem.version})
    form.set_choices(
        _categories(),
        leader_id=problem.leader_id,
        person_id=problem.person_id,
        department_id=problem.department_id,
    )
    conflict = None
    if form.validate_on_submit():
        try:
            if form.version.data != problem.version:
                raise StaleDataError
            edits.update_self_found(
                problem,
                form.category.data,
                form.title.data,
                form.notice_text.data or "",
                _owners(form),
                business_day(),
            )
        except edits.OpenMeasures as refused:
            db.session.rollback()
            problem = load_problem(problem_id)
            form.status.errors.append(_open_measures_message(refused))
        except StaleDataError:  # someone saved since this page was loaded
            db.session.rollback()
            problem = load_problem(problem_id)
            conflict = conflicts.differences(form, _self_found_values(problem))
            conflicts.keep_typed(form, problem.version)
        else:
            flash(_("Problem %(code)s saved.", code=problem.code), "success")
            return redirect(_problem_url(problem.id), 303)
    status = UNPROCESSABLE if request.method == "POST" else 200
    if conflict is not None:
        status = conflicts.CONFLICT
    page = render_template(
        "rectification/self_found.html", form=form, problem=problem, conflict=conflict
    )
    return page, status


def _self_found_values(problem: Problem) -> dict:
    """The self-found form's fields as the problem holds them now."""
    return {
        "category": problem.category_number,
        "title": problem.title,
        "notice_text": problem.notice_text,
        "leader": problem.leader_id,
        "department": problem.department_id,
        "person": problem.person_id,
        "deadline": problem.deadline,
        "status": problem.status.value,
    }


def _mapping_page(forms: dict | None = None, status: int = 200):
    kinds = registry(current_app).evidence_kinds
    current = edits.current_mapping()
    forms = forms or {}
    rows = []
    for name, kind in kinds.items():
        codes, changed = current[name]
        form = forms.get(name) or MappingForm(formdata=None, data={"codes": ", ".join(codes)})
        rows.append({"kind": kind, "codes": codes, "changed": changed, "form": form})
    return render_template("rectification/mapping.html", rows=rows), status


@bp.route("/evidence-mapping")
@require("ledger.edit")
def mapping():
    return _mapping_page()


@bp.route("/evidence-mapping/<kind>", methods=["POST"])
@require("ledger.edit")
def set_mapping(kind: str):
    if kind not in registry(current_app).evidence_kinds:
        abort(404)
    form = MappingForm()
    if form.validate_on_submit():
        codes = form.code_list()
        unknown = edits.unknown_codes(codes)
        if not unknown:
            edits.set_evidence_mapping(kind, codes)
            flash(_("Saved: new records link to %(codes)s.", codes=", ".join(codes)), "success")
            return redirect(url_for(".mapping"), 303)
        form.codes.errors = [
            _("No problem has the number %(codes)s.", codes=", ".join(unknown)),
        ]
    return _mapping_page({kind: form}, UNPROCESSABLE)


@bp.route("/evidence-mapping/<kind>/reset", methods=["POST"])
@require("ledger.edit")
def reset_mapping(kind: str):
    if kind not in registry(current_app).evidence_kinds:
        abort(404)
    # Nothing to parse: the app-wide CSRFProtect has checked the token already.
    edits.reset_evidence_mapping(kind)
    flash(_("Back to the module's default problems."), "success")
    return redirect(url_for(".mapping"), 303)


@bp.route("/problems/<int:problem_id>/recurrence", methods=["POST"])
@require("ledger.edit")
def decide_recurrence(problem_id: int):
    """Reopen a completed problem at risk of recurring, or keep it, for a stated reason."""
    problem = load_problem(problem_id)
    decision = request.form.get("decision")
    if decision not in ("reopen", "keep"):
        abort(400)
    shown = request.form.get("shown_review")
    if shown is not None and not shown.isdecimal():
        abort(400)
    try:
        recurrence.decide(
            problem,
            request.form.get("indicator", ""),
            decision == "reopen",
            request.form.get("reason", ""),
            current_user,
            None if shown is None else int(shown),
        )
    except ValueError:
        db.session.rollback()
        flash(_("Give the reason, for an indicator that still contradicts the status."), "error")
        return redirect(_problem_url(problem.id, "recurrence"), 303)
    flash(
        _("The problem is reopened.") if decision == "reopen" else _("The decision is recorded."),
        "success",
    )
    return redirect(_problem_url(problem.id, "indicators"), 303)
