"""Ledger routes for reading: the list, a problem, its evidence, files and the export.

The routes that change the ledger are in edit_views, a blueprint nested in this one.
"""

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from parkops import attachments, heavy
from parkops.auth.access import require
from parkops.auth.models import Department
from parkops.downloads import send_download
from parkops.extensions import db
from parkops.labels import label
from parkops.page_cache import cached_page
from parkops.paging import page_arg
from parkops.rectification import evidence, export, ledger_list, recurrence, services
from parkops.rectification.edit_views import bp as edit_bp
from parkops.rectification.forms import FilterForm
from parkops.rectification.models import (
    Category,
    Measure,
    Problem,
    Regulation,
    Section,
    Source,
    Status,
)
from parkops.rectification.problem_page import load_problem, render_problem
from parkops.timeutil import business_day

bp = Blueprint("rectification", __name__)
bp.register_blueprint(edit_bp)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters() -> tuple[FilterForm, services.LedgerFilter, list[Category]]:
    """The filter form read from the query string, the filter it gives, and the categories."""
    categories = db.session.scalars(select(Category).order_by(Category.number)).all()
    form = FilterForm(request.args)
    form.set_choices(
        sections=db.session.scalars(select(Section).order_by(Section.number)).all(),
        categories=categories,
        depts=db.session.scalars(
            select(Department).where(Department.active).order_by(Department.name)
        ).all(),
    )
    return form, form.to_filter(), categories


@bp.route("/")
@require("ledger.view")
@cached_page
def index():
    today = business_day()
    form, f, categories = _filters()
    risks = recurrence.at_risk(current_user)
    at_risk = bool(request.args.get("at_risk"))
    page = ledger_list.ledger_page(
        f,
        today,
        page_arg(),
        only_ids=risks.keys() if at_risk else None,
    )
    by_number = {c.number: c for c in categories}
    sections, self_found = services.group_ledger(page.items, by_number)
    overall, per_category, self_rate = services.ledger_rates()
    return render_template(
        "rectification/index.html",
        form=form,
        f=f,
        at_risk=at_risk,
        page=page,
        sections=sections,
        self_found=self_found,
        today=today,
        overall=overall,
        per_category=per_category,
        self_rate=self_rate,
        categories=categories,
        by_number=by_number,
        status_labels={s: label(s) for s in Status},
        risks=risks,
    )


@bp.route("/export.xlsx")
@require("ledger.export")
@cached_page
def export_xlsx():
    today = business_day()
    _form, f, categories = _filters()
    with heavy.slot():
        problems = db.session.scalars(
            services.ledger_query(f, today).options(
                selectinload(Problem.measures).selectinload(Measure.owner),
                selectinload(Problem.regulations),
            )
        ).all()
        data = export.workbook(
            problems,
            services.latest_reports(),
            categories,
            services.completion_rates(),
            services.completion_rates(Source.SELF)[0],
            today,
        )
        del problems  # unreferenced, so the slot's collection frees them and their cycles
    return send_download(
        data,
        _("rectification-ledger-%(day)s.xlsx", day=today.isoformat()),
        XLSX,
        fallback=f"rectification-ledger-{today.isoformat()}.xlsx",
    )


@bp.route("/problems/<int:problem_id>")
@require("ledger.view")
@cached_page
def problem(problem_id: int):
    return render_problem(load_problem(problem_id))


@bp.route("/problems/<int:problem_id>/evidence/<kind>")
@require("ledger.view")
def evidence_list(problem_id: int, kind: str):
    problem = db.session.get(Problem, problem_id) or abort(404)
    page = evidence.evidence_page(problem.id, kind, page_arg())
    if page.total == 0:
        abort(404)
    return render_template(
        "rectification/evidence.html",
        problem=problem,
        kind=kind,
        label=evidence.kind_label(kind),
        page=page,
    )


@bp.route("/regulations/<int:regulation_id>/file")
@require("ledger.view")
def regulation_file(regulation_id: int):
    regulation = db.session.get(Regulation, regulation_id) or abort(404)
    if regulation.attachment is None:
        abort(404)
    return attachments.send(regulation.attachment)


@bp.app_template_global()
def evidence_url(kind: str, record_id: int) -> str | None:
    return evidence.record_url(kind, record_id)
