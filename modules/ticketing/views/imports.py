"""Importing files: the seller's sales file, the gate counts of a site, the payment
providers' statements."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from modules.ticketing import errors, imports
from modules.ticketing.errors import TicketingError
from modules.ticketing.forms import GateImportForm, SalesImportForm, StatementImportForm
from modules.ticketing.models import SalesImport
from modules.ticketing.permissions import AUDIT, MANAGE, SELL
from modules.ticketing.views.base import actor, bp, form_problem, refuse, visible_sites
from parkops.auth.access import require
from parkops.extensions import db


@bp.route("/imports/sales", methods=["GET", "POST"])
@require(SELL, MANAGE, AUDIT)
def import_sales():
    form = SalesImportForm()
    result = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = imports.import_sales(upload.filename or "upload", upload.read(), actor())
        except TicketingError as error:
            refuse(error)
            status = 422
        else:
            if result.previous is not None:
                flash(
                    _(
                        "This file was already imported on %(when)s by %(who)s: nothing imported.",
                        when=format_datetime(result.previous.imported_at, "yyyy-MM-dd HH:mm"),
                        who=result.previous.imported_by.display_name,
                    ),
                    "warning",
                )
                return redirect(url_for("ticketing.import_sales"), 303)
            if result.ok:
                _flash_imported(result)
                return redirect(url_for("ticketing.import_sales"), 303)
            status = 422
    elif request.method == "POST":
        form_problem(form)
        status = 422
    recent = db.session.scalars(
        select(SalesImport)
        .where(SalesImport.kind == "sales", SalesImport.imported_by_id == current_user.id)
        .order_by(SalesImport.id.desc())
        .limit(5)
    ).all()
    return (
        render_template(
            "ticketing/imports/sales.html",
            form=form,
            result=result,
            recent=recent,
            columns=imports.SALES_COLUMNS,
        ),
        status,
    )


def _flash_imported(result: imports.ImportResult) -> None:
    if result.imported:
        flash(
            ngettext(
                "%(num)s line imported; %(skipped)s already imported before were skipped.",
                "%(num)s lines imported; %(skipped)s already imported before were skipped.",
                result.imported,
                skipped=result.skipped,
            ),
            "success",
        )
    else:
        flash(
            _("All %(n)s lines were already imported: nothing new.", n=result.skipped),
            "warning",
        )
    if result.reversals:
        flash(
            ngettext(
                "%(num)s void or refund waits for approval by someone other than you and the "
                "seller; until then the sale stays in the expected takings.",
                "%(num)s voids and refunds wait for approval by someone other than you and the "
                "seller; until then the sales stay in the expected takings.",
                result.reversals,
            ),
            "warning",
        )
    if result.confirmed_voids:
        flash(
            ngettext(
                "%(num)s printed ticket's void line matches a void approved on the shift page.",
                "%(num)s printed tickets' void lines match voids approved on the shift page.",
                result.confirmed_voids,
            ),
            "success",
        )


@bp.route("/imports/gate", methods=["GET", "POST"])
@require(AUDIT, MANAGE)
def import_gate():
    form = GateImportForm()
    sites = {s.id: s for s in visible_sites()}
    form.site_id.choices = [(s.id, s.name) for s in sites.values()]
    result, status = None, 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = imports.import_gate_counts(
                upload.filename or "upload", upload.read(), sites[form.site_id.data], actor()
            )
        except errors.TicketingError as error:
            refuse(error)
            status = 422
        else:
            if result.previous is not None:
                flash(_("This file was already imported: nothing imported."), "warning")
                return redirect(url_for("ticketing.import_gate"), 303)
            if result.ok:
                flash(
                    _(
                        "%(n)s gate counts imported; %(skipped)s already recorded were skipped.",
                        n=result.imported,
                        skipped=result.skipped,
                    ),
                    "success" if result.imported else "warning",
                )
                return redirect(url_for("ticketing.import_gate"), 303)
            status = 422
    elif request.method == "POST":
        form_problem(form)
        status = 422
    recent = db.session.scalars(
        select(SalesImport)
        .where(SalesImport.kind == "gate", SalesImport.imported_by_id == actor().id)
        .order_by(SalesImport.id.desc())
        .limit(10)
    ).all()
    return (
        render_template(
            "ticketing/imports/gate_counts.html",
            form=form,
            result=result,
            recent=recent,
            columns=imports.GATE_COLUMNS,
        ),
        status,
    )


@bp.route("/imports/statements", methods=["GET", "POST"])
@require(AUDIT, MANAGE)
def import_statements():
    form = StatementImportForm()
    result, status = None, 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = imports.import_statement(
                form.provider.data, upload.filename or "upload", upload.read(), actor()
            )
        except errors.TicketingError as error:
            refuse(error)
            status = 422
        else:
            if result.previous is not None:
                flash(
                    _(
                        "This file was already imported on %(when)s by %(who)s: nothing imported.",
                        when=format_datetime(result.previous.imported_at, "yyyy-MM-dd HH:mm"),
                        who=result.previous.imported_by.display_name,
                    ),
                    "warning",
                )
                return redirect(url_for("ticketing.import_statements"), 303)
            if result.ok:
                flash(
                    _(
                        "%(n)s payments and refunds imported; %(skipped)s already imported "
                        "were skipped.",
                        n=result.imported,
                        skipped=result.skipped,
                    ),
                    "success" if result.imported else "warning",
                )
                return redirect(url_for("ticketing.import_statements"), 303)
            status = 422
    elif request.method == "POST":
        form_problem(form)
        status = 422
    recent = db.session.scalars(
        select(SalesImport)
        .where(SalesImport.kind.startswith("statement-"), SalesImport.imported_by_id == actor().id)
        .order_by(SalesImport.id.desc())
        .limit(10)
    ).all()
    return (
        render_template(
            "ticketing/imports/statements.html",
            form=form,
            result=result,
            recent=recent,
            providers=imports.PROVIDERS,
        ),
        status,
    )
