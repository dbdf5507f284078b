"""The approver's page: voids, voids and refunds of sales, second counts and corrections
waiting for her; the decision on a void or refund of a sale."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from modules.ticketing import corrections, reversals, stock
from modules.ticketing.errors import TicketingError
from modules.ticketing.forms import DecideForm
from modules.ticketing.models import Reversal, Shift, ShiftStatus
from modules.ticketing.permissions import APPROVE
from modules.ticketing.views.base import actor, bp, local_back, refuse, repeat, retry_key
from parkops.auth.access import check_site, require, site_filter
from parkops.extensions import db


@bp.route("/approvals")
@require(APPROVE)
def approvals():
    site_ids = current_user.site_ids
    second = select(Shift).where(
        Shift.status == ShiftStatus.SECOND_COUNT, site_filter(Shift.site_id)
    )
    return render_template(
        "ticketing/approvals/pending.html",
        voids=stock.pending_voids(site_ids),
        reversals=reversals.pending_reversals(site_ids),
        second_counts=db.session.scalars(second.order_by(Shift.counted_at)).all(),
        pending=corrections.pending_corrections(site_ids),
        describe=corrections.describe,
        form=DecideForm(),
    )


@bp.route("/reversals/<int:id>/decide", methods=["POST"])
@require(APPROVE)
def decide_reversal(id: int):
    if done := repeat():
        return done
    reversal = db.session.get(Reversal, id) or abort(404)
    check_site(reversal.site_id)
    form = DecideForm()
    back = local_back(url_for("ticketing.approvals"))
    if form.validate_on_submit():
        approve = bool(form.approve.data)
        try:
            reversals.decide_reversal(reversal, approve, actor(), retry_key(), back)
            flash(_("Approved.") if approve else _("Rejected: the sale stands."), "success")
        except TicketingError as error:
            refuse(error)
    return redirect(back, 303)
