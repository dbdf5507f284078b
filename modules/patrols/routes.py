"""Patrol routes (巡查路线) and their checkpoints (打卡点), each with a QR label.

A checkpoint's label carries ``<BASE_URL>/pc/<token>``; the token is random, so
a label cannot be guessed from another. Checkpoints are the subject kind
``patrols.checkpoint``.
"""

import re
import secrets

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from modules.patrols.checklists import may_manage
from modules.patrols.errors import PatrolError
from modules.patrols.models import Checkpoint, Route
from parkops import audit
from parkops.auth.access import site_filter
from parkops.auth.models import User
from parkops.extensions import db
from parkops.subjects import Subject

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
        codes = [code for code, _name in checkpoints]
        taken = db.session.scalars(select(Checkpoint.code).where(Checkpoint.code.in_(codes)))
        clash = next(iter(taken), None) or next((c for c in codes if codes.count(c) > 1), None)
        if clash:
            raise PatrolError(_("The checkpoint code %(code)s is already used.", code=clash))
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
        .order_by(Checkpoint.code)
        .limit(limit)
    )
    if user.site_ids is not None:
        query = query.where(Route.site_id.in_(user.site_ids))
    return [_subject(c) for c in db.session.scalars(query)]
