"""The patrols blueprint: one views module per concept, each thin.

The checkpoint scan address ``/pc/<token>`` sits outside ``/patrols`` so the QR
codes stay short.
"""

from flask import Blueprint, redirect, request
from sqlalchemy import select

from modules.patrols import texts  # noqa: F401  (registers the enum labels)
from parkops import idempotency
from parkops.auth.access import site_filter
from parkops.auth.models import Site
from parkops.extensions import db

bp = Blueprint("patrols", __name__)


def visible_sites() -> list[Site]:
    """The sites the signed-in user works at, by code."""
    return list(db.session.scalars(select(Site).where(site_filter(Site.id)).order_by(Site.code)))


def site_choices() -> list[tuple[int, str]]:
    return [(s.id, f"{s.code} {s.name}") for s in visible_sites()]


def repeat():
    """A phone's retry of a form already taken: go where the first post went (else None)."""
    url = idempotency.previous_result(request.form.get(idempotency.FIELD))
    return redirect(url, 303) if url else None


# The concept modules add their routes to bp.
from modules.patrols.views import (  # noqa: E402, F401
    checklists,
    findings,
    routes,
    runs,
    schedules,
    sheets,
    subjects,
)
