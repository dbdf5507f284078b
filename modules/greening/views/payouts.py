"""A closed round's payout sheet (兑现表): the page and the .xlsx for finance (the zones'
lines, then each person's total)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from modules.greening import payouts
from modules.greening.models import Round
from modules.greening.views import bp
from modules.greening.zones import GreeningError
from parkops.auth.access import get_for_site, require
from parkops.downloads import send_download
from parkops.money import format_fen
from parkops.paging import paginate
from parkops.spreadsheet import Book, Column

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet_or_back(round_: Round):
    try:
        return payouts.sheet(round_), None
    except GreeningError as error:
        flash(str(error), "error")
        return None, redirect(url_for("greening.round", round_id=round_.id), 303)


def _members(row: payouts.PayoutRow) -> str:
    return "、".join(f"{name} {format_fen(fen)}" for name, fen in row.members)


@bp.route("/rounds/<int:round_id>/payouts")
@require("greening.manage")
def payouts_page(round_id: int):
    round_ = get_for_site(Round, round_id)
    found, back = _sheet_or_back(round_)
    if back:
        return back
    page = paginate(found.scored(), count=found.count())
    page.items = found.lines(page.items)
    return render_template(
        "greening/rounds/payouts.html",
        round=round_,
        sheet=found,
        page=page,
        totals=found.totals_fen,
    )


@bp.route("/rounds/<int:round_id>/payouts.xlsx")
@require("greening.manage")
def payouts_xlsx(round_id: int):
    round_ = get_for_site(Round, round_id)
    found, back = _sheet_or_back(round_)
    if back:
        return back
    title = _("Payout sheet %(month)s %(site)s", month=round_.label, site=round_.site.name)
    book = Book(title)
    zones = book.sheet(
        _("Payouts"),
        [
            Column(_("Code"), 10),
            Column(_("Zone"), 16),
            Column(_("Responsible person"), 12),
            Column(_("Team"), 10),
            Column(_("Score"), 7, "number"),
            Column(_("Amount"), 11, "fen"),
            Column(_("Responsible person's part"), 12, "fen"),
            Column(_("Team's part"), 11, "fen"),
            Column(_("Team members' parts"), 26),
        ],
    )
    for r in found.lines():
        zones.append(
            [r.code, r.name, r.responsible, r.team, r.score, r.amount_fen]
            + [r.responsible_fen, r.team_fen, _members(r)]
        )
    zones.append([_("Total"), "", "", "", "", *found.totals_fen], bold=True)
    zones.filter()
    people = book.sheet(
        _("Per person"),
        [Column(_("Person"), 20), Column(_("Zones"), 10, "number"), Column(_("Amount"), 14, "fen")],
    )
    for p in found.people:
        people.append([p.name, p.zone_count, p.amount_fen])
    people.append([_("Total"), "", sum(p.amount_fen for p in found.people)], bold=True)
    return send_download(
        book.to_bytes(),
        _("payouts-%(site)s-%(round)s.xlsx", site=round_.site.code, round=round_.label),
        XLSX,
        fallback=f"payouts-{round_.site.code}-{round_.id}.xlsx",
    )
