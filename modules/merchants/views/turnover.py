"""A turnover lease's turnover of a period, recorded by the manager."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.merchants import turnover
from modules.merchants.errors import MerchantsError
from modules.merchants.forms import TurnoverForm
from modules.merchants.models import Contract
from modules.merchants.views import bp
from modules.merchants.views.contracts import contract_page, contract_step
from parkops.auth.access import require
from parkops.extensions import db
from parkops.query_args import DateOutOfRange, form_date
from parkops.timeutil import business_day


@bp.route("/contracts/<int:contract_id>/turnover", methods=["POST"])
@require("merchants.write")
def record_turnover(contract_id: int):
    found = contract_step(contract_id, "turnover")
    form = TurnoverForm()
    form.period.validate_choice = False  # the service refuses a day starting no period
    if form.validate():
        try:
            period = form_date(form.period.data or "")
        except DateOutOfRange as refused:
            period, form.period.errors = None, [str(refused)]
        if period is None:
            form.period.errors = form.period.errors or [_("Not a date.")]
        else:
            try:
                turnover.record(found, period, form.turnover.data, current_user, business_day())
                flash(_("Turnover recorded."), "success")
                return redirect(url_for("merchants.contract", contract_id=contract_id), 303)
            except MerchantsError as refused:
                form.turnover.errors = [str(refused)]
                found = db.session.get(Contract, contract_id)
    return contract_page(found, 422, turnover_form=form)
