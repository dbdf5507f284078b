"""Zones and roster as a spreadsheet: the export (.csv/.xlsx) and the import page."""

from flask import Response, current_app, flash, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from modules.greening import imports, zones
from modules.greening.forms import ImportForm
from modules.greening.views import bp
from modules.greening.zones import GreeningError
from parkops.auth.access import require
from parkops.timeutil import business_day

MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.route("/zones/export.<any(csv, xlsx):fmt>")
@require("greening.manage")
def export_zones(fmt: str):
    """Every zone at the user's sites with who answers for it today."""
    rows = zones.zones_with_responsible(current_user.site_ids)
    data = imports.export(rows, fmt, chinese=str(get_locale()) == "zh")
    response = Response(data, mimetype=MIMETYPES[fmt])
    stamp = business_day().isoformat()
    response.headers["Content-Disposition"] = f'attachment; filename="zones-{stamp}.{fmt}"'
    return response


@bp.route("/zones/import", methods=["GET", "POST"])
@require("greening.manage")
def import_zones():
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        # One byte past the limit is enough for the reader to refuse it.
        data = upload.stream.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
        try:
            result = imports.import_file(upload.filename or "", data, current_user)
        except GreeningError as exc:
            flash(str(exc), "error")
    failed = request.method == "POST" and (result is None or bool(result.errors))
    return render_template(
        "greening/zones/import.html", form=form, result=result
    ), 422 if failed else 200
