"""Import of debtors and open receivables: the file, the columns mapped once."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from modules.receivables import access, imports
from modules.receivables.forms import ImportForm
from modules.receivables.views import bp, visible_sites
from parkops.auth.access import require
from parkops.import_view import run_import


@bp.route("/import", methods=["GET", "POST"])
@require("receivables.write")
def import_():
    form = ImportForm()
    form.site_id.choices = [SelectChoice(s.id, s.name) for s in visible_sites()]
    mapping = imports.kept_mapping()
    problems: list[str] = []
    if request.method == "POST":
        mapping = {f: request.form.get(f"map_{f}", "").strip()[:60] for f in imports.FIELDS}
        if form.validate() and access.may_write(current_user, form.site_id.data):
            imported = run_import(
                form.file.data,
                lambda name, data: imports.import_file(
                    name, data, mapping, form.site_id.data, current_user
                ),
                imports.ImportRefused,
            )
            problems = imported.problems
            if result := imported.result:
                flash(
                    _(
                        "%(added)s receivables imported (%(debtors)s new debtors); "
                        "%(already)s were imported before.",
                        added=result.added,
                        debtors=result.debtors_added,
                        already=result.already,
                    ),
                    "success",
                )
                return redirect(url_for("receivables.index"), 303)
    status = 422 if request.method == "POST" else 200
    page = render_template(
        "receivables/imports/import.html",
        form=form,
        fields=imports.FIELDS,
        mapping=mapping,
        problems=problems,
    )
    return page, status
