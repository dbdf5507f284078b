"""Payments: recording one for a debtor, a payment's page, its reversal (four eyes)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from modules.receivables import access, ledger, payments
from modules.receivables.errors import ReceivablesError
from modules.receivables.forms import DecisionForm, PaymentForm, ReversalForm
from modules.receivables.models import Payment, Reversal
from modules.receivables.views import bp, debtor_or_404, repeat, visible_sites
from modules.receivables.views.debtors import READ
from parkops.auth.access import get_for_site, require
from parkops.extensions import db
from parkops.money import format_fen
from parkops.timeutil import business_day


@bp.route("/debtors/<int:debtor_id>/payments/new", methods=["GET", "POST"])
@require("receivables.write")
def new_payment(debtor_id: int):
    debtor = debtor_or_404(debtor_id, current_user)
    form = PaymentForm()
    sites = visible_sites()
    form.site_id.choices = [SelectChoice(s.id, s.name) for s in sites]
    if request.method == "GET":
        form.site_id.data = debtor.site_id
        form.paid_on.data = business_day()
    open_items = [item for s in sites for item in ledger.open_receivables(debtor.id, s.id)]
    status = 200
    if request.method == "POST":
        if done := repeat():
            return done
        if form.validate():
            data = payments.PaymentData(
                site_id=form.site_id.data,
                paid_on=form.paid_on.data,
                amount_fen=form.amount.data,
                method=form.payment_method,
                receipt_no=form.receipt_no.data or "",
                note=form.note.data or "",
                receivable_ids=form.receivable_ids.data or None,
            )
            try:
                payment = payments.record_payment(
                    debtor, data, current_user, request.form.get("idempotency_key")
                )
            except ReceivablesError as refused:
                form.amount.errors = [str(refused)]
            else:
                flash(
                    _("Payment of %(amount)s recorded.", amount=format_fen(payment.amount_fen)),
                    "success",
                )
                return redirect(url_for("receivables.payment", payment_id=payment.id), 303)
        status = 422
    page = render_template(
        "receivables/payments/form.html", debtor=debtor, form=form, open_items=open_items
    )
    return page, status


def _payment_page(payment: Payment, reversal_form: ReversalForm, status: int = 200):
    reversal = payments.latest_reversal(payment)
    history = db.session.scalars(
        select(Reversal).where(Reversal.payment_id == payment.id).order_by(Reversal.id)
    ).all()
    page = render_template(
        "receivables/payments/payment.html",
        payment=payment,
        reversal=reversal,
        history=history,
        steps=access.payment_steps(current_user, payment, reversal),
        reversal_form=reversal_form,
        decision_form=DecisionForm(),
    )
    return page, status


@bp.route("/payments/<int:payment_id>")
@require(*READ)
def payment(payment_id: int):
    found = get_for_site(Payment, payment_id)
    if not access.reads_all(current_user):
        debtor_or_404(found.debtor_id, current_user)
    return _payment_page(found, ReversalForm(formdata=None))


@bp.route("/evidence/payments/<int:id>")
@require(*READ)
def payment_evidence(id: int):  # noqa: A002  (the ledger links to evidence by ``id``)
    return redirect(url_for("receivables.payment", payment_id=id))


@bp.route("/payments/<int:payment_id>/reverse", methods=["POST"])
@require("receivables.write")
def reverse(payment_id: int):
    found = get_for_site(Payment, payment_id)
    form = ReversalForm()
    if form.validate():
        try:
            payments.propose_reversal(found, form.reason.data, current_user)
            flash(_("The reversal waits for a second person."), "success")
            return redirect(url_for("receivables.payment", payment_id=found.id), 303)
        except ReceivablesError as refused:
            form.reason.errors = [str(refused)]
    return _payment_page(found, form, 422)


@bp.route("/payments/<int:payment_id>/decide", methods=["POST"])
@require("receivables.write", "receivables.approve")
def decide(payment_id: int):
    found = get_for_site(Payment, payment_id)
    if not DecisionForm().validate():
        abort(400)
    approve = request.form.get("decision") == "approve"
    try:
        shown = request.form.get("reversal", type=int)
        payments.decide_reversal(found, approve, current_user, shown)
    except ReceivablesError as refused:
        flash(str(refused), "error")
        return _payment_page(found, ReversalForm(formdata=None), 422)
    flash(_("Approved.") if approve else _("Rejected: the payment stands."), "success")
    return redirect(url_for("receivables.payment", payment_id=found.id), 303)
