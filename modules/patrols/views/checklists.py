"""Checklists: the list, one checklist with its versions, the editor (saves a version)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from modules.patrols import checklists
from modules.patrols.errors import PatrolError
from modules.patrols.forms import BLANK_ITEMS, ChecklistEditForm, ChecklistForm
from modules.patrols.models import AnswerType, Checklist, ChecklistPurpose
from modules.patrols.views import bp, site_choices
from parkops import conflicts
from parkops.auth.access import get_for_site, require


@bp.route("/patrols/checklists")
@require("patrols.view")
def checklist_list():
    return render_template(
        "patrols/checklists/list.html",
        checklists=checklists.visible_checklists(),
        may_manage=checklists.may_manage(current_user),
    )


@bp.route("/patrols/checklists/<int:checklist_id>")
@require("patrols.view")
def checklist(checklist_id: int):
    found = get_for_site(Checklist, checklist_id)
    return render_template(
        "patrols/checklists/checklist.html",
        checklist=found,
        versions=checklists.versions_of(found),
        may_manage=checklists.may_manage(current_user, found.site_id),
    )


def _items(form: ChecklistForm) -> list[checklists.ItemData]:
    return [
        checklists.ItemData(
            text=row.text.data.strip(),
            answer_type=AnswerType(row.answer_type.data),
            unit=row.unit.data or "",
            choices=(row.choices.data or "").replace("\r\n", "\n").strip(),
            weight=row.weight.data or 1,
            fail_is_finding=row.fail_is_finding.data,
            counts_touts=row.counts_touts.data,
        )
        for row in form.items
        if (row.text.data or "").strip()
    ]


# Every save of a checklist adds a version: its count stands for the items.
_SAVED = conflicts.fields("name", "unannounced", "purpose", "version_count")


@bp.route("/patrols/checklists/new", methods=["GET", "POST"])
@bp.route("/patrols/checklists/<int:checklist_id>/edit", methods=["GET", "POST"])
@require("patrols.manage")
def checklist_form(checklist_id: int | None = None):
    found = get_for_site(Checklist, checklist_id) if checklist_id else None
    if found is not None and not checklists.may_manage(current_user, found.site_id):
        abort(403)
    form = ChecklistForm() if found is None else ChecklistEditForm()
    form.site_id.choices = site_choices()
    if found is not None and not form.is_submitted():
        conflicts.stamp(form, found, _SAVED)
        form.site_id.data, form.name.data = found.site_id, found.name
        form.unannounced.data = found.unannounced
        form.purpose.data = found.purpose.value
        rows = [
            {
                "text": i.text,
                "answer_type": i.answer_type.value,
                "unit": i.unit,
                "choices": i.choices,
                "weight": i.weight,
                "fail_is_finding": i.fail_is_finding,
                "counts_touts": i.counts_touts,
            }
            for i in found.current_version.items
        ]
        while form.items.entries:
            form.items.pop_entry()
        for row in rows + [{}] * BLANK_ITEMS:
            form.items.append_entry(row or None)
    status = 200
    if form.is_submitted():
        if found is not None:
            form.site_id.data = found.site_id  # a checklist stays at its site
        if form.validate():
            conflict = None if found is None else conflicts.changed_since(form, found, _SAVED)
            if conflict is not None:
                page = render_template(
                    "patrols/checklists/form.html", form=form, checklist=found, conflict=conflict
                )
                return page, conflicts.CONFLICT
            try:
                saved = checklists.save_checklist(
                    found,
                    form.site_id.data,
                    form.name.data,
                    form.unannounced.data,
                    _items(form),
                    current_user,
                    ChecklistPurpose(form.purpose.data),
                )
                flash(_("Checklist saved."), "success")
                return redirect(url_for("patrols.checklist", checklist_id=saved.id), 303)
            except PatrolError as refused:
                form.name.errors = [*form.name.errors, str(refused)]
        status = 422
    return render_template("patrols/checklists/form.html", form=form, checklist=found), status
