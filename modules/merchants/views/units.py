"""Leasable units: the list (with the contract in force on each) and a new unit."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from modules.merchants import access, register
from modules.merchants.errors import MerchantsError
from modules.merchants.forms import UnitForm
from modules.merchants.models import UnitKind
from modules.merchants.views import bp, int_arg, repeat, visible_sites
from parkops.auth.access import require


@bp.route("/units/")
@require(*access.READ)
def units():
    text = request.args.get("q", "").strip()[:50]
    page = register.paginate(register.unit_list(current_user, text), int_arg("page") or 1)
    return render_template(
        "merchants/units/index.html",
        page=page,
        text=text,
        may_write=access.may_write(current_user),
    )


@bp.route("/units/new", methods=["GET", "POST"])
@require("merchants.write")
def new_unit():
    form = UnitForm()
    form.site_id.choices = [SelectChoice(s.id, s.name) for s in visible_sites()]
    status = 200
    if request.method == "POST":
        if done := repeat():
            return done
        if form.validate():
            if not access.may_write(current_user, form.site_id.data):
                abort(404)
            data = register.UnitData(
                site_id=form.site_id.data,
                code=form.code.data,
                location=form.location.data or "",
                area_m2=form.area_m2.data,
                kind=UnitKind(form.kind.data),
            )
            try:
                register.create_unit(data, current_user, request.form.get("idempotency_key"))
                return redirect(url_for("merchants.units"), 303)
            except MerchantsError as refused:
                form.code.errors = [str(refused)]
        status = 422
    return render_template("merchants/units/form.html", form=form), status
