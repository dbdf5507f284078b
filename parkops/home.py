"""The home page: what is the signed-in user's to do."""

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from parkops.auth.access import signed_in
from parkops.registry import ModuleSpec

bp = Blueprint("home", __name__)


@bp.route("/")
@signed_in
def index():
    return render_template("home.html")


spec = ModuleSpec(name="home", label=_l("Home"), blueprint=bp)
