"""The register as a spreadsheet: export of the filtered list, import of a file."""

from flask import render_template, request
from flask_babel import get_locale
from flask_login import current_user

from modules.facilities import imports, queries
from modules.facilities.errors import FacilityError
from modules.facilities.forms import ImportForm
from modules.facilities.views import bp
from modules.facilities.views.registry import facility_filter
from parkops.auth.access import require
from parkops.downloads import send_download
from parkops.extensions import db
from parkops.import_view import run_import
from parkops.timeutil import business_day


@bp.route("/facilities/export.<any(csv, xlsx):fmt>")
@require("facilities.view")
def export(fmt: str):
    facilities = db.session.scalars(queries.facility_query(facility_filter()))
    chinese = str(get_locale()) == "zh"
    if fmt == "csv":
        data, mimetype = imports.export_csv(facilities, chinese), "text/csv"
    else:
        data = imports.export_xlsx(facilities, chinese)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return send_download(data, f"facilities-{business_day().isoformat()}.{fmt}", mimetype)


@bp.route("/facilities/import", methods=["GET", "POST"])
@require("facilities.manage")
def import_():
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        result = run_import(
            form.file.data,
            lambda name, data: imports.import_file(name, data, current_user),
            FacilityError,
        ).flashed()
    status = 422 if request.method == "POST" and result is None else 200
    return render_template("facilities/imports/import.html", form=form, result=result), status
