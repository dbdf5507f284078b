"""What every ticketing route shares: the one blueprint, the acting user, refusals, the
shift and way-back helpers, and the four-eyes predicates for the templates.

Each route declares its permission; a seller reaches only her own shifts
(another seller's shift is a 404, like another site's).
"""

from flask import Blueprint, abort, current_app, flash, make_response, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from modules.ticketing import four_eyes
from modules.ticketing.errors import TicketingError
from modules.ticketing.labels import payment_name
from modules.ticketing.models import Shift
from modules.ticketing.permissions import MANAGE, STAFF
from parkops import idempotency
from parkops.auth.access import check_site, site_filter
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.redirects import is_local_path

bp = Blueprint("ticketing", __name__)


@bp.context_processor
def _predicates() -> dict:
    """Templates show a decision's button by the predicate its service enforces."""
    return {"four_eyes": four_eyes}


bp.add_app_template_filter(payment_name, "payment")


def actor() -> User:
    return current_user._get_current_object()


def is_staff() -> bool:
    return any(current_user.can(p) for p in STAFF)


def shift_or_404(shift_id: int) -> Shift:
    """A shift the current user may see: her own, or any of her sites' if she is staff."""
    shift = db.session.get(Shift, shift_id) or abort(404)
    check_site(shift.site_id)
    if shift.seller_id != current_user.id and not is_staff():
        abort(404)
    return shift


def own_or_manager(shift: Shift) -> None:
    if shift.seller_id != current_user.id and not current_user.can(MANAGE):
        abort(403)


def own(shift: Shift) -> None:
    if shift.seller_id != current_user.id:
        abort(403)


def refuse(error: TicketingError) -> None:
    # Nothing of the refused post is kept: not a half-made change, not its idempotency key.
    db.session.rollback()
    flash(str(error), "error")


def form_problem(form) -> None:
    for field_errors in form.errors.values():
        for message in field_errors:
            flash(str(message), "error")


def invalid_form(form, page: str, **values):
    """An invalid form posted from ``page`` (a GET-only endpoint of this blueprint): its
    messages shown on that page, rendered again with status 422 (the page's forms read
    what was typed back from the post)."""
    form_problem(form)
    response = make_response(current_app.view_functions[page](**values))
    response.status_code = 422
    return response


def to_shift(shift: Shift):
    return redirect(url_for("ticketing.shift", id=shift.id), 303)


def repeat():
    """A phone's retry of a form already taken: a redirect to where the first post led
    (the service remembered it with the key), else None."""
    done = idempotency.previous_result(retry_key())
    return redirect(done, 303) if done else None


def retry_key() -> str | None:
    """The posted form's idempotency key, handed to the service."""
    return request.form.get(idempotency.FIELD)


def local_back(default: str) -> str:
    """The form's ``back`` page, if it is a path of this site (never another host)."""
    back = request.form.get("back", "")
    return back if is_local_path(back) else default


def visible_sites() -> list[Site]:
    return list(
        db.session.scalars(
            select(Site).where(Site.active, site_filter(Site.id)).order_by(Site.code)
        )
    )
