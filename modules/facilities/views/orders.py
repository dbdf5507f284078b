"""Repair orders: the lists, one order, and each step of its life."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from modules.facilities import orders, queries, registry, reports
from modules.facilities.errors import FacilityError
from modules.facilities.forms import (
    CATEGORY_CHOICES,
    AssignForm,
    CommentForm,
    PartForm,
    PhotoForm,
    RejectForm,
    ReopenForm,
    RepairedForm,
    StartForm,
    VersionForm,
)
from modules.facilities.models import (
    OrderState,
    Priority,
    RejectReason,
    RepairOrder,
    VisitorReport,
)
from modules.facilities.photos import order_photos
from modules.facilities.views import bp, repeat, uploads
from modules.facilities.views.registry import facility_types, visible_sites
from parkops import idempotency
from parkops.auth.access import check_site, require
from parkops.auth.models import User
from parkops.extensions import db
from parkops.page_cache import cached_page
from parkops.query_args import MAX_DAYS, int_arg
from parkops.timeutil import utcnow

STEP_FORMS = {
    "assign": AssignForm,
    "start": StartForm,
    "repaired": RepairedForm,
    "verify": VersionForm,
    "reopen": ReopenForm,
    "reject": RejectForm,
    "part": PartForm,
    "comment": CommentForm,
    "photo": PhotoForm,
}
LIFECYCLE = {"assign", "start", "repaired", "verify", "reopen", "reject"}
DONE = {  # the confirmation flashed after each step
    "assign": _l("Assigned."),
    "start": _l("Repair started."),
    "repaired": _l("Marked repaired: a supervisor will check it."),
    "verify": _l("Verified: the order is closed."),
    "reopen": _l("Sent back to the crew."),
    "reject": _l("Report rejected: the order is closed."),
    "part": _l("Part added."),
    "comment": _l("Comment added."),
    "photo": _l("Photos added."),
}


def _order_filter() -> queries.OrderFilter:
    view = request.args.get("view", "open")
    priority = request.args.get("priority")
    state = request.args.get("state")
    return queries.OrderFilter(
        view=view if view in queries.VIEWS else "open",
        site_id=int_arg("site"),
        type_id=int_arg("type"),
        priority=Priority(priority) if priority in Priority._value2member_map_ else None,
        state=OrderState(state) if state in OrderState._value2member_map_ else None,
        older_than_days=int_arg("age", MAX_DAYS),
        before=int_arg("before"),
    )


@bp.route("/facilities/orders")
@require("facilities.view")
@cached_page
def orders_list():
    f = _order_filter()
    now = utcnow()
    rows, next_cursor = queries.order_page(f, current_user, now)
    return render_template(
        "facilities/orders/list.html",
        orders=rows,
        next_cursor=next_cursor,
        f=f,
        now=now,
        sites=visible_sites(),
        types=facility_types(),
        priorities=list(Priority),
        states=list(OrderState),
    )


# The people an order names, loaded with it; their roles and sites are not shown.
_PEOPLE = (lazyload(User.role_rows), lazyload(User.sites))
_ORDER_LOAD = [
    selectinload(RepairOrder.assignees).options(*_PEOPLE),
    *(
        joinedload(who).options(*_PEOPLE)
        for who in (RepairOrder.reported_by, RepairOrder.repaired_by, RepairOrder.verified_by)
    ),
]


def _order_or_404(order_id: int) -> RepairOrder:
    order = db.session.get(RepairOrder, order_id, options=_ORDER_LOAD) or abort(404)
    check_site(order.site_id)
    return order


def _forms(order: RepairOrder, steps: set[str], submitted: tuple[str, object] | None = None):
    """A form for each step the user may take; the submitted one keeps its input and errors."""
    built = {}
    for step in steps:
        fresh = not (submitted and submitted[0] == step)
        form = STEP_FORMS[step](formdata=None) if fresh else submitted[1]
        if hasattr(form, "version"):
            form.version.data = str(order.version)
        if step == "assign":
            form.assignees.choices = _crew_choices(order)
            if fresh:
                form.assignees.data = [u.id for u in order.assignees]
        built[step] = form
    return built


def _crew_choices(order: RepairOrder) -> list[tuple[int, str]]:
    return [(u.id, u.display_name) for u in registry.crew_of_site(order.site_id)]


def _render(order: RepairOrder, submitted=None, status: int = 200):
    steps = orders.allowed(current_user, order)
    before, after = order_photos(order.id)
    return render_template(
        "facilities/orders/order.html",
        order=order,
        steps=steps,
        lifecycle=steps & LIFECYCLE,
        forms=_forms(order, steps, submitted),
        transitions=queries.order_history(order.id),
        comments=queries.order_comments(order.id),
        joined_reports=db.session.scalars(
            select(VisitorReport)
            .where(VisitorReport.order_id == order.id, VisitorReport.opened_order.is_(False))
            .where(VisitorReport.reference.is_not(None))
            .order_by(VisitorReport.id)
        ).all(),
        may_split=reports.may_split(current_user, order),
        category_choices=CATEGORY_CHOICES,
        before=before,
        after=after,
        now=utcnow(),
    ), status


@bp.route("/facilities/orders/<int:id>")
@require("facilities.view")
@cached_page
def order(id: int):  # noqa: A002  the evidence endpoint's argument is called id
    return _render(_order_or_404(id))


def _run(step: str, order: RepairOrder, form, key: str | None) -> None:
    version = getattr(form, "version_number", None)
    if step == "assign":
        orders.assign(order, current_user, version, form.assignees.data, key)
    elif step == "start":
        orders.start(order, current_user, version, uploads("photos"), key)
    elif step == "repaired":
        orders.mark_repaired(
            order,
            current_user,
            version,
            form.labour_minutes.data,
            form.note.data,
            uploads("photos"),
            key,
        )
    elif step == "verify":
        orders.verify(order, current_user, version, key)
    elif step == "reopen":
        orders.reopen(order, current_user, version, form.note.data, key)
    elif step == "reject":
        orders.reject(
            order, current_user, version, RejectReason(form.reason.data), form.note.data, key
        )
    elif step == "part":
        orders.add_part(
            order,
            current_user,
            form.description.data,
            form.quantity.data or "",
            form.cost.data or "",
            key,
        )
    elif step == "comment":
        orders.add_comment(order, current_user, form.body.data, key)
    elif step == "photo":
        orders.add_photos(order, current_user, form.after.data, uploads("photos"), key)


def _typed(form) -> list[tuple[str, str]]:
    """(label, text) of what the user typed into the refused form, to give back to them."""
    return [
        (str(field.label.text), field.data.strip())
        for field in form
        if field.type in ("StringField", "TextAreaField") and (field.data or "").strip()
    ]


@bp.route("/facilities/orders/<int:id>/<step>", methods=["POST"])
@require("facilities.view")
def order_step(id: int, step: str):  # noqa: A002
    order = _order_or_404(id)
    if step not in STEP_FORMS:
        abort(404)
    again = repeat()
    if again:
        return again
    form = STEP_FORMS[step]()
    if step == "assign":
        form.assignees.choices = _crew_choices(order)
    if not form.validate_on_submit():
        if step not in orders.allowed(current_user, order):
            abort(403)
        return _render(order, (step, form), 422)
    try:
        _run(step, order, form, request.form.get(idempotency.FIELD))
    except orders.Conflict:
        db.session.rollback()
        db.session.refresh(order)
        return render_template(
            "facilities/orders/conflict.html", order=order, typed=_typed(form)
        ), 409
    except orders.NotAllowed:
        abort(403)
    except FacilityError as exc:
        db.session.rollback()
        db.session.refresh(order)
        flash(str(exc), "error")
        return _render(order, (step, form), 422)
    flash(str(DONE[step]), "success")
    return redirect(url_for("facilities.order", id=order.id), 303)
