"""Importing files: the seller's sales file, the gate counts of a site, the payment
providers' statements."""

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from modules.ticketing import imports
from modules.ticketing.errors import TicketingError
from modules.ticketing.forms import GateImportForm, SalesImportForm, StatementImportForm
from modules.ticketing.models import SalesImport
from modules.ticketing.permissions import AUDIT, MANAGE, SELL
from modules.ticketing.views.base import actor, bp, form_problem, refuse, visible_sites
from parkops.auth.access import require
from parkops.extensions import db


def _upload(form, run: Callable[[str, bytes], imports.ImportResult], page: str, imported):
    """The post of an import page, the same for every kind of file: the form checked, the
    file read and imported by ``run(file name, bytes)``; a refusal, an invalid form or rows
    with errors answer 422 on the page, a file imported before (when and by whom, local
    time) or one imported (``imported(result)`` says how) leads back to ``page``.

    Returns (redirect or None, the result or None, status).
    """
    if not form.validate_on_submit():
        if request.method == "POST":
            form_problem(form)
            return None, None, 422
        return None, None, 200
    upload = form.file.data
    try:
        result = run(upload.filename or "upload", upload.read())
    except TicketingError as error:
        refuse(error)
        return None, None, 422
    if result.previous is not None:
        flash(
            _(
                "This file was already imported on %(when)s by %(who)s: nothing imported.",
                when=format_datetime(result.previous.imported_at, "yyyy-MM-dd HH:mm"),
                who=result.previous.imported_by.display_name,
            ),
            "warning",
        )
        return redirect(url_for(page), 303), result, 303
    if result.ok:
        imported(result)
        return redirect(url_for(page), 303), result, 303
    return None, result, 422


def _recent(kind, limit: int) -> list[SalesImport]:
    """The user's last imports of a kind (a SQL condition on ``SalesImport.kind``)."""
    return list(
        db.session.scalars(
            select(SalesImport)
            .where(kind, SalesImport.imported_by_id == current_user.id)
            .order_by(SalesImport.id.desc())
            .limit(limit)
        )
    )


@bp.route("/imports/sales", methods=["GET", "POST"])
@require(SELL, MANAGE, AUDIT)
def import_sales():
    form = SalesImportForm()
    done, result, status = _upload(
        form,
        lambda name, data: imports.import_sales(name, data, actor()),
        "ticketing.import_sales",
        _flash_imported,
    )
    if done:
        return done
    return (
        render_template(
            "ticketing/imports/sales.html",
            form=form,
            result=result,
            recent=_recent(SalesImport.kind == "sales", 5),
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


def _flash_counted(what: str):
    """How the gate counts' and the statements' imports say what they imported."""

    def say(result: imports.ImportResult) -> None:
        flash(
            what % {"n": result.imported, "skipped": result.skipped},
            "success" if result.imported else "warning",
        )

    return say


@bp.route("/imports/gate", methods=["GET", "POST"])
@require(AUDIT, MANAGE)
def import_gate():
    form = GateImportForm()
    sites = {s.id: s for s in visible_sites()}
    form.site_id.choices = [(s.id, s.name) for s in sites.values()]
    done, result, status = _upload(
        form,
        lambda name, data: imports.import_gate_counts(
            name, data, sites[form.site_id.data], actor()
        ),
        "ticketing.import_gate",
        _flash_counted(_("%(n)s gate counts imported; %(skipped)s already recorded were skipped.")),
    )
    if done:
        return done
    return (
        render_template(
            "ticketing/imports/gate_counts.html",
            form=form,
            result=result,
            recent=_recent(SalesImport.kind == "gate", 10),
            columns=imports.GATE_COLUMNS,
        ),
        status,
    )


@bp.route("/imports/statements", methods=["GET", "POST"])
@require(AUDIT, MANAGE)
def import_statements():
    form = StatementImportForm()
    done, result, status = _upload(
        form,
        lambda name, data: imports.import_statement(form.provider.data, name, data, actor()),
        "ticketing.import_statements",
        _flash_counted(
            _("%(n)s payments and refunds imported; %(skipped)s already imported were skipped.")
        ),
    )
    if done:
        return done
    return (
        render_template(
            "ticketing/imports/statements.html",
            form=form,
            result=result,
            recent=_recent(SalesImport.kind.startswith("statement-"), 10),
            providers=imports.PROVIDERS,
        ),
        status,
    )
