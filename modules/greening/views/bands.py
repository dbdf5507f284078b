"""Payout bands: the version in force, the others, and the office's form for a new
version (prefilled with the bands in force, plus empty rows)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.greening import bands
from modules.greening.bands import BandData
from modules.greening.views import bp
from modules.greening.zones import GreeningError
from parkops.auth.access import require
from parkops.money import MoneyError, fen_to_decimal, parse_yuan
from parkops.query_args import DateOutOfRange, form_date
from parkops.timeutil import business_day

EMPTY_ROWS = 3


def _percent(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def _fen(text: str) -> int | None:
    try:
        return parse_yuan(text) if text.strip() else None
    except MoneyError:
        return None


def _posted() -> tuple[list[BandData], list[tuple[str, str]]]:
    """The form's rows as data, and as typed (to show back on a refusal)."""
    typed = [
        (request.form.get(f"lower-{n}", ""), request.form.get(f"amount-{n}", ""))
        for n in request.form.getlist("row")[: bands.MAX_BANDS + EMPTY_ROWS]
    ]
    return [BandData(_percent(lo), _fen(amount)) for lo, amount in typed], typed


@bp.route("/bands", methods=["GET", "POST"])
@require("greening.manage")
def bands_page():
    today = business_day()
    error = None
    if request.method == "POST":
        rows, typed = _posted()
        starts_text = request.form.get("effective_from", "")
        try:
            starts = form_date(starts_text)
            bands.add_version(starts, rows, current_user)
        except (GreeningError, DateOutOfRange) as err:
            error = str(err)
        else:
            flash(_("New payout bands saved."), "success")
            return redirect(url_for("greening.bands_page"), 303)
    in_force = bands.version_on(today)
    if error is None:
        starts_text = today.isoformat()
        typed = [
            (str(b.lower_percent), str(fen_to_decimal(b.amount_fen)))
            for b in (in_force.bands if in_force else [])
        ]
    typed = typed + [("", "")] * EMPTY_ROWS
    return render_template(
        "greening/bands.html",
        in_force=in_force,
        others=[v for v in bands.versions() if in_force is None or v.id != in_force.id],
        today=today,
        typed=typed,
        starts_text=starts_text,
        error=error,
    ), (422 if error else 200)
