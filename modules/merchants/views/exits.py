"""The exit's approval by a leader, the photos of the unit handed back, and its
settlement statement (page and .docx)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.merchants import access, exits, exits_settlement
from modules.merchants.errors import MerchantsError
from modules.merchants.forms import ExitPhotosForm
from modules.merchants.models import Contract, Exit
from modules.merchants.views import bp
from modules.merchants.views.contracts import contract_page, contract_step
from parkops import attachments
from parkops.attachments import Attachment, AttachmentError
from parkops.auth.access import get_for_site, require
from parkops.downloads import send_download
from parkops.extensions import db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/contracts/<int:contract_id>/exit/approve", methods=["POST"])
@require("merchants.approve")
def approve_exit(contract_id: int):
    found = get_for_site(Contract, contract_id)
    exit_ = exits.exit_of(found)
    # The opener (shown no button) and a second leader (approved meanwhile) hear why
    # from the service rather than a bare 403.
    if exit_ is None or not (exit_.approved_at or exit_.opened_by_id == current_user.id):
        contract_step(contract_id, "approve_exit")
    try:
        exits_settlement.approve_exit(exit_, current_user)
    except MerchantsError as refused:
        flash(str(refused), "error")
        if db.session.get(Exit, exit_.id).approved_at is not None:
            return redirect(url_for("merchants.contract", contract_id=contract_id), 303)
        return contract_page(db.session.get(Contract, contract_id), 422)
    flash(_("Exit approved."), "success")
    return redirect(url_for("merchants.contract", contract_id=contract_id), 303)


@bp.route("/contracts/<int:contract_id>/exit/photos", methods=["POST"])
@require("merchants.write")
def add_exit_photos(contract_id: int):
    found = get_for_site(Contract, contract_id)
    exit_ = exits.exit_of(found)
    if exit_ is None or not access.may_write(current_user, found.site_id):
        abort(404)
    form = ExitPhotosForm()
    if form.validate():
        try:
            exits_settlement.add_photos(exit_, request.files.getlist("photos"), current_user)
            flash(_("Photos stored."), "success")
            return redirect(url_for("merchants.contract", contract_id=contract_id), 303)
        except (MerchantsError, AttachmentError) as refused:
            form.photos.errors = [str(refused)]
            found = db.session.get(Contract, contract_id)
    return contract_page(found, 422, photos_form=form)


@bp.route("/exits/photos/<int:attachment_id>")
@require(*access.READ)
def exit_photo(attachment_id: int):
    """A photo of a unit handed back, to readers of the contract's site only."""
    photo = db.session.get(Attachment, attachment_id)
    if photo is None or photo.owner_kind != exits_settlement.PHOTO_OWNER:
        abort(404)
    found = db.session.get(Exit, photo.owner_id) or abort(404)
    get_for_site(Contract, found.contract_id)
    return attachments.send(photo, thumbnail=request.args.get("thumb") == "1")


def _settlement(contract_id: int) -> exits_settlement.Settlement:
    found = get_for_site(Contract, contract_id)
    exit_ = exits.exit_of(found) or abort(404)
    return exits_settlement.settlement(exit_)


@bp.route("/contracts/<int:contract_id>/settlement")
@require(*access.READ)
def settlement(contract_id: int):
    """The settlement statement (结算单) to print on A4."""
    s = _settlement(contract_id)
    return render_template("merchants/exits/settlement.html", s=s, lines=exits_settlement.rows(s))


@bp.route("/contracts/<int:contract_id>/settlement.docx")
@require(*access.READ)
def settlement_docx(contract_id: int):
    s = _settlement(contract_id)
    name = f"{s.contract.number}-settlement.docx"
    return send_download(
        exits_settlement.docx(s), name, DOCX, fallback=f"settlement-{s.contract.id}.docx"
    )
