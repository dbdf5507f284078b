"""QR labels: one label as a PNG, and a print sheet of the filtered list."""

from flask import render_template

from modules.facilities import labels, queries
from modules.facilities.views import bp
from modules.facilities.views.registry import facility_filter, facility_or_404
from parkops.auth.access import require
from parkops.downloads import send_download
from parkops.extensions import db

SHEET_LIMIT = 1000  # labels on one print sheet; narrow the filter for more


@bp.route("/facilities/<int:facility_id>/label.png")
@require("facilities.view")
def label(facility_id: int):
    facility = facility_or_404(facility_id)
    png = labels.label_png(facility)
    return send_download(png, f"{facility.code}.png", "image/png", inline=True)


@bp.route("/facilities/labels")
@require("facilities.manage")
def sheet():
    f = facility_filter()
    facilities = db.session.scalars(queries.facility_query(f).limit(SHEET_LIMIT + 1)).all()
    return render_template(
        "facilities/labels/sheet.html",
        facilities=facilities[:SHEET_LIMIT],
        truncated=len(facilities) > SHEET_LIMIT,
        limit=SHEET_LIMIT,
        f=f,
        qr_svg=labels.qr_svg,
        base_url_warning=labels.base_url_warning(),
    )
