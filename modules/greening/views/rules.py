"""Scoring rules: the versions (the one in force today first) and the office's form
for a new version, prefilled with the items in force."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.greening import rules
from modules.greening.rules import ItemData
from modules.greening.views import VIEW, bp
from modules.greening.zones import GreeningError
from parkops.auth.access import require
from parkops.query_args import DateOutOfRange, form_date
from parkops.timeutil import business_day

EMPTY_ROWS = 3  # blank rows under the items in force, for new items


def _number(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


def _posted_items() -> list[ItemData]:
    """The form's rows, ``name-1``, ``points-1`` …, in their order."""
    rows = request.form.getlist("row")
    return [
        ItemData(
            name=request.form.get(f"name-{n}", ""),
            checks=request.form.get(f"checks-{n}", ""),
            points=_number(request.form.get(f"points-{n}")),
            deduction=_number(request.form.get(f"deduction-{n}")),
            photo_required=request.form.get(f"photo-{n}") == "1",
        )
        for n in rows[: rules.MAX_ITEMS + EMPTY_ROWS]
    ]


@bp.route("/rules")
@require(*VIEW)
def rules_page():
    today = business_day()
    in_force = rules.version_on(today)
    return render_template(
        "greening/rules/index.html",
        in_force=in_force,
        others=[v for v in rules.versions() if in_force is None or v.id != in_force.id],
        today=today,
        may_edit=current_user.can("greening.manage"),
    )


@bp.route("/rules/new", methods=["GET", "POST"])
@require("greening.manage")
def new_rules():
    error = None
    if request.method == "POST":
        items = _posted_items()
        starts_text, note = request.form.get("effective_from", ""), request.form.get("note", "")
        try:
            starts = form_date(starts_text)
            rules.add_version(starts, items, note, current_user)
        except (GreeningError, DateOutOfRange) as err:
            error = str(err)
        else:
            flash(_("New scoring rules saved."), "success")
            return redirect(url_for("greening.rules_page"), 303)
    else:
        in_force = rules.version_on(business_day())
        items = [
            ItemData(i.name, i.checks, i.points, i.deduction, i.photo_required)
            for i in (in_force.items if in_force else [])
        ]
        starts_text, note = business_day().isoformat(), ""
    items = items + [ItemData("", "", None, None) for _n in range(EMPTY_ROWS)]
    return render_template(
        "greening/rules/new.html", items=items, starts_text=starts_text, note=note, error=error
    ), (422 if error else 200)
