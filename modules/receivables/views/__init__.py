"""The receivables blueprint: one views module per concept, each thin.

Parse the request, call a service, render or redirect (303 after POST); a refused
or invalid form answers 422 with its messages.
"""

from flask import Blueprint, abort, redirect, request
from flask_login import current_user
from sqlalchemy import select

from modules.receivables import (
    access,
    texts,  # noqa: F401  (registers the enum labels)
)
from modules.receivables.models import Debtor, Receivable
from parkops import idempotency
from parkops.auth.access import site_filter
from parkops.auth.models import Site
from parkops.extensions import db

bp = Blueprint("receivables", __name__)


@bp.before_request
def _entered_by_its_users():
    """403 for a signed-in user the module is not for (``access.may_enter``); runs
    after the core's check of each route's permission."""
    if current_user.is_authenticated and not access.may_enter(current_user):
        abort(403)


def repeat():
    """A retry of a form already taken: go where the first post went (else None)."""
    url = idempotency.previous_result(request.form.get(idempotency.FIELD))
    return redirect(url, 303) if url else None


def visible_sites() -> list[Site]:
    """The sites the signed-in user works at, by code."""
    return list(db.session.scalars(select(Site).where(site_filter(Site.id)).order_by(Site.code)))


def debtor_or_404(debtor_id: int, user) -> Debtor:
    """The debtor, if it exists and ``user`` may see it (else 404: unseen looks absent)."""
    debtor = db.session.scalar(
        select(Debtor).where(Debtor.id == debtor_id, access.debtor_scope(user))
    )
    return debtor or abort(404)


def receivable_or_404(receivable_id: int, user) -> Receivable:
    receivable = db.session.get(Receivable, receivable_id)
    if receivable is None or not access.may_see_receivable(user, receivable):
        abort(404)
    return receivable


from modules.receivables.views import (  # noqa: E402, F401
    aging,
    campaigns,
    debtors,
    followups,
    imports,
    letters,
    payments,
    receivables,
    writeoffs,
)
