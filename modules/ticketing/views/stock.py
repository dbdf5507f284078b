"""Ticket stock routes: the store and its rolls, ranges taken and returned on a shift,
voids asked and decided.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from modules.ticketing import stock
from modules.ticketing.errors import TicketingError
from modules.ticketing.forms import (
    ConfirmReturnForm,
    DecideForm,
    ReturnForm,
    RollForm,
    TakeRangeForm,
    VoidForm,
)
from modules.ticketing.models import MAX_SERIAL, Product, SerialVoid, StockIssue
from modules.ticketing.permissions import APPROVE, AUDIT, MANAGE, SELL, VIEW
from modules.ticketing.views.base import (
    actor,
    bp,
    invalid_form,
    local_back,
    own,
    own_or_manager,
    refuse,
    repeat,
    retry_key,
    shift_or_404,
    to_shift,
)
from parkops.auth.access import check_site, require, site_filter
from parkops.extensions import db
from parkops.query_args import int_arg, parse_moment
from parkops.timeutil import business_day, local_zone


def serial_products(site_id: int) -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.site_id == site_id, Product.serialised, Product.active)
            .order_by(Product.code)
        )
    )


@bp.route("/shifts/<int:id>/ranges", methods=["POST"])
@require(SELL, MANAGE)
def take_range(id: int):
    if done := repeat():
        return done
    s = shift_or_404(id)
    own_or_manager(s)
    form = TakeRangeForm()
    products = {p.id: p for p in serial_products(s.site_id)}
    form.product_id.choices = [(p.id, p.name) for p in products.values()]
    if form.validate_on_submit():
        try:
            stock.issue_range(
                s,
                products[form.product_id.data],
                form.first.data,
                form.last.data,
                actor(),
                retry_key(),
            )
            flash(_("Range recorded."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.shift", id=s.id)
    return to_shift(s)


@bp.route("/issues/<int:id>/return", methods=["POST"])
@require(SELL, MANAGE)
def return_range(id: int):
    if done := repeat():
        return done
    issue = db.session.get(StockIssue, id) or abort(404)
    s = shift_or_404(issue.shift_id)
    own_or_manager(s)
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            stock.return_range(issue, form.first_unsold.data, actor(), retry_key())
            flash(_("Remainder returned to the store."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.shift", id=s.id)
    return to_shift(s)


@bp.route("/issues/<int:id>/confirm-return", methods=["POST"])
@require(MANAGE)
def confirm_return(id: int):
    """The stock keeper (finance) records the first and last serial she counted back."""
    if done := repeat():
        return done
    issue = db.session.get(StockIssue, id) or abort(404)
    s = shift_or_404(issue.shift_id)
    form = ConfirmReturnForm()
    if form.validate_on_submit():
        try:
            stock.confirm_return(
                issue, form.first_seen.data, form.last_seen.data, actor(), retry_key()
            )
            flash(_("Returned tickets counted into the store."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.shift", id=s.id)
    return to_shift(s)


@bp.route("/shifts/<int:id>/voids", methods=["POST"])
@require(SELL)
def request_void(id: int):
    if done := repeat():
        return done
    s = shift_or_404(id)
    own(s)
    form = VoidForm()
    products = {p.id: p for p in serial_products(s.site_id)}
    form.product_id.choices = [(p.id, p.name) for p in products.values()]
    if form.validate_on_submit():
        try:
            stock.request_void(
                s,
                products[form.product_id.data],
                form.serial.data,
                form.reason.data,
                actor(),
                retry_key(),
            )
            flash(_("Void requested; a supervisor approves it."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.shift", id=s.id)
    return to_shift(s)


@bp.route("/voids/<int:id>/decide", methods=["POST"])
@require(APPROVE)
def decide_void(id: int):
    if done := repeat():
        return done
    void = db.session.get(SerialVoid, id) or abort(404)
    check_site(void.site_id)
    form = DecideForm()
    back = local_back(url_for("ticketing.approvals"))
    if form.validate_on_submit():
        try:
            stock.decide_void(void, bool(form.approve.data), actor(), retry_key(), back)
            flash(_("Void approved.") if form.approve.data else _("Void rejected."), "success")
        except TicketingError as error:
            refuse(error)
    return redirect(back, 303)


STOCK_READERS = (VIEW, MANAGE, AUDIT, APPROVE)


def _stock_products() -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.serialised, site_filter(Product.site_id))
            .order_by(Product.site_id, Product.code)
        )
    )


@bp.route("/stock")
@require(*STOCK_READERS)
def stock_page():
    products = _stock_products()
    roll_form = RollForm()
    roll_form.product_id.choices = [(p.id, f"{p.name} ({p.site.name})") for p in products]
    roll_form.received_on.data = business_day()
    return render_template(
        "ticketing/stock/stock.html",
        stock={p.id: stock.product_stock(p) for p in products},
        products=products,
        roll_form=roll_form,
        lookup=_lookup(products),
    )


def _lookup(products: list[Product]):
    """The serial lookup asked for in the query string, if any."""
    product_id, serial = int_arg("product"), int_arg("serial", MAX_SERIAL)
    if product_id is None or serial is None:
        return None
    product = next((p for p in products if p.id == product_id), None)
    if product is None:
        return None
    at = None
    raw_at = request.args.get("at", "")
    if raw_at:
        at = parse_moment(raw_at)
        if at is None:
            flash(_("The time to look at is not a valid date and time."), "error")
        else:
            at = at.replace(tzinfo=local_zone())
    return {
        "product": product,
        "serial": serial,
        "at": at,
        "info": stock.serial_status(product, serial, at),
    }


@bp.route("/stock/rolls", methods=["POST"])
@require(MANAGE)
def receive_roll():
    if done := repeat():
        return done
    products = {p.id: p for p in _stock_products()}
    form = RollForm()
    form.product_id.choices = [(p.id, p.name) for p in products.values()]
    if form.validate_on_submit():
        try:
            stock.receive_roll(
                products[form.product_id.data],
                form.first.data,
                form.last.data,
                form.received_on.data,
                form.note.data or "",
                actor(),
                retry_key(),
            )
            flash(_("Roll received into the store."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.stock_page")
    return redirect(url_for("ticketing.stock_page"), 303)
