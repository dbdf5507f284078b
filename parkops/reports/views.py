"""Weekly report routes: the list, generating (preview) and submitting, a report, its
print view, .docx and .xlsx, and the comparison with the previous report.

The office (reports.write) generates and submits; leaders (reports.view) read.
"""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from parkops import heavy
from parkops.auth.access import require
from parkops.downloads import send_download
from parkops.extensions import db
from parkops.page_cache import cached_page
from parkops.paging import paginate_list
from parkops.query_args import int_arg, parse_date
from parkops.reports import outputs, services, weekly, wording
from parkops.reports.forms import SubmitForm
from parkops.reports.models import WeeklyReport
from parkops.reports.notice_views import bp as notice_bp
from parkops.reports.settings import unit
from parkops.timeutil import business_day, to_local, week_start

bp = Blueprint("reports", __name__)
bp.register_blueprint(notice_bp, url_prefix="/notice")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNPROCESSABLE = 422


def _report(report_id: int) -> WeeklyReport:
    return db.session.get(WeeklyReport, report_id) or abort(404)


@bp.route("/")
@require("reports.view")
def index():
    today = business_day()
    reports = db.session.scalars(
        select(WeeklyReport).order_by(WeeklyReport.week_start.desc())
    ).all()
    by_week = {r.week_start: r for r in reports}
    weeks = [(w, by_week.get(w)) for w in services.recent_weeks(today)]
    latest = reports[0].week_start if reports else None  # weeks before it can no longer report
    return render_template(
        "reports/weekly/index.html", reports=reports, weeks=weeks, today=today, latest=latest
    )


def _week_arg() -> date:
    """The ?week= Monday; this week's when absent; 404 for a malformed or future one."""
    today = business_day()
    raw = request.args.get("week") or request.form.get("week")
    week = parse_date(raw) if raw else week_start(today)
    if week is None or week_start(week) != week or week > today:
        abort(404)
    return week


def _refuse_late(week: date, latest: date) -> None:
    flash(
        _(
            "No report can be made for the week of %(week)s: the report for the later week"
            " of %(latest)s is already submitted. Reports are numbered and compared in week"
            " order and show the ledger as it stands now, so a report for an earlier week"
            " would be out of order and show figures that week did not have. Mention the"
            " late information in the current week's covering note instead.",
            week=week.isoformat(),
            latest=latest.isoformat(),
        ),
        "error",
    )


@bp.route("/weekly/new", methods=["GET", "POST"])
@require("reports.write")
@cached_page
def new():
    """Generate the week's report from the ledger as it stands; review, note, submit."""
    today = business_day()
    week = _week_arg()
    existing = services.for_week(week)
    if existing is not None:
        return redirect(url_for("reports.show", report_id=existing.id), 303)
    latest = services.too_late(week)
    if latest is not None:
        _refuse_late(week, latest)
        return redirect(url_for("reports.index"), 303)
    form = SubmitForm(week=week)
    if form.validate_on_submit():
        try:
            # The week the page showed (a Monday, not ahead: ``_week_arg``) and a note
            # (``DataRequired``), so ``submit`` raises no plain SubmitError; submitted
            # meanwhile is ``AlreadyDecided`` (409, who and when).
            report = services.submit(week, form.covering_note.data, current_user, today)
        except services.LaterWeekSubmitted as refused:
            _refuse_late(week, refused.latest)
            return redirect(url_for("reports.index"), 303)
        flash(_("Weekly report no. %(number)s submitted.", number=report.number), "success")
        return redirect(url_for("reports.show", report_id=report.id), 303)
    status = UNPROCESSABLE if form.errors else 200
    with heavy.slot():
        page = _preview(form, week, today)
    return page, status


def _preview(form: SubmitForm, week: date, today: date) -> str:
    """The preview page; its report data is freed on return, before the slot's collection
    (which would otherwise walk every problem's rows, still referenced)."""
    return _with_body("reports/weekly/new.html", weekly.generate(week, today), form=form, week=week)


def _with_body(template: str, data: dict, **context) -> str:
    """``template`` rendered with a report's body (``_body.html``): its data, the request's
    page of its problems (``?page=``) and the documents' wording."""
    rows = paginate_list(data["problems"])
    return render_template(template, data=data, rows=rows, wording=wording, **context)


@bp.route("/weekly/<int:report_id>")
@require("reports.view")
def show(report_id: int):
    report = _report(report_id)
    before = services.previous(report)
    return _with_body(
        "reports/weekly/show.html", services.data_of(report), report=report, before=before
    )


@bp.route("/weekly/<int:report_id>/compare")
@require("reports.view")
def compare(report_id: int):
    """This report beside the previous one (or ?with=<id>), and what changed."""
    report = _report(report_id)
    other_id = int_arg("with")
    before = _report(other_id) if other_id else services.previous(report)
    if before is None or before.id == report.id:
        abort(404)
    if before.week_start > report.week_start:
        report, before = before, report
    data, old = services.data_of(report), services.data_of(before)
    return render_template(
        "reports/weekly/compare.html",
        report=report,
        before=before,
        data=data,
        old=old,
        changes=services.compare(old, data),
        reports=db.session.scalars(
            select(WeeklyReport).order_by(WeeklyReport.week_start.desc())
        ).all(),
        wording=wording,
    )


@bp.route("/weekly/<int:report_id>/print")
@require("reports.view")
def print_view(report_id: int):
    report = _report(report_id)
    return render_template(
        "reports/weekly/print.html",
        report=report,
        data=services.data_of(report),
        unit=unit(),
        submitted_on=to_local(report.submitted_at).date(),
        wording=wording,
    )


@bp.route("/weekly/<int:report_id>.docx")
@require("reports.view")
@cached_page
def weekly_docx(report_id: int):
    report = _report(report_id)
    with heavy.slot():
        data = outputs.weekly_docx(
            services.data_of(report),
            unit(),
            report.year,
            report.number,
            report.covering_note,
            to_local(report.submitted_at).date(),
        )
    number = f"{report.year}-{report.number:02d}"
    return send_download(
        data, f"整改周报-{number}.docx", DOCX, fallback=f"weekly-report-{number}.docx"
    )


@bp.route("/weekly/<int:report_id>.xlsx")
@require("reports.view")
@cached_page
def weekly_xlsx(report_id: int):
    report = _report(report_id)
    with heavy.slot():
        data = outputs.weekly_xlsx(services.data_of(report), report.year, report.number)
    number = f"{report.year}-{report.number:02d}"
    return send_download(
        data, f"整改台账-{number}.xlsx", XLSX, fallback=f"rectification-ledger-{number}.xlsx"
    )
