"""Leasable units: the list (with the contract in force on each) and a new unit."""

from flask import flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.merchants import access, register
from modules.merchants.forms import UnitForm
from modules.merchants.models import UnitKind
from modules.merchants.views import bp, list_page, new_page
from parkops.auth.access import require


@bp.route("/units/")
@require(*access.READ)
def units():
    return list_page(register.unit_list, "merchants/units/index.html")


@bp.route("/units/new", methods=["GET", "POST"])
@require("merchants.write")
def new_unit():
    def create(form: UnitForm, retry_key: str | None) -> str:
        data = register.UnitData(
            site_id=form.site_id.data,
            code=form.code.data,
            location=form.location.data or "",
            area_m2=form.area_m2.data,
            kind=UnitKind(form.kind.data),
        )
        unit = register.create_unit(data, current_user, retry_key)
        flash(_("Unit %(code)s added.", code=unit.code), "success")
        return url_for("merchants.units")

    return new_page(UnitForm(), "merchants/units/form.html", create, "code")
