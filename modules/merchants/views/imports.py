"""Import of the merchants, units and contracts in force from the office's spreadsheet."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from modules.merchants import access, imports
from modules.merchants.forms import ImportForm
from modules.merchants.views import bp, visible_sites
from parkops.auth.access import require
from parkops.import_view import run_import


@bp.route("/import", methods=["GET", "POST"])
@require("merchants.write")
def import_():
    form = ImportForm()
    form.site_id.choices = [SelectChoice(s.id, s.name) for s in visible_sites()]
    problems: list[str] = []
    if request.method == "POST":
        if form.validate() and access.may_write(current_user, form.site_id.data):
            imported = run_import(
                form.file.data,
                lambda name, data: imports.import_file(name, data, form.site_id.data, current_user),
                imports.ImportRefused,
            )
            problems = imported.problems
            if result := imported.result:
                flash(
                    _(
                        "%(added)s contracts imported (%(merchants)s new merchants, "
                        "%(units)s new units); %(already)s were imported before.",
                        added=result.added,
                        merchants=result.merchants_added,
                        units=result.units_added,
                        already=result.already,
                    ),
                    "success",
                )
                return redirect(url_for("merchants.index"), 303)
    status = 422 if request.method == "POST" else 200
    page = render_template(
        "merchants/imports/import.html", form=form, fields=imports.FIELDS, problems=problems
    )
    return page, status
