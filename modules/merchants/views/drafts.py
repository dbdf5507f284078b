"""A draft's edit and discard, and a contract's signed scan (upload, download)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.merchants import access, drafts
from modules.merchants.errors import MerchantsError
from modules.merchants.forms import ContractEditForm, ScanForm
from modules.merchants.models import Contract
from modules.merchants.views import bp
from modules.merchants.views.contracts import (
    contract_data,
    contract_page,
    contract_step,
    offer_units,
)
from parkops import attachments, conflicts
from parkops.attachments import AttachmentError
from parkops.auth.access import get_for_site, require
from parkops.extensions import db
from parkops.money import fen_to_decimal


def _terms(_form, contract: Contract) -> dict:
    """A draft's terms as its form holds them (field name → value)."""
    return {
        "number": contract.number,
        "unit_ids": [u.id for u in contract.units],
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "rent_form": contract.rent_form.value,
        "cycle": contract.cycle.value,
        "rent": contract.rent_fen,
        "steps": "\n".join(str(fen_to_decimal(s.rent_fen)) for s in contract.steps),
        "turnover_share": fen_to_decimal(contract.turnover_share_bp) or None,
        "deposit": contract.deposit_fen,
        "service": contract.service_fen,
        "note": contract.note,
    }


def _filled(contract: Contract) -> ContractEditForm:
    """The contract form showing the draft's terms (on GET), with their fingerprint."""
    form = ContractEditForm(formdata=None, **_terms(None, contract))
    conflicts.stamp(form, contract, _terms)
    return form


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@require("merchants.write")
def edit_contract(contract_id: int):
    found = contract_step(contract_id, "edit")
    form = ContractEditForm() if request.method == "POST" else _filled(found)
    offer_units(form, found.merchant)
    page = {"form": form, "merchant": found.merchant, "contract": found}
    if request.method == "GET":
        return render_template("merchants/contracts/form.html", **page)
    if form.validate():
        if (conflict := conflicts.changed_since(form, found, _terms)) is not None:
            page = render_template("merchants/contracts/form.html", **page, conflict=conflict)
            return page, conflicts.CONFLICT
        try:
            drafts.edit_draft(found, contract_data(form, found.merchant), current_user)
            flash(_("Draft saved."), "success")
            return redirect(url_for("merchants.contract", contract_id=contract_id), 303)
        except MerchantsError as refused:
            form.number.errors = [str(refused)]
            page["contract"] = db.session.get(Contract, contract_id)
    return render_template("merchants/contracts/form.html", **page), 422


@bp.route("/contracts/<int:contract_id>/discard", methods=["POST"])
@require("merchants.write")
def discard_contract(contract_id: int):
    found = contract_step(contract_id, "discard")
    merchant_id = drafts.discard_draft(found, current_user)
    flash(_("Draft discarded."), "success")
    return redirect(url_for("merchants.merchant", merchant_id=merchant_id), 303)


@bp.route("/contracts/<int:contract_id>/scan", methods=["POST"])
@require("merchants.write")
def upload_scan(contract_id: int):
    found = contract_step(contract_id, "scan")
    form = ScanForm()
    if form.validate():
        try:
            drafts.attach_scan(found, form.file.data, current_user)
            flash(_("Signed scan stored."), "success")
            return redirect(url_for("merchants.contract", contract_id=contract_id), 303)
        except AttachmentError as refused:
            form.file.errors = [str(refused)]
            found = db.session.get(Contract, contract_id)
    return contract_page(found, 422, scan_form=form)


@bp.route("/contracts/<int:contract_id>/scan")
@require(*access.READ)
def scan(contract_id: int):
    """The signed scan, to readers of the contract (its site) only."""
    found = get_for_site(Contract, contract_id)
    attachment = db.session.get(attachments.Attachment, found.scan_id) if found.scan_id else None
    if attachment is None:
        abort(404)
    return attachments.send(attachment)
