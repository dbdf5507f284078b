"""/settings/<module>: a module's business rules (its ``where="database"`` settings),
changed by holders of the spec's ``settings_permission``."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from parkops import module_settings
from parkops.auth.access import signed_in
from parkops.registry import ModuleSpec, registry

bp = Blueprint("settings", __name__)


@bp.route("/settings/<module>", methods=["GET", "POST"])
@signed_in  # the permission is the module's own, checked below
def module(module: str):
    spec = registry(current_app).spec(module)
    declared = module_settings.declared_in(module, "database")
    if spec is None or not declared or not spec.settings_permission:
        abort(404)
    if not current_user.can(spec.settings_permission):
        abort(403)
    errors, problems, status = {}, [], 200
    if request.method == "POST":
        values = {d.setting.name: _posted(d.setting) for d in declared}
        try:
            module_settings.save(module, values, current_user)
        except module_settings.SettingError as refused:
            errors, problems, status = refused.errors, refused.problems, 422
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("settings.module", module=module), 303)
    rows = [
        (
            d,
            _posted(d.setting)
            if status == 422
            else module_settings.shown(d.setting, module_settings.get(d.full_name)),
            _kind(d.setting),
        )
        for d in declared
    ]
    page = render_template(
        "settings/module.html", spec=spec, rows=rows, errors=errors, problems=problems
    )
    return page, status


def _kind(setting: module_settings.Setting) -> str:
    """How the page asks for it: "bool" (a box), "money" (yuan), else "text"."""
    if setting.type is bool:
        return "bool"
    return "money" if isinstance(setting.type, module_settings.Money) else "text"


def _posted(setting: module_settings.Setting) -> str:
    if setting.type is bool:  # an unticked box is not posted at all
        return "true" if setting.name in request.form else "false"
    return request.form.get(setting.name, "")


spec = ModuleSpec(name="settings", label=_l("Settings"), blueprint=bp)
