"""The auditor's routes for a day: the month's list, a day's reconciliation, gate counts,
the deposit, findings and the sign-off.
"""

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from modules.ticketing import corrections, errors
from modules.ticketing.days import (
    findings,
    gate_and_deposit,
    listing,
    reconciliation,
    signoff,
    statements,
)
from modules.ticketing.forms import (
    DecideForm,
    DepositCorrectionForm,
    DepositForm,
    FindingForm,
    GateCorrectionForm,
    GateCountForm,
    ResolveForm,
    SaleCorrectionForm,
    SignOffForm,
    StatementExceptionForm,
)
from modules.ticketing.labels import label
from modules.ticketing.models import (
    DayStatus,
    Finding,
    Office,
    Payment,
    Product,
    SaleStatus,
    Shift,
    TicketDay,
    Venue,
)
from modules.ticketing.permissions import APPROVE, AUDIT, MANAGE, VIEW
from modules.ticketing.views.base import actor, bp, invalid_form, refuse, repeat, retry_key
from parkops import query_args
from parkops.auth.access import check_site, require
from parkops.auth.models import User
from parkops.extensions import db
from parkops.page_cache import cached_page
from parkops.timeutil import business_day

DAY_READERS = (VIEW, AUDIT, APPROVE, MANAGE)


def day_or_404(day_id: int) -> TicketDay:
    day = db.session.get(TicketDay, day_id) or abort(404)
    check_site(day.site_id)
    return day


def to_day(day: TicketDay, anchor: str = ""):
    return redirect(url_for("ticketing.day", id=day.id) + anchor, 303)


def month_arg() -> date:
    """The ``?month=`` (YYYY-MM) asked for, as its first day; this month by default."""
    return query_args.month_arg("month") or business_day().replace(day=1)


def month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


@bp.route("/days")
@require(*DAY_READERS)
def days():
    month = month_arg()
    end = month_end(month)
    status = request.args.get("status", "")
    rows = listing.day_rows(
        current_user.site_ids,
        month,
        end,
        DayStatus(status) if status in DayStatus._value2member_map_ else None,
    )
    following = end + timedelta(days=1)
    return render_template(
        "ticketing/days/days.html",
        rows=rows,
        month=month,
        previous=(month - timedelta(days=1)).replace(day=1),
        following=following if following <= business_day() else None,
        status=status,
        statuses=list(DayStatus),
        today=business_day(),
    )


@bp.route("/days/<int:id>")
@require(*DAY_READERS)
@cached_page
def day(id: int):
    d = day_or_404(id)
    figures = reconciliation.day_figures(d)
    venues = [v.venue for v in figures.venues]
    gate_form = GateCountForm()
    gate_form.venue_id.choices = [(v.id, v.name) for v in venues]
    finding_form = _finding_form(figures)
    return render_template(
        "ticketing/days/day.html",
        day=d,
        f=figures,
        findings=findings.day_findings(d),
        gate_history=reconciliation.gate_history(d),
        deposits=reconciliation.deposit_history(d),
        imports=reconciliation.day_imports(d),
        without_outcome=signoff.without_outcome(d, figures),
        corrections=corrections.day_corrections(d),
        describe=corrections.describe,
        gate_form=gate_form,
        deposit_form=DepositForm(),
        finding_form=finding_form,
        resolve_form=ResolveForm(),
        sign_form=SignOffForm(),
        decide_form=DecideForm(),
        sale_form=sale_correction_form(d),
        gate_correction=gate_correction_form(venues),
        deposit_correction=DepositCorrectionForm(),
        exception_form=exception_form(figures.statements),
    )


def exception_form(check: statements.StatementCheck) -> StatementExceptionForm:
    """The methods still waiting for a statement, for the auditor's reasoned exception."""
    form = StatementExceptionForm()
    form.method.choices = [(m.value, label(m)) for m in check.missing]
    return form


@bp.route("/days/<int:id>/statement-exception", methods=["POST"])
@require(AUDIT)
def statement_exception(id: int):
    if done := repeat():
        return done
    d = day_or_404(id)
    form = StatementExceptionForm()
    form.method.choices = [(m.value, label(m)) for m in statements.ELECTRONIC]
    if form.validate_on_submit():
        try:
            statements.record_statement_exception(
                d, Payment(form.method.data), form.reason.data, actor(), retry_key()
            )
            flash(_("Recorded why the day has no statement."), "success")
        except errors.TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.day", id=d.id)
    return to_day(d, "#statements")


@bp.route("/days/<int:id>/gate", methods=["POST"])
@require(AUDIT, MANAGE)
def gate_count(id: int):
    if done := repeat():
        return done
    d = day_or_404(id)
    form = GateCountForm()
    venues = site_venues(d.site_id)
    form.venue_id.choices = [(v.id, v.name) for v in venues.values()]
    if form.validate_on_submit():
        try:
            gate_and_deposit.record_gate_count(
                d, venues[form.venue_id.data], form.entries.data, actor(), retry_key()
            )
            flash(_("Gate count recorded."), "success")
        except errors.TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.day", id=d.id)
    return to_day(d, "#venues")


@bp.route("/days/<int:id>/deposit", methods=["POST"])
@require(AUDIT, MANAGE)
def deposit(id: int):
    if done := repeat():
        return done
    d = day_or_404(id)
    form = DepositForm()
    if form.validate_on_submit():
        try:
            gate_and_deposit.record_deposit(
                d, form.amount.data, form.slip_number.data, actor(), retry_key()
            )
            flash(_("Bank deposit recorded."), "success")
        except errors.TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.day", id=d.id)
    return to_day(d, "#money")


def _finding_form(figures: reconciliation.DayFigures) -> FindingForm:
    form = FindingForm()
    form.shift_id.choices = [(0, "—")] + [
        (s.id, f"{s.seller.display_name} · {s.window.name}") for s in figures.shifts
    ]
    form.flag_key.choices = [("", "—")] + [(f.key, f.text[:80]) for f in figures.flags]
    return form


@bp.route("/days/<int:id>/findings", methods=["POST"])
@require(AUDIT)
def add_finding(id: int):
    if done := repeat():
        return done
    d = day_or_404(id)
    figures = reconciliation.day_figures(d)
    form = _finding_form(figures)
    shifts = {s.id: s for s in figures.shifts}
    if form.validate_on_submit():
        try:
            findings.add_finding(
                d,
                form.text.data,
                actor(),
                amount_fen=form.amount.data,
                shift=shifts.get(form.shift_id.data or 0),
                flag_key=form.flag_key.data or "",
                retry_key=retry_key(),
            )
            flash(_("Finding recorded."), "success")
        except errors.TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.day", id=d.id)
    return to_day(d, "#findings")


@bp.route("/findings/<int:id>")
@require(*DAY_READERS)
def finding(id: int):
    f = db.session.get(Finding, id) or abort(404)
    check_site(f.site_id)
    return redirect(url_for("ticketing.day", id=f.day_id) + f"#finding-{f.id}", 303)


@bp.route("/findings/<int:id>/resolve", methods=["POST"])
@require(AUDIT)
def resolve_finding(id: int):
    if done := repeat():
        return done
    f = db.session.get(Finding, id) or abort(404)
    check_site(f.site_id)
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            findings.resolve_finding(f, form.resolution.data, actor(), retry_key())
            flash(_("Finding resolved."), "success")
        except errors.TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.day", id=f.day.id)
    return to_day(f.day, f"#finding-{f.id}")


@bp.route("/days/<int:id>/sign", methods=["POST"])
@require(AUDIT)
def sign(id: int):
    if done := repeat():
        return done
    d = day_or_404(id)
    form = SignOffForm()
    if form.validate_on_submit():
        try:
            signoff.sign_off(d, set(request.form.getlist("reviewed")), actor(), retry_key())
            flash(_("Day signed off and locked."), "success")
        except errors.TicketingError as error:
            refuse(error)
    return to_day(d)


def site_venues(site_id: int) -> dict[int, Venue]:
    return {
        v.id: v
        for v in db.session.scalars(
            select(Venue).where(Venue.site_id == site_id).order_by(Venue.code)
        )
    }


def sale_correction_form(d: TicketDay) -> SaleCorrectionForm:
    form = SaleCorrectionForm()
    form.office_id.choices = [
        (o.id, o.name)
        for o in db.session.scalars(
            select(Office).where(Office.site_id == d.site_id).order_by(Office.code)
        )
    ]
    form.product_id.choices = [
        (p.id, p.name)
        for p in db.session.scalars(
            select(Product).where(Product.site_id == d.site_id).order_by(Product.code)
        )
    ]
    sellers = db.session.scalars(
        select(User)
        .join(Shift, Shift.seller_id == User.id)
        .where(Shift.site_id == d.site_id, Shift.business_day == d.business_day)
        .distinct()
    )
    form.seller_id.choices = [(0, "—")] + [(u.id, u.display_name) for u in sellers]
    form.payment.choices = [(m.value, label(m)) for m in Payment]
    form.status.choices = [
        (SaleStatus.SOLD.value, _("A sale")),
        (SaleStatus.REFUND.value, _("A refund")),
    ]
    return form


def gate_correction_form(venues: list[Venue]) -> GateCorrectionForm:
    form = GateCorrectionForm()
    form.venue_id.choices = [(v.id, v.name) for v in venues]
    return form
