"""Ledger routes: parse, call a service, render or redirect."""

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from parkops.auth.access import require
from parkops.auth.models import Department, User
from parkops.extensions import db
from parkops.rectification import services
from parkops.rectification.models import Category, Problem, Section, Source, Status
from parkops.timeutil import business_day

bp = Blueprint("rectification", __name__)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _filter_from_args() -> services.LedgerFilter:
    status = request.args.get("status")
    source = request.args.get("source")
    return services.LedgerFilter(
        section=_int_arg("section"),
        category=_int_arg("category"),
        status=Status(status) if status in Status._value2member_map_ else None,
        department_id=_int_arg("department"),
        person_id=_int_arg("person"),
        overdue=request.args.get("overdue") == "1",
        source=Source(source) if source in Source._value2member_map_ else None,
    )


@bp.route("/")
@require("ledger.view")
def index():
    today = business_day()
    f = _filter_from_args()
    problems = db.session.scalars(services.ledger_query(f, today)).all()
    overall, per_category = services.completion_rates()
    return render_template(
        "rectification/index.html",
        problems=problems,
        f=f,
        today=today,
        overall=overall,
        per_category=per_category,
        sections=db.session.scalars(select(Section).order_by(Section.number)).all(),
        categories=db.session.scalars(select(Category).order_by(Category.number)).all(),
        departments=db.session.scalars(select(Department).order_by(Department.name)).all(),
        people=db.session.scalars(select(User).where(User.active).order_by(User.username)).all(),
        statuses=list(Status),
    )


@bp.route("/problems/<int:problem_id>")
@require("ledger.view")
def problem(problem_id: int):
    p = db.session.get(Problem, problem_id) or abort(404)
    return render_template("rectification/problem.html", problem=p, today=business_day())


STATUS_LABELS = {
    Status.NOT_STARTED: _l("Not started"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.COMPLETED: _l("Completed"),
    Status.LONG_TERM: _l("Long-term"),
}


@bp.app_template_global()
def status_label(status: Status) -> str:
    return str(STATUS_LABELS[status])
