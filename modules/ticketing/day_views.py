"""The auditor's routes: the days, their reconciliation, findings, sign-off and corrections."""

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from modules.ticketing import corrections, errors, imports, tolerances
from modules.ticketing.days import findings, gate_and_deposit, listing, reconciliation, signoff
from modules.ticketing.forms import (
    DecideForm,
    DepositCorrectionForm,
    DepositForm,
    FindingForm,
    GateCorrectionForm,
    GateCountForm,
    GateImportForm,
    ResolveForm,
    SaleCorrectionForm,
    SignOffForm,
    ThresholdsForm,
)
from modules.ticketing.labels import label
from modules.ticketing.models import (
    Correction,
    DayStatus,
    Finding,
    Office,
    Payment,
    Product,
    SalesImport,
    SaleStatus,
    Shift,
    TicketDay,
    Venue,
)
from modules.ticketing.permissions import APPROVE, AUDIT, MANAGE, VIEW
from modules.ticketing.views import actor, bp, form_problem, refuse
from parkops import idempotency
from parkops.auth.access import check_site, require, site_filter
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.timeutil import business_day

DAY_READERS = (VIEW, AUDIT, APPROVE, MANAGE)


def day_or_404(day_id: int) -> TicketDay:
    day = db.session.get(TicketDay, day_id) or abort(404)
    check_site(day.site_id)
    return day


def to_day(day: TicketDay, anchor: str = ""):
    return redirect(url_for("ticketing.day", id=day.id) + anchor, 303)


def claim_for_day(day: TicketDay, anchor: str = "") -> None:
    """A repeat of this post (same idempotency key) will land on the day's page."""
    idempotency.claim(url_for("ticketing.day", id=day.id) + anchor)


def visible_sites() -> list[Site]:
    return list(
        db.session.scalars(
            select(Site).where(Site.active, site_filter(Site.id)).order_by(Site.code)
        )
    )


def month_arg() -> date:
    try:
        return date.fromisoformat(f"{request.args.get('month', '')}-01")
    except ValueError:
        return business_day().replace(day=1)


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
        "ticketing/days.html",
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
def day(id: int):
    d = day_or_404(id)
    figures = reconciliation.day_figures(d)
    venues = [v.venue for v in figures.venues]
    gate_form = GateCountForm()
    gate_form.venue_id.choices = [(v.id, v.name) for v in venues]
    finding_form = _finding_form(figures)
    return render_template(
        "ticketing/day.html",
        day=d,
        f=figures,
        findings=findings.day_findings(d),
        gate_history=reconciliation.gate_history(d),
        deposits=reconciliation.deposit_history(d),
        corrections=corrections.day_corrections(d),
        describe=corrections.describe,
        gate_form=gate_form,
        deposit_form=DepositForm(),
        finding_form=finding_form,
        resolve_form=ResolveForm(),
        sign_form=SignOffForm(),
        decide_form=DecideForm(),
        sale_form=_sale_correction_form(d),
        gate_correction=_gate_correction_form(venues),
        deposit_correction=DepositCorrectionForm(),
    )


@bp.route("/days/<int:id>/gate", methods=["POST"])
@require(AUDIT, MANAGE)
@idempotency.repeat_lands_on_first
def gate_count(id: int):
    d = day_or_404(id)
    form = GateCountForm()
    venues = _site_venues(d.site_id)
    form.venue_id.choices = [(v.id, v.name) for v in venues.values()]
    if form.validate_on_submit():
        claim_for_day(d, "#venues")
        try:
            gate_and_deposit.record_gate_count(
                d, venues[form.venue_id.data], form.entries.data, actor()
            )
            flash(_("Gate count recorded."), "success")
        except errors.TicketingError as error:
            refuse(error)
    else:
        form_problem(form)
    return to_day(d, "#venues")


@bp.route("/days/<int:id>/deposit", methods=["POST"])
@require(AUDIT, MANAGE)
@idempotency.repeat_lands_on_first
def deposit(id: int):
    d = day_or_404(id)
    form = DepositForm()
    if form.validate_on_submit():
        claim_for_day(d, "#money")
        try:
            gate_and_deposit.record_deposit(d, form.amount.data, form.slip_number.data, actor())
            flash(_("Bank deposit recorded."), "success")
        except errors.TicketingError as error:
            refuse(error)
    else:
        form_problem(form)
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
@idempotency.repeat_lands_on_first
def add_finding(id: int):
    d = day_or_404(id)
    figures = reconciliation.day_figures(d)
    form = _finding_form(figures)
    shifts = {s.id: s for s in figures.shifts}
    if form.validate_on_submit():
        claim_for_day(d, "#findings")
        try:
            findings.add_finding(
                d,
                form.text.data,
                actor(),
                amount_fen=form.amount.data,
                shift=shifts.get(form.shift_id.data or 0),
                flag_key=form.flag_key.data or "",
            )
            flash(_("Finding recorded."), "success")
        except errors.TicketingError as error:
            refuse(error)
    else:
        form_problem(form)
    return to_day(d, "#findings")


@bp.route("/findings/<int:id>")
@require(*DAY_READERS)
def finding(id: int):
    f = db.session.get(Finding, id) or abort(404)
    check_site(f.site_id)
    return redirect(url_for("ticketing.day", id=f.day_id) + f"#finding-{f.id}", 303)


@bp.route("/findings/<int:id>/resolve", methods=["POST"])
@require(AUDIT)
@idempotency.repeat_lands_on_first
def resolve_finding(id: int):
    f = db.session.get(Finding, id) or abort(404)
    check_site(f.site_id)
    form = ResolveForm()
    if form.validate_on_submit():
        claim_for_day(f.day, f"#finding-{f.id}")
        try:
            findings.resolve_finding(f, form.resolution.data, actor())
            flash(_("Finding resolved."), "success")
        except errors.TicketingError as error:
            refuse(error)
    else:
        form_problem(form)
    return to_day(f.day, f"#finding-{f.id}")


@bp.route("/days/<int:id>/sign", methods=["POST"])
@require(AUDIT)
@idempotency.repeat_lands_on_first
def sign(id: int):
    d = day_or_404(id)
    form = SignOffForm()
    if form.validate_on_submit():
        claim_for_day(d)
        try:
            signoff.sign_off(d, set(request.form.getlist("reviewed")), actor())
            flash(_("Day signed off and locked."), "success")
        except errors.TicketingError as error:
            refuse(error)
    return to_day(d)


# --- corrections -------------------------------------------------------------------------------


def _site_venues(site_id: int) -> dict[int, Venue]:
    return {
        v.id: v
        for v in db.session.scalars(
            select(Venue).where(Venue.site_id == site_id).order_by(Venue.code)
        )
    }


def _sale_correction_form(d: TicketDay) -> SaleCorrectionForm:
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


def _gate_correction_form(venues: list[Venue]) -> GateCorrectionForm:
    form = GateCorrectionForm()
    form.venue_id.choices = [(v.id, v.name) for v in venues]
    return form


@bp.route("/days/<int:id>/corrections/sale", methods=["POST"])
@require(AUDIT, MANAGE)
@idempotency.repeat_lands_on_first
def correct_sale(id: int):
    d = day_or_404(id)
    form = _sale_correction_form(d)
    if not form.validate_on_submit():
        form_problem(form)
        return to_day(d, "#corrections")
    change = corrections.SaleAdjustment(
        office=db.session.get(Office, form.office_id.data),
        product=db.session.get(Product, form.product_id.data),
        payment=Payment(form.payment.data),
        status=SaleStatus(form.status.data),
        quantity=form.quantity.data,
        amount_fen=form.amount.data,
        seller=db.session.get(User, form.seller_id.data) if form.seller_id.data else None,
    )
    _request(d, change, form.reason.data)
    return to_day(d, "#corrections")


@bp.route("/days/<int:id>/corrections/gate", methods=["POST"])
@require(AUDIT, MANAGE)
@idempotency.repeat_lands_on_first
def correct_gate(id: int):
    d = day_or_404(id)
    venues = _site_venues(d.site_id)
    form = _gate_correction_form(list(venues.values()))
    if form.validate_on_submit():
        change = corrections.GateCorrection(venues[form.venue_id.data], form.entries.data)
        _request(d, change, form.reason.data)
    else:
        form_problem(form)
    return to_day(d, "#corrections")


@bp.route("/days/<int:id>/corrections/deposit", methods=["POST"])
@require(AUDIT, MANAGE)
@idempotency.repeat_lands_on_first
def correct_deposit(id: int):
    d = day_or_404(id)
    form = DepositCorrectionForm()
    if form.validate_on_submit():
        change = corrections.DepositCorrection(form.amount.data, form.slip_number.data)
        _request(d, change, form.reason.data)
    else:
        form_problem(form)
    return to_day(d, "#corrections")


def _request(d: TicketDay, change, reason: str) -> None:
    claim_for_day(d, "#corrections")
    try:
        corrections.request_correction(d, change, reason, actor())
        flash(_("Correction requested; a second person approves it."), "success")
    except errors.TicketingError as error:
        refuse(error)


@bp.route("/corrections/<int:id>/decide", methods=["POST"])
@require(APPROVE)
@idempotency.repeat_lands_on_first
def decide_correction(id: int):
    c = db.session.get(Correction, id) or abort(404)
    check_site(c.day.site_id)
    form = DecideForm()
    if form.validate_on_submit():
        claim_for_day(c.day, "#corrections")
        try:
            corrections.decide_correction(c, bool(form.approve.data), actor())
            flash(
                _("Correction approved and applied.")
                if form.approve.data
                else _("Correction rejected."),
                "success",
            )
        except errors.TicketingError as error:
            refuse(error)
    return to_day(c.day, "#corrections")


# --- gate count files and thresholds ------------------------------------------------


@bp.route("/imports/gate", methods=["GET", "POST"])
@require(AUDIT, MANAGE)
def import_gate():
    form = GateImportForm()
    sites = {s.id: s for s in visible_sites()}
    form.site_id.choices = [(s.id, s.name) for s in sites.values()]
    result, status = None, 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = imports.import_gate_counts(
                upload.filename or "upload", upload.read(), sites[form.site_id.data], actor()
            )
        except errors.TicketingError as error:
            refuse(error)
            status = 422
        else:
            if result.previous is not None:
                flash(_("This file was already imported: nothing imported."), "warning")
                return redirect(url_for("ticketing.import_gate"), 303)
            if result.ok:
                flash(
                    _(
                        "%(n)s gate counts imported; %(skipped)s already recorded were skipped.",
                        n=result.imported,
                        skipped=result.skipped,
                    ),
                    "success" if result.imported else "warning",
                )
                return redirect(url_for("ticketing.import_gate"), 303)
            status = 422
    elif request.method == "POST":
        form_problem(form)
        status = 422
    recent = db.session.scalars(
        select(SalesImport)
        .where(SalesImport.kind == "gate", SalesImport.imported_by_id == actor().id)
        .order_by(SalesImport.id.desc())
        .limit(10)
    ).all()
    return (
        render_template(
            "ticketing/import_gate.html",
            form=form,
            result=result,
            recent=recent,
            columns=imports.GATE_COLUMNS,
        ),
        status,
    )


@bp.route("/settings", methods=["GET", "POST"])
@require(AUDIT)
def settings():
    form = ThresholdsForm()
    if form.validate_on_submit():
        try:
            tolerances.set_thresholds(form.tolerance.data, form.second_count.data, actor())
            flash(_("Thresholds saved."), "success")
            return redirect(url_for("ticketing.settings"), 303)
        except errors.TicketingError as error:
            refuse(error)
    elif request.method == "GET":
        form.tolerance.data, form.second_count.data = tolerances.thresholds()
    status = 422 if request.method == "POST" else 200
    return render_template("ticketing/settings.html", form=form), status
