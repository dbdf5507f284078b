"""The seller's routes: her shift, her ranges, her voids, her import and her blind count.

The blueprint is shared with catalog_views, day_views and report_views; each
route declares its permission, and a seller reaches only her own shifts
(another seller's shift is a 404, like another site's).
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from modules.ticketing import corrections, four_eyes, imports, shifts, stock, todo
from modules.ticketing.catalog import seller_offices
from modules.ticketing.errors import TicketingError
from modules.ticketing.forms import (
    CountForm,
    DecideForm,
    ExplainForm,
    OpenShiftForm,
    ReturnForm,
    SalesImportForm,
    TakeRangeForm,
    VoidForm,
)
from modules.ticketing.labels import label, payment_name
from modules.ticketing.models import (
    Product,
    SalesImport,
    SalesLine,
    SaleSource,
    SerialVoid,
    Shift,
    ShiftStatus,
    StockIssue,
)
from modules.ticketing.permissions import ANY, APPROVE, MANAGE, SELL, STAFF
from parkops import idempotency
from parkops.auth.access import check_site, require, site_filter
from parkops.auth.models import User
from parkops.extensions import db
from parkops.redirects import is_local_path

bp = Blueprint("ticketing", __name__)


@bp.context_processor
def _predicates() -> dict:
    """Templates show a decision's button by the predicate its service enforces."""
    return {"four_eyes": four_eyes}


bp.add_app_template_filter(label, "tlabel")
bp.add_app_template_filter(payment_name, "payment")

PER_PAGE = 30


def actor() -> User:
    return current_user._get_current_object()


def is_staff() -> bool:
    return any(current_user.can(p) for p in STAFF)


def shift_or_404(shift_id: int) -> Shift:
    """A shift the current user may see: her own, or any of her sites' if she is staff."""
    shift = db.session.get(Shift, shift_id) or abort(404)
    check_site(shift.site_id)
    if shift.seller_id != current_user.id and not is_staff():
        abort(404)
    return shift


def own_or_manager(shift: Shift) -> None:
    if shift.seller_id != current_user.id and not current_user.can(MANAGE):
        abort(403)


def own(shift: Shift) -> None:
    if shift.seller_id != current_user.id:
        abort(403)


def refuse(error: TicketingError) -> None:
    # Nothing of the refused post is kept: not a half-made change, not its idempotency key.
    db.session.rollback()
    flash(str(error), "error")


def form_problem(form) -> None:
    for field_errors in form.errors.values():
        for message in field_errors:
            flash(str(message), "error")


def to_shift(shift: Shift):
    return redirect(url_for("ticketing.shift", id=shift.id), 303)


def claim_for_shift(shift: Shift) -> None:
    """A repeat of this post (same idempotency key) will land on the shift's page."""
    idempotency.claim(url_for("ticketing.shift", id=shift.id))


def local_back(default: str) -> str:
    """The form's ``back`` page, if it is a path of this site (never another host)."""
    back = request.form.get("back", "")
    return back if is_local_path(back) else default


def serial_products(site_id: int) -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.site_id == site_id, Product.serialised, Product.active)
            .order_by(Product.code)
        )
    )


# --- the landing page ------------------------------------------------------------------------


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
        "ticketing/index.html", current=current, form=form, recent=recent, waiting=waiting
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
@idempotency.repeat_lands_on_first
def open_shift():
    form = OpenShiftForm()
    form.window_id.choices = _window_choices()
    if not form.validate_on_submit():
        form_problem(form)
        return redirect(url_for("ticketing.index"), 303)
    window = next(
        w for o in seller_offices(actor()) for w in o.windows if w.id == form.window_id.data
    )
    try:
        shift = shifts.open_shift(
            actor(), window, form.opening_float.data, request.form.get(idempotency.FIELD)
        )
    except TicketingError as error:
        refuse(error)
        return redirect(url_for("ticketing.index"), 303)
    flash(_("Shift opened. Take your ticket ranges, then sell."), "success")
    return to_shift(shift)


# --- shifts ----------------------------------------------------------------------------------


@bp.route("/shifts")
@require(*ANY)
def shift_list():
    q = select(Shift).where(site_filter(Shift.site_id))
    if not is_staff():
        q = q.where(Shift.seller_id == current_user.id)
    status = request.args.get("status", "")
    if status in ShiftStatus._value2member_map_:
        q = q.where(Shift.status == ShiftStatus(status))
    page = db.paginate(
        q.order_by(Shift.business_day.desc(), Shift.opened_at.desc()),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "ticketing/shifts.html", page=page, status=status, statuses=list(ShiftStatus)
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
        "ticketing/shift.html",
        shift=s,
        counts=counts,
        take=take,
        void_form=void_form,
        voids=voids,
        imported=imported,
        sales=sales,
        return_form=ReturnForm(),
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


@bp.route("/shifts/<int:id>/ranges", methods=["POST"])
@require(SELL, MANAGE)
@idempotency.repeat_lands_on_first
def take_range(id: int):
    s = shift_or_404(id)
    own_or_manager(s)
    form = TakeRangeForm()
    products = {p.id: p for p in serial_products(s.site_id)}
    form.product_id.choices = [(p.id, p.name) for p in products.values()]
    if form.validate_on_submit():
        claim_for_shift(s)
        try:
            stock.issue_range(
                s, products[form.product_id.data], form.first.data, form.last.data, actor()
            )
            flash(_("Range recorded."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        form_problem(form)
    return to_shift(s)


@bp.route("/issues/<int:id>/return", methods=["POST"])
@require(SELL, MANAGE)
@idempotency.repeat_lands_on_first
def return_range(id: int):
    issue = db.session.get(StockIssue, id) or abort(404)
    s = shift_or_404(issue.shift_id)
    own_or_manager(s)
    form = ReturnForm()
    if form.validate_on_submit():
        claim_for_shift(s)
        try:
            stock.return_range(issue, form.first_unsold.data, actor())
            flash(_("Remainder returned to the store."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        form_problem(form)
    return to_shift(s)


@bp.route("/shifts/<int:id>/voids", methods=["POST"])
@require(SELL)
@idempotency.repeat_lands_on_first
def request_void(id: int):
    s = shift_or_404(id)
    own(s)
    form = VoidForm()
    products = {p.id: p for p in serial_products(s.site_id)}
    form.product_id.choices = [(p.id, p.name) for p in products.values()]
    if form.validate_on_submit():
        claim_for_shift(s)
        try:
            stock.request_void(
                s, products[form.product_id.data], form.serial.data, form.reason.data, actor()
            )
            flash(_("Void requested; a supervisor approves it."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        form_problem(form)
    return to_shift(s)


@bp.route("/voids/<int:id>/decide", methods=["POST"])
@require(APPROVE)
@idempotency.repeat_lands_on_first
def decide_void(id: int):
    void = db.session.get(SerialVoid, id) or abort(404)
    check_site(void.site_id)
    form = DecideForm()
    back = local_back(url_for("ticketing.approvals"))
    if form.validate_on_submit():
        idempotency.claim(back)
        try:
            stock.decide_void(void, bool(form.approve.data), actor())
            flash(_("Void approved.") if form.approve.data else _("Void rejected."), "success")
        except TicketingError as error:
            refuse(error)
    return redirect(back, 303)


@bp.route("/shifts/<int:id>/close", methods=["GET", "POST"])
@require(SELL)
@idempotency.repeat_lands_on_first
def close(id: int):
    s = shift_or_404(id)
    own(s)
    if s.status != ShiftStatus.OPEN:
        return to_shift(s)
    form = CountForm()
    if form.validate_on_submit():
        try:
            shifts.count_blind(s, form.counted(), actor(), request.form.get(idempotency.FIELD))
        except TicketingError as error:
            refuse(error)
            return render_template("ticketing/close.html", shift=s, form=form), 422
        return to_shift(s)
    status = 422 if request.method == "POST" else 200
    return render_template("ticketing/close.html", shift=s, form=form), status


@bp.route("/shifts/<int:id>/explain", methods=["POST"])
@require(SELL)
@idempotency.repeat_lands_on_first
def explain(id: int):
    s = shift_or_404(id)
    own(s)
    form = ExplainForm()
    if form.validate_on_submit():
        claim_for_shift(s)
        try:
            shifts.explain(s, form.explanation.data, actor())
            flash(_("Explanation recorded."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        form_problem(form)
    return to_shift(s)


@bp.route("/shifts/<int:id>/second-count", methods=["POST"])
@require(APPROVE)
@idempotency.repeat_lands_on_first
def second_count(id: int):
    s = shift_or_404(id)
    form = CountForm()
    if form.validate_on_submit():
        claim_for_shift(s)
        try:
            shifts.second_count(s, form.counted(), actor())
            flash(_("Second count recorded; the shift is closed."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        form_problem(form)
    return to_shift(s)


@bp.route("/approvals")
@require(APPROVE)
def approvals():
    site_ids = current_user.site_ids
    second = select(Shift).where(
        Shift.status == ShiftStatus.SECOND_COUNT, site_filter(Shift.site_id)
    )
    return render_template(
        "ticketing/approvals.html",
        voids=stock.pending_voids(site_ids),
        second_counts=db.session.scalars(second.order_by(Shift.counted_at)).all(),
        pending=corrections.pending_corrections(site_ids),
        describe=corrections.describe,
        form=DecideForm(),
    )


# --- importing sales ---------------------------------------------------------------------------


@bp.route("/imports/sales", methods=["GET", "POST"])
@require(SELL, MANAGE)
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
                        when=result.previous.imported_at.strftime("%Y-%m-%d %H:%M"),
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
            "ticketing/import_sales.html",
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
