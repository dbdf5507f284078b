"""Zones and roster as a spreadsheet: the export (.csv/.xlsx) and the import page."""

from flask import Response, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from modules.greening import imports, roster_export, zones
from modules.greening.forms import ImportForm
from modules.greening.views import bp
from modules.greening.zones import GreeningError
from parkops.auth.access import require
from parkops.downloads import send_download
from parkops.import_view import run_import
from parkops.timeutil import business_day

MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.route("/zones/export.<any(csv, xlsx):fmt>")
@require("greening.manage")
def export_zones(fmt: str):
    """Every zone at the user's sites with who answers for it today; the .xlsx adds
    the roster's whole history as a second sheet."""
    rows = zones.zones_with_responsible(current_user.site_ids)
    history = roster_export.history(current_user.site_ids) if fmt == "xlsx" else None
    data = imports.export(rows, fmt, chinese=_chinese(), history=history)
    return _download(data, fmt, "zones")


@bp.route("/roster/export.csv")
@require("greening.manage")
def export_roster():
    """The roster's whole history at the user's sites, one row per entry."""
    data = roster_export.to_csv(roster_export.history(current_user.site_ids), _chinese())
    return _download(data, "csv", "roster")


def _chinese() -> bool:
    return str(get_locale()) == "zh"


def _download(data: bytes, fmt: str, name: str) -> Response:
    return send_download(data, f"{name}-{business_day().isoformat()}.{fmt}", MIMETYPES[fmt])


@bp.route("/zones/import", methods=["GET", "POST"])
@require("greening.manage")
def import_zones():
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        result = run_import(
            form.file.data,
            lambda name, data: imports.import_file(name, data, current_user),
            GreeningError,
        ).flashed()
    failed = request.method == "POST" and (result is None or bool(result.errors))
    return render_template(
        "greening/zones/import.html", form=form, result=result
    ), 422 if failed else 200
