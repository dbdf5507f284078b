"""The approver's page: voids, second counts and corrections waiting for her."""

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from modules.ticketing import corrections, stock
from modules.ticketing.forms import DecideForm
from modules.ticketing.models import Shift, ShiftStatus
from modules.ticketing.permissions import APPROVE
from modules.ticketing.views.base import bp
from parkops.auth.access import require, site_filter
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
        second_counts=db.session.scalars(second.order_by(Shift.counted_at)).all(),
        pending=corrections.pending_corrections(site_ids),
        describe=corrections.describe,
        form=DecideForm(),
    )
