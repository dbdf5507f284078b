"""The seller's routes: the landing page, her shifts, opening one, the blind count, the
explanation, and the second count.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from modules.ticketing import reversals, shifts, stock, todo
from modules.ticketing.catalog import seller_offices
from modules.ticketing.errors import TicketingError
from modules.ticketing.forms import (
    ConfirmReturnForm,
    CountForm,
    DecideForm,
    ExplainForm,
    OpenShiftForm,
    ReturnForm,
    TakeRangeForm,
    VoidForm,
)
from modules.ticketing.models import Product, SalesLine, SaleSource, SerialVoid, Shift, ShiftStatus
from modules.ticketing.permissions import ANY, APPROVE, SELL
from modules.ticketing.views.base import (
    actor,
    bp,
    invalid_form,
    is_staff,
    own,
    refuse,
    repeat,
    retry_key,
    shift_or_404,
    to_shift,
)
from modules.ticketing.views.stock import serial_products
from parkops.auth.access import require, site_filter
from parkops.extensions import db
from parkops.paging import paginate_objects

PER_PAGE = 30


@bp.route("/")
@require(*ANY)
def index():
    current = shifts.unclosed_shift(actor()) if current_user.can(SELL) else None
    form = None
    if current_user.can(SELL) and current is None:
        form = OpenShiftForm()
        form.window_id.choices = _window_choices()
    recent = []
    if current_user.can(SELL):
        recent = db.session.scalars(
            select(Shift)
            .where(Shift.seller_id == current_user.id)
            .order_by(Shift.opened_at.desc())
            .limit(5)
        ).all()
    waiting = todo.waiting_counts(actor()) if is_staff() else {}
    return render_template(
        "ticketing/shifts/index.html", current=current, form=form, recent=recent, waiting=waiting
    )


def _window_choices() -> list[tuple[int, str]]:
    return [
        (w.id, f"{o.name} · {w.name}")
        for o in seller_offices(actor())
        for w in o.windows
        if w.active
    ]


@bp.route("/shifts/open", methods=["POST"])
@require(SELL)
def open_shift():
    if done := repeat():
        return done
    form = OpenShiftForm()
    form.window_id.choices = _window_choices()
    if not form.validate_on_submit():
        return invalid_form(form, "ticketing.index")
    window = next(
        w for o in seller_offices(actor()) for w in o.windows if w.id == form.window_id.data
    )
    try:
        shift = shifts.open_shift(actor(), window, form.opening_float.data, retry_key())
    except TicketingError as error:
        refuse(error)
        return redirect(url_for("ticketing.index"), 303)
    flash(_("Shift opened. Take your ticket ranges, then sell."), "success")
    return to_shift(shift)


@bp.route("/shifts")
@require(*ANY)
def shift_list():
    q = select(Shift).where(site_filter(Shift.site_id))
    if not is_staff():
        q = q.where(Shift.seller_id == current_user.id)
    status = request.args.get("status", "")
    if status in ShiftStatus._value2member_map_:
        q = q.where(Shift.status == ShiftStatus(status))
    page = paginate_objects(q.order_by(Shift.business_day.desc(), Shift.opened_at.desc()), PER_PAGE)
    return render_template(
        "ticketing/shifts/shifts.html", page=page, status=status, statuses=list(ShiftStatus)
    )


@bp.route("/shifts/<int:id>")
@require(*ANY)
def shift(id: int):
    s = shift_or_404(id)
    counts = stock.issue_counts(s.issues)
    products = serial_products(s.site_id)
    take = TakeRangeForm()
    take.product_id.choices = [(p.id, p.name) for p in products]
    void_form = VoidForm()
    void_form.product_id.choices = take.product_id.choices
    voids = db.session.scalars(
        select(SerialVoid).where(SerialVoid.shift_id == s.id).order_by(SerialVoid.id)
    ).all()
    imported = db.session.scalar(
        select(func.count()).where(
            SalesLine.shift_id == s.id, SalesLine.source == SaleSource.IMPORT
        )
    )
    sales = _sales_by_product(s) if s.status != ShiftStatus.OPEN else []
    return render_template(
        "ticketing/shifts/shift.html",
        shift=s,
        counts=counts,
        take=take,
        void_form=void_form,
        voids=voids,
        reversals=reversals.shift_reversals(s.id),
        imported=imported,
        sales=sales,
        return_form=ReturnForm(),
        confirm_form=ConfirmReturnForm(),
        explain_form=ExplainForm(),
        second_form=CountForm(),
        decide_form=DecideForm(),
        worst=shifts.worst_difference(s),
        total=shifts.total_difference(s),
    )


def _sales_by_product(s: Shift):
    return db.session.execute(
        select(
            Product.name,
            SalesLine.status,
            SalesLine.source,
            func.sum(SalesLine.quantity),
            func.sum(SalesLine.amount_fen),
        )
        .join(Product, Product.id == SalesLine.product_id)
        .where(SalesLine.shift_id == s.id)
        .group_by(Product.name, SalesLine.status, SalesLine.source)
        .order_by(Product.name, SalesLine.status)
    ).all()


@bp.route("/shifts/<int:id>/close", methods=["GET", "POST"])
@require(SELL)
def close(id: int):
    if done := repeat():
        return done
    s = shift_or_404(id)
    own(s)
    if s.status != ShiftStatus.OPEN:
        if request.method == "POST":  # another tab, or Back: its figures do not stand
            flash(shifts.already_counted(s), "error")
        return to_shift(s)
    form = CountForm()
    if form.validate_on_submit():
        try:
            shifts.count_blind(s, form.counted(), actor(), retry_key())
        except TicketingError as error:
            refuse(error)
            if s.status != ShiftStatus.OPEN:  # counted in the meantime: show the count
                return to_shift(s)
            return render_template("ticketing/shifts/close.html", shift=s, form=form), 422
        flash(_("Count recorded."), "success")
        return to_shift(s)
    status = 422 if request.method == "POST" else 200
    return render_template("ticketing/shifts/close.html", shift=s, form=form), status


@bp.route("/shifts/<int:id>/explain", methods=["POST"])
@require(SELL)
def explain(id: int):
    if done := repeat():
        return done
    s = shift_or_404(id)
    own(s)
    form = ExplainForm()
    if form.validate_on_submit():
        try:
            shifts.explain(s, form.explanation.data, actor(), retry_key())
            flash(_("Explanation recorded."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.shift", id=s.id)
    return to_shift(s)


@bp.route("/shifts/<int:id>/second-count", methods=["POST"])
@require(APPROVE)
def second_count(id: int):
    if done := repeat():
        return done
    s = shift_or_404(id)
    form = CountForm()
    if form.validate_on_submit():
        try:
            shifts.second_count(s, form.counted(), actor(), retry_key())
            flash(_("Second count recorded; the shift is closed."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.shift", id=s.id)
    return to_shift(s)
