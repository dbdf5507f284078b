"""The home page: what is the signed-in user's to do."""

from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from parkops.auth.access import signed_in
from parkops.page_cache import cached_page
from parkops.rectification import assignments
from parkops.registry import ModuleSpec, registry
from parkops.timeutil import business_day

bp = Blueprint("home", __name__)


@bp.route("/")
@signed_in
@cached_page
def index():
    today = business_day()
    # The office and leaders follow the whole ledger; everyone sees what is theirs.
    follow_up = assignments.follow_up(today) if current_user.can("ledger.report") else None
    return render_template(
        "home.html",
        today=today,
        mine=assignments.assigned_to(current_user.id, today),
        follow_up=follow_up,
        todo=registry(current_app).todo(current_user),
    )


spec = ModuleSpec(name="home", label=_l("Home"), blueprint=bp)
