"""The greening blueprint: one views module per concept, each thin (parse, call the
domain, render or redirect 303).

Every route requires a greening permission; single records go through
``get_for_site`` / ``check_site`` (404 for another site's), lists through the
user's sites.
"""

from flask import Blueprint, url_for
from sqlalchemy import select

from modules.greening import texts  # noqa: F401  (registers the enum labels)
from modules.greening.models import Grade, ZoneKind
from parkops import labels
from parkops.auth.access import site_filter
from parkops.auth.models import Site
from parkops.extensions import db

bp = Blueprint("greening", __name__, static_folder="../static")
VIEW = ("greening.view", "greening.manage")


@bp.context_processor
def enum_labels() -> dict:
    """Kind and grade labels and the zone address looked up once per page, for lists
    and plans of hundreds of zones."""
    return {
        "kind_labels": {k: labels.label(k) for k in ZoneKind},
        "grade_labels": {g: labels.label(g) for g in Grade},
        # A zone's page is this plus its id: one url_for per page, not one per zone.
        "zone_url": url_for("greening.zone", zone_id=0).removesuffix("0"),
    }


def visible_sites() -> list[Site]:
    """The sites the signed-in user works at, by code."""
    return list(db.session.scalars(select(Site).where(site_filter(Site.id)).order_by(Site.code)))


# The concept modules add their routes to bp.
from modules.greening.views import (  # noqa: E402, F401
    appeals,
    bands,
    calendar,
    evidence,
    imports,
    payouts,
    plans,
    rounds,
    rules,
    tasks,
    withdrawals,
    zones,
)
