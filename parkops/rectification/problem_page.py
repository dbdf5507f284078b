"""One problem's page, shared by the routes that show it and those that re-show it with errors."""

from flask import abort, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from parkops import conflicts
from parkops.extensions import db
from parkops.rectification import edits, evidence, recurrence
from parkops.rectification.forms import (
    MeasureForm,
    ProblemForm,
    RegulationEditForm,
    RegulationForm,
    ReportForm,
)
from parkops.rectification.models import Measure, Problem, ProgressReport, Regulation
from parkops.timeutil import business_day


def load_problem(problem_id: int) -> Problem:
    """The problem with everything its page shows, in a fixed number of queries; or 404."""
    # People are joined to the rows that name them, and only their names are read:
    # their roles and sites (loaded with every User by default) are not.
    problem = db.session.scalar(
        select(Problem)
        .where(Problem.id == problem_id)
        .options(
            joinedload(Problem.leader).lazyload("*"),
            joinedload(Problem.person).lazyload("*"),
            joinedload(Problem.department),
            selectinload(Problem.measures).joinedload(Measure.owner).lazyload("*"),
            selectinload(Problem.regulations).joinedload(Regulation.attachment),
            selectinload(Problem.reports).joinedload(ProgressReport.author).lazyload("*"),
        )
    )
    if problem is None:
        abort(404)
    return problem


def _source(submitted: bool) -> dict:
    """A submitted form reads the request (Flask-WTF's default); a fresh one reads nothing."""
    return {} if submitted else {"formdata": None}


def problem_values(problem: Problem) -> dict:
    """The owners form's fields as the problem holds them now."""
    return {
        "leader": problem.leader_id,
        "department": problem.department_id,
        "person": problem.person_id,
        "deadline": problem.deadline,
        "status": problem.status.value,
    }


def problem_form(problem: Problem, submitted: bool = False) -> ProblemForm:
    form = ProblemForm(
        **_source(submitted), data={**problem_values(problem), "version": problem.version}
    )
    form.set_choices(problem.leader_id, problem.person_id, problem.department_id)
    return form


def measure_values(measure: Measure) -> dict:
    """The measure form's fields as the measure holds them now."""
    return {
        "text": measure.text,
        "owner": measure.owner_id,
        "deadline": measure.deadline,
        "status": measure.status.value,
    }


def measure_form(measure: Measure | None = None, submitted: bool = False) -> MeasureForm:
    data = (
        {**measure_values(measure), "version": measure.version}
        if measure
        else {"status": "in_progress"}
    )
    form = MeasureForm(**_source(submitted), data=data)
    if measure is None:
        del form.version  # a new measure has no version to compare
    form.set_choices(measure.owner_id if measure else None)
    return form


def regulation_values(_form, regulation: Regulation) -> dict:
    """A regulation as its edit form holds it; its file counts in the fingerprint only."""
    return {
        "title": regulation.title,
        "revised": "revised" if regulation.revised else "new",
        "adopted_on": regulation.adopted_on,
        "attachment_id": regulation.attachment_id,
    }


def regulation_form(
    regulation: Regulation | None = None, submitted: bool = False
) -> RegulationForm:
    if regulation is None:
        return RegulationForm(**_source(submitted), data={"revised": "new"})
    form = RegulationEditForm(**_source(submitted), data=regulation_values(None, regulation))
    if not submitted:
        conflicts.stamp(form, regulation, regulation_values)
    return form


def render_problem(problem: Problem, status: int = 200, **forms):
    """The page; ``forms`` holds a submitted form to show again with its errors."""
    can_edit = current_user.can("ledger.edit")
    if can_edit:
        forms.setdefault("problem_form", problem_form(problem))
        forms.setdefault("measure_form", measure_form())
        forms.setdefault("regulation_form", regulation_form())
    can_report = edits.can_report(current_user, problem)
    if can_report:
        forms.setdefault("report_form", ReportForm(formdata=None))
    risks = recurrence.at_risk(current_user).get(problem.id, [])
    newest = recurrence.newest_review(problem.id) if risks and can_edit else None
    html = render_template(
        "rectification/problem.html",
        problem=problem,
        today=business_day(),
        can_edit=can_edit,
        can_report=can_report,
        evidence=evidence.evidence_groups(problem.id),
        readings=evidence.readings(problem.code),
        risks=risks,
        shown_review=newest.id if newest is not None else 0,
        **forms,
    )
    return html, status
