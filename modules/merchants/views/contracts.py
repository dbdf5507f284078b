"""Lease contracts: drafting one for a merchant, a contract's page with its schedule,
approval, entry into force and amendments."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from modules.merchants import access, contracts, exits, exits_settlement, turnover
from modules.merchants.errors import MerchantsError
from modules.merchants.forms import (
    AmendmentForm,
    CloseExitForm,
    ContractForm,
    ExitForm,
    ExitPhotosForm,
    RenewForm,
    ScanForm,
    TurnoverForm,
)
from modules.merchants.models import (
    Amendment,
    Contract,
    ContractState,
    Cycle,
    Exit,
    ExitReason,
    Instalment,
    Merchant,
    RentForm,
    Unit,
)
from modules.merchants.views import bp, repeat
from parkops.auth.access import get_for_site, require
from parkops.extensions import db


def offer_units(form: ContractForm, merchant: Merchant) -> None:
    """The units of the merchant's site as the form's choices."""
    units = db.session.scalars(
        select(Unit).where(Unit.site_id == merchant.site_id).order_by(Unit.code)
    )
    form.unit_ids.choices = [SelectChoice(u.id, f"{u.code} {u.location}") for u in units]


def contract_data(form: ContractForm, merchant: Merchant) -> contracts.ContractData:
    """The terms a validated contract form gives, for ``merchant``."""
    return contracts.ContractData(
        site_id=merchant.site_id,
        merchant_id=merchant.id,
        number=form.number.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        rent_form=RentForm(form.rent_form.data),
        cycle=Cycle(form.cycle.data),
        rent_fen=form.rent.data,
        unit_ids=form.unit_ids.data,
        steps=form.step_fen,
        turnover_share_bp=form.share_bp,
        deposit_fen=form.deposit.data or 0,
        service_fen=form.service.data or 0,
        note=form.note.data or "",
    )


@bp.route("/merchants/<int:merchant_id>/contracts/new", methods=["GET", "POST"])
@require("merchants.write")
def new_contract(merchant_id: int):
    merchant = get_for_site(Merchant, merchant_id)
    form = ContractForm()
    offer_units(form, merchant)
    status = 200
    if request.method == "POST":
        if done := repeat():
            return done
        if form.validate():
            data = contract_data(form, merchant)
            try:
                contract = contracts.create_draft(
                    data, current_user, request.form.get("idempotency_key")
                )
                flash(_("Draft contract saved."), "success")
                return redirect(url_for("merchants.contract", contract_id=contract.id), 303)
            except MerchantsError as refused:
                form.number.errors = [str(refused)]
        status = 422
    return render_template("merchants/contracts/form.html", form=form, merchant=merchant), status


def contract_page(contract: Contract, status: int = 200, **forms):
    """The contract's page; ``forms``: a posted form to show again with its errors
    (``amendment_form``, ``renew_form``, ``exit_form``, ``close_form``,
    ``scan_form``)."""
    instalments = db.session.scalars(
        select(Instalment)
        .where(Instalment.contract_id == contract.id)
        .order_by(Instalment.starts_on)
    ).all()
    amendments = db.session.scalars(
        select(Amendment)
        .where(Amendment.contract_id == contract.id)
        .order_by(Amendment.effective_on)
    ).all()
    exit_ = exits.exit_of(contract)
    renewal = exits.renewal_of(contract)
    blank = {
        "amendment_form": AmendmentForm,
        "renew_form": RenewForm,
        "exit_form": ExitForm,
        "close_form": CloseExitForm,
        "scan_form": ScanForm,
        "turnover_form": TurnoverForm,
        "photos_form": ExitPhotosForm,
    }
    for name, form in blank.items():
        forms.setdefault(name, form(formdata=None))
    forms["turnover_form"].period.choices = [
        SelectChoice(
            i.starts_on.isoformat(), f"{i.starts_on.isoformat()} – {i.ends_on.isoformat()}"
        )
        for i in instalments
    ]
    return render_template(
        "merchants/contracts/contract.html",
        contract=contract,
        instalments=instalments,
        amendments=amendments,
        exit=exit_,
        renewal=renewal,
        exit_photos=exits_settlement.photos_of(exit_) if exit_ else [],
        may_write_site=access.may_write(current_user, contract.site_id),
        turnover_reports=(
            turnover.reports_of(contract) if contract.rent_form == RentForm.TURNOVER else []
        ),
        arrears_fen=exits.arrears_fen(contract) if contract.state != ContractState.DRAFT else 0,
        steps=access.contract_steps(current_user, contract, exit_, renewal is not None),
        **forms,
    ), status


@bp.route("/contracts/<int:contract_id>")
@require(*access.READ)
def contract(contract_id: int):
    return contract_page(get_for_site(Contract, contract_id))


def contract_step(contract_id: int, step: str) -> Contract:
    found = get_for_site(Contract, contract_id)
    exit_, renewal = exits.exit_of(found), exits.renewal_of(found)
    if step not in access.contract_steps(current_user, found, exit_, renewal is not None):
        abort(403)
    return found


@bp.route("/contracts/<int:contract_id>/approve", methods=["POST"])
@require("merchants.approve")
def approve(contract_id: int):
    found = get_for_site(Contract, contract_id)
    # The drafter (shown no button) hears why from the service rather than a bare 403.
    if not (found.state == ContractState.DRAFT and found.created_by_id == current_user.id):
        found = contract_step(contract_id, "approve")
    try:
        contracts.approve(found, current_user)
    except MerchantsError as refused:
        flash(str(refused), "error")
        return contract_page(db.session.get(Contract, contract_id), 422)
    flash(_("Contract approved."), "success")
    return redirect(url_for("merchants.contract", contract_id=contract_id), 303)


@bp.route("/contracts/<int:contract_id>/activate", methods=["POST"])
@require("merchants.write")
def activate(contract_id: int):
    found = contract_step(contract_id, "activate")
    try:
        contracts.activate(found, current_user)
    except MerchantsError as refused:
        flash(str(refused), "error")
        return contract_page(db.session.get(Contract, contract_id), 422)
    flash(_("Contract in force; its rent schedule is generated."), "success")
    return redirect(url_for("merchants.contract", contract_id=contract_id), 303)


@bp.route("/contracts/<int:contract_id>/amendments", methods=["POST"])
@require("merchants.write")
def amend(contract_id: int):
    found = contract_step(contract_id, "amend")
    form = AmendmentForm()
    if form.validate():
        try:
            contracts.amend(
                found,
                current_user,
                form.effective_on.data,
                form.rent.data,
                form.service.data or 0,
                form.reason.data,
            )
            flash(_("Amendment recorded; the schedule is recomputed."), "success")
            return redirect(url_for("merchants.contract", contract_id=contract_id), 303)
        except MerchantsError as refused:
            form.effective_on.errors = [str(refused)]
            found = db.session.get(Contract, contract_id)
    return contract_page(found, 422, amendment_form=form)


@bp.route("/contracts/evidence/<int:id>")
@require("merchants.view")
def contract_evidence(id: int):  # noqa: A002  (the ledger links evidence by ``id``)
    """The ledger's link to a contract offered as evidence."""
    found = get_for_site(Contract, id)
    return redirect(url_for("merchants.contract", contract_id=found.id))


@bp.route("/contracts/<int:contract_id>/renew", methods=["POST"])
@require("merchants.write")
def renew(contract_id: int):
    found = contract_step(contract_id, "renew")
    form = RenewForm()
    if form.validate():
        try:
            renewal = exits.renew(found, current_user, form.number.data, form.ends_on.data)
            flash(_("Renewal drafted: it waits for approval."), "success")
            return redirect(url_for("merchants.contract", contract_id=renewal.id), 303)
        except MerchantsError as refused:
            form.number.errors = [str(refused)]
            found = db.session.get(Contract, contract_id)
    return contract_page(found, 422, renew_form=form)


@bp.route("/contracts/<int:contract_id>/exit", methods=["POST"])
@require("merchants.write")
def open_exit(contract_id: int):
    found = contract_step(contract_id, "exit")
    form = ExitForm()
    if form.validate():
        try:
            exits.open_exit(
                found,
                current_user,
                ExitReason(form.reason.data),
                form.notice_on.data,
                form.ends_on.data,
                form.note.data or "",
            )
            flash(_("Exit opened."), "success")
            return redirect(url_for("merchants.contract", contract_id=contract_id), 303)
        except MerchantsError as refused:
            form.ends_on.errors = [str(refused)]
            found = db.session.get(Contract, contract_id)
    return contract_page(found, 422, exit_form=form)


@bp.route("/contracts/<int:contract_id>/exit/close", methods=["POST"])
@require("merchants.write")
def close_exit(contract_id: int):
    found = contract_step(contract_id, "close_exit")
    form = CloseExitForm()
    if form.validate():
        try:
            exits.close_exit(
                exits.exit_of(found),
                current_user,
                form.utilities_read.data,
                form.unit_returned.data,
                form.buyback.data or 0,
                form.deposit_refund.data or 0,
            )
            flash(_("Exit closed: the contract has ended."), "success")
            return redirect(url_for("merchants.contract", contract_id=contract_id), 303)
        except MerchantsError as refused:
            form.deposit_refund.errors = [str(refused)]
            found = db.session.get(Contract, contract_id)
    return contract_page(found, 422, close_form=form)


@bp.route("/exits/evidence/<int:id>")
@require("merchants.view")
def exit_evidence(id: int):  # noqa: A002  (the ledger links evidence by ``id``)
    """The ledger's link to an exit offered as evidence: its contract's page."""
    found = db.session.get(Exit, id) or abort(404)
    contract_ = get_for_site(Contract, found.contract_id)
    return redirect(url_for("merchants.contract", contract_id=contract_.id))
