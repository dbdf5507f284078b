"""Corrections of a signed day: asked on the day's page, decided by a second person."""

from flask import abort, flash
from flask_babel import gettext as _

from modules.ticketing import corrections, errors
from modules.ticketing.forms import DecideForm, DepositCorrectionForm
from modules.ticketing.models import Correction, Office, Payment, Product, SaleStatus, TicketDay
from modules.ticketing.permissions import APPROVE, AUDIT, MANAGE
from modules.ticketing.views.base import actor, bp, invalid_form, refuse, repeat, retry_key
from modules.ticketing.views.days import (
    day_or_404,
    gate_correction_form,
    sale_correction_form,
    site_venues,
    to_day,
)
from parkops.auth.access import check_site, require
from parkops.auth.models import User
from parkops.extensions import db


@bp.route("/days/<int:id>/corrections/sale", methods=["POST"])
@require(AUDIT, MANAGE)
def correct_sale(id: int):
    if done := repeat():
        return done
    d = day_or_404(id)
    form = sale_correction_form(d)
    if not form.validate_on_submit():
        return invalid_form(form, "ticketing.day", id=d.id)
    change = corrections.SaleAdjustment(
        office=db.session.get(Office, form.office_id.data),
        product=db.session.get(Product, form.product_id.data),
        payment=Payment(form.payment.data),
        status=SaleStatus(form.status.data),
        quantity=form.quantity.data,
        amount_fen=form.amount.data,
        seller=db.session.get(User, form.seller_id.data) if form.seller_id.data else None,
        serials=(form.first_serial.data, form.last_serial.data or form.first_serial.data)
        if form.first_serial.data
        else None,
        reverses_serial=form.reverses_serial.data,
        reverses_line=form.reverses_line.data,
    )
    _request(d, change, form.reason.data)
    return to_day(d, "#corrections")


@bp.route("/days/<int:id>/corrections/gate", methods=["POST"])
@require(AUDIT, MANAGE)
def correct_gate(id: int):
    if done := repeat():
        return done
    d = day_or_404(id)
    venues = site_venues(d.site_id)
    form = gate_correction_form(list(venues.values()))
    if form.validate_on_submit():
        change = corrections.GateCorrection(venues[form.venue_id.data], form.entries.data)
        _request(d, change, form.reason.data)
    else:
        return invalid_form(form, "ticketing.day", id=d.id)
    return to_day(d, "#corrections")


@bp.route("/days/<int:id>/corrections/deposit", methods=["POST"])
@require(AUDIT, MANAGE)
def correct_deposit(id: int):
    if done := repeat():
        return done
    d = day_or_404(id)
    form = DepositCorrectionForm()
    if form.validate_on_submit():
        change = corrections.DepositCorrection(form.amount.data, form.slip_number.data)
        _request(d, change, form.reason.data)
    else:
        return invalid_form(form, "ticketing.day", id=d.id)
    return to_day(d, "#corrections")


def _request(d: TicketDay, change, reason: str) -> None:
    try:
        corrections.request_correction(d, change, reason, actor(), retry_key())
        flash(_("Correction requested; a second person approves it."), "success")
    except errors.TicketingError as error:
        refuse(error)


@bp.route("/corrections/<int:id>/decide", methods=["POST"])
@require(APPROVE)
def decide_correction(id: int):
    if done := repeat():
        return done
    c = db.session.get(Correction, id) or abort(404)
    check_site(c.day.site_id)
    form = DecideForm()
    if form.validate_on_submit():
        try:
            corrections.decide_correction(c, bool(form.approve.data), actor(), retry_key())
            flash(
                _("Correction approved and applied.")
                if form.approve.data
                else _("Correction rejected."),
                "success",
            )
        except errors.TicketingError as error:
            refuse(error)
    return to_day(c.day, "#corrections")
