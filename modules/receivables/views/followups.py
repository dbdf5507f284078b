"""The follow-up log: finance at the site, or the receivable's handler, adds an entry
(call, visit, promise to pay, reply) on the receivable's page; nothing is edited."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.receivables import access, followups
from modules.receivables.errors import ReceivablesError
from modules.receivables.forms import FollowUpForm
from modules.receivables.views import bp, receivable_or_404, repeat
from modules.receivables.views.debtors import READ
from modules.receivables.views.receivables import receivable_page
from parkops import idempotency
from parkops.auth.access import require
from parkops.timeutil import business_day


@bp.route("/<int:receivable_id>/follow-ups", methods=["POST"])
@require(*READ)
def new_follow_up(receivable_id: int):
    found = receivable_or_404(receivable_id, current_user)
    if not access.may_follow_up(current_user, found):
        abort(403)
    if done := repeat():
        return done
    form = FollowUpForm()
    if form.validate():
        data = followups.FollowUpData(
            kind=form.follow_up_kind,
            note=form.note.data or "",
            promised_on=form.promised_on.data,
            promised_fen=form.promised.data,
        )
        try:
            key = request.form.get(idempotency.FIELD)
            followups.add(found, data, current_user, business_day(), key)
            flash(_("Follow-up recorded."), "success")
            url = url_for("receivables.receivable", receivable_id=found.id) + "#follow-ups"
            return redirect(url, 303)
        except ReceivablesError as refused:
            form.note.errors = [str(refused)]
    return receivable_page(found, form, 422)
