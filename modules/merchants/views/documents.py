"""A merchant's documents: adding one (with its file) and downloading its file."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.merchants import access, documents
from modules.merchants.errors import MerchantsError
from modules.merchants.forms import DocumentForm
from modules.merchants.models import Merchant
from modules.merchants.views import bp
from modules.merchants.views.merchants import merchant_page
from parkops import attachments
from parkops.attachments import AttachmentError
from parkops.auth.access import get_for_site, require
from parkops.extensions import db


@bp.route("/merchants/<int:merchant_id>/documents", methods=["POST"])
@require("merchants.write")
def add_document(merchant_id: int):
    found = get_for_site(Merchant, merchant_id)
    form = DocumentForm()
    if form.validate():
        data = documents.DocumentData(
            documents.DocumentKind(form.kind.data),
            form.number.data or "",
            form.issued_on.data,
            form.valid_until.data,
        )
        try:
            documents.add_document(found, data, form.file.data, current_user)
            flash(_("Document stored."), "success")
            return redirect(url_for("merchants.merchant", merchant_id=merchant_id), 303)
        except (MerchantsError, AttachmentError) as refused:
            form.valid_until.errors = [str(refused)]
            found = db.session.get(Merchant, merchant_id)
    return merchant_page(found, 422, document_form=form)


@bp.route("/documents/<int:document_id>/file")
@require(*access.READ)
def document_file(document_id: int):
    """The document's file, to readers of its merchant's site only."""
    found = db.get_or_404(documents.MerchantDocument, document_id)
    get_for_site(Merchant, found.merchant_id)
    return attachments.send(found.attachment)
