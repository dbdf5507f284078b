"""A module whose one page two roles open, each by its own permission: its navigation
entry names both (tests/core/test_nav_any_permission.py)."""

from flask import Blueprint

from parkops.auth.access import require
from parkops.registry import ModuleSpec, NavEntry, Permission

bp = Blueprint("navany", __name__)


@bp.route("/navany/")
@require("navany.oversee", "navany.walk")
def index():
    return "board"


spec = ModuleSpec(
    name="navany",
    label="Board",
    blueprint=bp,
    nav=(
        NavEntry("Board", "navany.index", ("navany.oversee", "navany.walk")),
        NavEntry("Walks only", "navany.index", "navany.walk"),
    ),
    permissions=(
        Permission("navany.oversee", "Oversee", ("leader",)),
        Permission("navany.walk", "Walk", ("crew",)),
    ),
)
