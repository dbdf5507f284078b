"""The merchant register: the list (credit codes masked), a new merchant, a merchant's page."""

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from modules.merchants import access, documents, register, violations
from modules.merchants.forms import DocumentForm, MerchantForm
from modules.merchants.models import BusinessType, Contract, Merchant, MerchantKind, masked
from modules.merchants.views import bp, list_page, new_page
from modules.merchants.views import inspections as inspection_views
from modules.receivables import api
from parkops import labels, module_settings
from parkops.auth.access import get_for_site, require
from parkops.extensions import db
from parkops.timeutil import business_day


@bp.route("/")
@require(*access.READ)
def index():
    return list_page(
        register.merchant_list,
        "merchants/merchants/index.html",
        lambda page: {
            "repeats": violations.repeat_counts([m.id for m in page.items]),
            # Translated once for the page's rows (each |label translates anew).
            "kind_names": {k: labels.label(k) for k in MerchantKind},
            "business_names": {b: labels.label(b) for b in BusinessType},
            "masked": masked,
        },
    )


@bp.route("/merchants/new", methods=["GET", "POST"])
@require("merchants.write")
def new_merchant():
    def create(form: MerchantForm, retry_key: str | None) -> str:
        data = register.MerchantData(
            site_id=form.site_id.data,
            name=form.name.data,
            kind=MerchantKind(form.kind.data),
            business_type=BusinessType(form.business_type.data),
            id_code=form.id_code.data or "",
            contact=form.contact.data or "",
            phone=form.phone.data or "",
        )
        merchant = register.create_merchant(data, current_user, retry_key)
        flash(_("Merchant %(name)s added.", name=merchant.name), "success")
        return url_for("merchants.merchant", merchant_id=merchant.id)

    return new_page(MerchantForm(), "merchants/merchants/form.html", create, "name")


def merchant_page(found: Merchant, status: int = 200, document_form=None):
    """A merchant's page: details, what it owes, its contracts and documents (with the
    upload form, ``document_form`` when a posted one is shown again)."""
    contracts = db.session.scalars(
        select(Contract)
        .where(Contract.merchant_id == found.id)
        .options(selectinload(Contract.units))
        .order_by(Contract.starts_on.desc(), Contract.id.desc())
    ).all()
    return render_template(
        "merchants/merchants/merchant.html",
        merchant=found,
        contracts=contracts,
        owed_fen=api.open_balance_fen(register.MERCHANT_SUBJECT, found.id),
        may_write=access.may_write(current_user, found.site_id),
        documents=documents.of_merchant(found.id),
        document_form=document_form or DocumentForm(formdata=None),
        soon_days=module_settings.get(documents.SETTING),
        today=business_day(),
        panel=inspection_views.merchant_panel(found),
    ), status


@bp.route("/merchants/<int:merchant_id>")
@require(*access.READ)
def merchant(merchant_id: int):
    return merchant_page(get_for_site(Merchant, merchant_id))
