"""The merchants blueprint: one views module per concept, each thin (parse, call
the domain, render or redirect 303; a refused or invalid form answers 422).

Every route requires a merchants permission; single records go through
``get_for_site`` (404 for another site's), lists through the user's sites.
"""

from flask import Blueprint, redirect, request
from sqlalchemy import select

from modules.merchants import texts  # noqa: F401  (registers the enum labels)
from parkops import idempotency
from parkops.auth.access import site_filter
from parkops.auth.models import Site
from parkops.extensions import db

bp = Blueprint("merchants", __name__)


def int_arg(name: str) -> int | None:
    """A query-string argument as a non-negative int; None when absent or not a number."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def repeat():
    """A retry of a form already taken: go where the first post went (else None)."""
    url = idempotency.previous_result(request.form.get(idempotency.FIELD))
    return redirect(url, 303) if url else None


def visible_sites() -> list[Site]:
    """The sites the signed-in user works at, by code."""
    return list(db.session.scalars(select(Site).where(site_filter(Site.id)).order_by(Site.code)))


from modules.merchants.views import (  # noqa: E402, F401
    contracts,
    imports,
    inspections,
    merchants,
    units,
)
