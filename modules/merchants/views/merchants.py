"""The merchant register: the list (credit codes masked), a new merchant, a merchant's page."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from modules.merchants import access, register, violations
from modules.merchants.errors import MerchantsError
from modules.merchants.forms import MerchantForm
from modules.merchants.models import BusinessType, Contract, Merchant, MerchantKind
from modules.merchants.views import bp, int_arg, repeat, visible_sites
from modules.merchants.views import inspections as inspection_views
from modules.receivables import api
from parkops.auth.access import get_for_site, require
from parkops.extensions import db


@bp.route("/")
@require(*access.READ)
def index():
    text = request.args.get("q", "").strip()[:50]
    page = register.paginate(register.merchant_list(current_user, text), int_arg("page") or 1)
    return render_template(
        "merchants/merchants/index.html",
        page=page,
        text=text,
        may_write=access.may_write(current_user),
        repeats=violations.repeat_counts([m.id for m, _active in page.items]),
    )


@bp.route("/merchants/new", methods=["GET", "POST"])
@require("merchants.write")
def new_merchant():
    form = MerchantForm()
    form.site_id.choices = [SelectChoice(s.id, s.name) for s in visible_sites()]
    status = 200
    if request.method == "POST":
        if done := repeat():
            return done
        if form.validate():
            if not access.may_write(current_user, form.site_id.data):
                abort(404)
            data = register.MerchantData(
                site_id=form.site_id.data,
                name=form.name.data,
                kind=MerchantKind(form.kind.data),
                business_type=BusinessType(form.business_type.data),
                id_code=form.id_code.data or "",
                contact=form.contact.data or "",
                phone=form.phone.data or "",
            )
            try:
                merchant = register.create_merchant(
                    data, current_user, request.form.get("idempotency_key")
                )
                return redirect(url_for("merchants.merchant", merchant_id=merchant.id), 303)
            except MerchantsError as refused:
                form.name.errors = [str(refused)]
        status = 422
    return render_template("merchants/merchants/form.html", form=form), status


@bp.route("/merchants/<int:merchant_id>")
@require(*access.READ)
def merchant(merchant_id: int):
    found = get_for_site(Merchant, merchant_id)
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
        panel=inspection_views.merchant_panel(found),
    )
