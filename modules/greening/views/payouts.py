"""A closed round's payout sheet (兑现表): the page and the .xlsx for finance."""

from io import BytesIO

from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _

from modules.greening import payouts
from modules.greening.models import Round
from modules.greening.views import bp
from modules.greening.zones import GreeningError
from parkops.auth.access import get_for_site, require
from parkops.spreadsheet import Book, Column

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet_or_back(round_: Round):
    try:
        return payouts.sheet(round_), None
    except GreeningError as error:
        flash(str(error), "error")
        return None, redirect(url_for("greening.round", round_id=round_.id), 303)


@bp.route("/rounds/<int:round_id>/payouts")
@require("greening.manage")
def payouts_page(round_id: int):
    round_ = get_for_site(Round, round_id)
    rows, back = _sheet_or_back(round_)
    if back:
        return back
    return render_template(
        "greening/rounds/payouts.html",
        round=round_,
        rows=rows,
        totals=[
            sum(getattr(r, f) for r in rows) for f in ("amount_fen", "responsible_fen", "team_fen")
        ],
    )


@bp.route("/rounds/<int:round_id>/payouts.xlsx")
@require("greening.manage")
def payouts_xlsx(round_id: int):
    round_ = get_for_site(Round, round_id)
    rows, back = _sheet_or_back(round_)
    if back:
        return back
    title = _("Payout sheet %(month)s %(site)s", month=round_.label, site=round_.site.name)
    book = Book(title)
    sheet = book.sheet(
        _("Payouts"),
        [
            Column(_("Code"), 12),
            Column(_("Zone"), 20),
            Column(_("Responsible person"), 16),
            Column(_("Team"), 12),
            Column(_("Score"), 8, "number"),
            Column(_("Amount"), 12, "fen"),
            Column(_("Responsible person's part"), 14, "fen"),
            Column(_("Team's part"), 12, "fen"),
        ],
    )
    for r in rows:
        sheet.append(
            [
                r.code,
                r.name,
                r.responsible,
                r.team,
                r.score,
                r.amount_fen,
                r.responsible_fen,
                r.team_fen,
            ]
        )
    totals = [
        sum(getattr(r, f) for r in rows) for f in ("amount_fen", "responsible_fen", "team_fen")
    ]
    sheet.append([_("Total"), "", "", "", "", *totals], bold=True)
    sheet.filter()
    return send_file(
        BytesIO(book.to_bytes()),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"{_('payouts')}-{round_.site.code}-{round_.label}.xlsx",
        max_age=0,
    )
