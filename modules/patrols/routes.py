"""Patrol routes (巡查路线) and their checkpoints (打卡点), each with a QR label.

A checkpoint's label carries ``<BASE_URL>/pc/<token>``; the token is random, so
a label cannot be guessed from another. Checkpoints are the subject kind
``patrols.checkpoint``.

A route is edited as it is written: its name and its ``CODE name`` lines. A code
already on the route keeps its checkpoint and label (renamed, moved); a new code is
a new checkpoint; a code left out is removed (kept for the scans of it; listing it
again brings it back). Re-issuing a label gives the checkpoint a new token; the old
one then only says it was replaced. Runs keep each scan's checkpoint as it was.
"""

import re
import secrets

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from modules.patrols.checklists import may_manage
from modules.patrols.errors import PatrolError
from modules.patrols.models import Checkpoint, RetiredLabel, Route
from parkops import audit
from parkops.auth.access import site_filter
from parkops.auth.models import User
from parkops.extensions import db
from parkops.subjects import Subject
from parkops.timeutil import to_local, utcnow

TOKEN_BYTES = 16  # 128 random bits, 22 characters: unguessable, and a small QR code
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
SUBJECT_KIND = "patrols.checkpoint"
MAX_CHECKPOINTS = 50


def scan_url(checkpoint: Checkpoint) -> str:
    """The absolute address a checkpoint label's QR code carries."""
    return f"{current_app.config['BASE_URL']}/pc/{checkpoint.token}"


def token_from(text: str) -> str:
    """The token in what a phone read from a label: the whole scan URL or the token alone."""
    return (text or "").strip().rstrip("/").rsplit("/", 1)[-1]


def checkpoint_by_token(token: str) -> Checkpoint | None:
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None  # not one we could have issued: no need to ask the database
    return db.session.scalar(select(Checkpoint).where(Checkpoint.token == token))


def checkpoint_by_code(text: str, route_id: int) -> Checkpoint | None:
    """The checkpoint whose code (printed beside the QR on its label) was typed when
    the camera fails: spaces and case ignored (" psy-w2" finds PSY-W2). One of route
    ``route_id`` first (codes differing only by case could be on two routes), else
    any route's, for the caller to refuse by route; None when no code matches."""
    code = "".join((text or "").split()).upper()
    if not code or len(code) > 30:
        return None  # longer than any code: a token or URL, not a typed code
    found = db.session.scalars(
        select(Checkpoint)
        .where(func.upper(Checkpoint.code) == code)
        .order_by((Checkpoint.route_id == route_id).desc(), Checkpoint.id)
        .limit(1)
    )
    return found.first()


def label_trouble(token: str) -> str | None:
    """Why a label's token records no scan, for the person scanning: replaced by a
    re-issued label, or its checkpoint removed from the route (None: neither)."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    retired = db.session.scalar(select(RetiredLabel).where(RetiredLabel.token == token))
    point = retired.checkpoint if retired else checkpoint_by_token(token)
    if retired is not None:
        return _(
            "This label of %(point)s was replaced on %(day)s: scan the new label.",
            point=f"{point.code} {point.name}",
            day=to_local(retired.retired_at).date().isoformat(),
        )
    if point is not None and point.removed_at is not None:
        return _(
            "%(point)s was removed from its route on %(day)s: this label no longer counts.",
            point=f"{point.code} {point.name}",
            day=to_local(point.removed_at).date().isoformat(),
        )
    return None


def visible_routes() -> list[Route]:
    """The current user's sites' routes with their checkpoints, by name."""
    query = (
        select(Route)
        .where(site_filter(Route.site_id))
        .options(selectinload(Route.checkpoints))
        .order_by(Route.name, Route.id)
    )
    return list(db.session.scalars(query))


def parse_checkpoints(text: str) -> list[tuple[str, str]]:
    """Lines ``CODE name`` (code without spaces) → [(code, name)]; PatrolError naming a bad line."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        code, _sep, name = line.strip().partition(" ")
        if not name.strip() or len(code) > 30 or len(name.strip()) > 100:
            raise PatrolError(_("Line %(n)d: write a code, a space, then the name.", n=number))
        found.append((code, name.strip()))
    return found


def create_route(site_id: int, name: str, checkpoints: list[tuple[str, str]], user: User) -> Route:
    """A route with its checkpoints in order, each given a fresh label token.

    PatrolError (nothing stored) when the user may not manage the site, the name
    is empty, there are no or too many checkpoints, or a code is already used.
    """
    try:
        if not may_manage(user, site_id):
            raise PatrolError(_("You may not change routes at this site."))
        if not name.strip():
            raise PatrolError(_("Give the route a name."))
        if not 0 < len(checkpoints) <= MAX_CHECKPOINTS:
            raise PatrolError(_("A route has 1 to %(n)d checkpoints.", n=MAX_CHECKPOINTS))
        _check_codes([code for code, _name in checkpoints], None)
        route = Route(site_id=site_id, name=name.strip())
        db.session.add(route)
        for position, (code, point_name) in enumerate(checkpoints, start=1):
            token = secrets.token_urlsafe(TOKEN_BYTES)
            route.checkpoints.append(
                Checkpoint(position=position, code=code, name=point_name, token=token)
            )
        db.session.flush()
    except PatrolError:
        db.session.rollback()
        raise
    audit.record(
        "patrols.route_created",
        "patrol_route",
        route.id,
        {"checkpoints": len(checkpoints)},
        actor=user,
    )
    db.session.commit()
    return route


def _check_codes(codes: list[str], route_id: int | None) -> None:
    """PatrolError naming a code listed twice or used by a checkpoint of another route."""
    taken = select(Checkpoint.code).where(Checkpoint.code.in_(codes))
    if route_id is not None:
        taken = taken.where(Checkpoint.route_id != route_id)
    clash = next(iter(db.session.scalars(taken)), None)
    clash = clash or next((c for c in codes if codes.count(c) > 1), None)
    if clash:
        raise PatrolError(_("The checkpoint code %(code)s is already used.", code=clash))


def change_route(route: Route, name: str, checkpoints: list[tuple[str, str]], user: User) -> None:
    """Rename the route and set its checkpoints to ``checkpoints`` (code, name) in order:
    see the module's docstring. PatrolError (nothing stored) as for ``create_route``."""
    try:
        if not may_manage(user, route.site_id):
            raise PatrolError(_("You may not change routes at this site."))
        if not name.strip():
            raise PatrolError(_("Give the route a name."))
        if not 0 < len(checkpoints) <= MAX_CHECKPOINTS:
            raise PatrolError(_("A route has 1 to %(n)d checkpoints.", n=MAX_CHECKPOINTS))
        _check_codes([code for code, _name in checkpoints], route.id)
        every = {
            c.code: c
            for c in db.session.scalars(select(Checkpoint).where(Checkpoint.route_id == route.id))
        }
        now = utcnow()
        for point in every.values():  # out of the way of the unique (route, position)
            point.position = -point.id
        db.session.flush()
        listed = set()
        for position, (code, point_name) in enumerate(checkpoints, start=1):
            point = every.get(code)
            if point is None:
                point = Checkpoint(
                    route_id=route.id, code=code, token=secrets.token_urlsafe(TOKEN_BYTES)
                )
                db.session.add(point)
            point.position, point.name, point.removed_at = position, point_name, None
            listed.add(code)
        removed = [p for code, p in every.items() if code not in listed and p.removed_at is None]
        for point in removed:
            point.removed_at = now
        route.name = name.strip()
        db.session.flush()
    except PatrolError:
        db.session.rollback()
        raise
    db.session.expire(route, ["checkpoints"])
    details = {"checkpoints": len(checkpoints)}
    audit.record("patrols.route_changed", "patrol_route", route.id, details, actor=user)
    db.session.commit()


def reissue_label(checkpoint: Checkpoint, user: User) -> None:
    """A new label for the checkpoint (a lost or damaged one, or a copied one): the old
    token stops recording scans and says so. PatrolError when the user may not manage
    the site or the checkpoint was removed."""
    if not may_manage(user, checkpoint.route.site_id):
        raise PatrolError(_("You may not change routes at this site."))
    if checkpoint.removed_at is not None:
        raise PatrolError(_("This checkpoint was removed from its route."))
    db.session.add(RetiredLabel(checkpoint_id=checkpoint.id, token=checkpoint.token))
    checkpoint.token = secrets.token_urlsafe(TOKEN_BYTES)
    details = {"checkpoints": f"{checkpoint.code} {checkpoint.name}"}
    audit.record("patrols.label_reissued", "patrol_route", checkpoint.route_id, details, actor=user)
    db.session.commit()


def _subject(checkpoint: Checkpoint) -> Subject:
    url = url_for("patrols.route", route_id=checkpoint.route_id)
    label = f"{checkpoint.code} {checkpoint.name}"
    return Subject(SUBJECT_KIND, checkpoint.id, label, url, checkpoint.route.site_id)


def get_checkpoint(checkpoint_id: int) -> Subject | None:
    """The subject ``patrols.checkpoint`` with this id, or None."""
    found = db.session.get(Checkpoint, checkpoint_id)
    return _subject(found) if found else None


def search_checkpoints(text: str, user: User, limit: int) -> list[Subject]:
    """Checkpoints whose code or name contains ``text``, at ``user``'s sites."""
    pattern = f"%{text.strip()}%"
    query = (
        select(Checkpoint)
        .join(Route)
        .where((Checkpoint.name.ilike(pattern)) | (Checkpoint.code.ilike(pattern)))
        .where(Checkpoint.removed_at.is_(None))
        .order_by(Checkpoint.code)
        .limit(limit)
    )
    if user.site_ids is not None:
        query = query.where(Route.site_id.in_(user.site_ids))
    return [_subject(c) for c in db.session.scalars(query)]
