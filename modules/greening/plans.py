"""Site plans (平面图) and the zones drawn on them.

A site has one plan image (a photo through the core's validation: decoded, bounded,
re-encoded as JPEG); a new upload replaces it. A zone's outline is a polygon in
coordinates relative to the image (0..1 of its width and height), so it survives a
re-scan of the same plan at another resolution.
"""

import math
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from modules.greening.models import SitePlan, Zone
from modules.greening.zones import GreeningError, may_manage
from parkops import audit
from parkops.attachments import AttachmentError, store_photo
from parkops.auth.models import User
from parkops.extensions import db

PLAN_PHOTO = "greening.site_plan"  # the attachments' owner kind; owner_id is the site's id
MAX_POINTS = 200


def plan_of(site_id: int) -> SitePlan | None:
    return db.session.scalar(select(SitePlan).where(SitePlan.site_id == site_id))


def upload_plan(site_id: int, upload: FileStorage | None, actor: User) -> SitePlan:
    """Store ``upload`` as the site's plan (PNG or JPEG, validated like any photo),
    replacing the previous one. GreeningError, nothing stored, when the actor may
    not, no file was sent or it is not a readable image."""
    try:
        if not may_manage(actor, site_id):
            raise GreeningError(_("You may not change this site's plan."))
        if upload is None or not upload.filename:
            raise GreeningError(_("Choose the plan image (PNG or JPEG)."))
        try:
            attachment = store_photo(upload, PLAN_PHOTO, site_id, actor.id)
        except AttachmentError as refused:
            raise GreeningError(str(refused)) from refused
        db.session.flush()
        plan = plan_of(site_id) or SitePlan(site_id=site_id)
        plan.attachment_id, plan.uploaded_by_id = attachment.id, actor.id
        db.session.add(plan)
        audit.record("greening.plan_uploaded", "site", site_id, {}, actor=actor)
    except GreeningError:
        db.session.rollback()
        raise
    db.session.commit()
    return plan


def parse_outline(text: str) -> list[list[float]]:
    """``"0.1,0.2 0.3,0.2 0.3,0.4"`` (points separated by spaces or new lines, each
    ``x,y``) → [[x, y], …]. GreeningError naming the problem: not numbers, fewer
    than 3 points, more than MAX_POINTS, a point outside the image (each coordinate
    0..1), or all points on one line."""
    points = []
    for token in text.split():
        parts = token.split(",")
        try:
            x, y = (float(p) for p in parts)
        except ValueError:
            raise GreeningError(_("%(point)s is not a point: write x,y.", point=token)) from None
        if not (math.isfinite(x) and math.isfinite(y) and 0 <= x <= 1 and 0 <= y <= 1):
            raise GreeningError(_("Point %(point)s lies outside the plan.", point=token))
        points.append([round(x, 5), round(y, 5)])
    if len(points) < 3:
        raise GreeningError(_("An outline needs at least 3 points."))
    if len(points) > MAX_POINTS:
        raise GreeningError(_("An outline has at most %(n)d points.", n=MAX_POINTS))
    if _area(points) < 1e-6:
        raise GreeningError(_("The points lie on one line: draw an area."))
    return points


def _area(points: list[list[float]]) -> float:
    """The polygon's area as a share of the image (shoelace formula)."""
    pairs = zip(points, points[1:] + points[:1], strict=True)
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in pairs)) / 2


def outline_text(zone: Zone) -> str:
    """The zone's outline as the form writes it (the inverse of ``parse_outline``)."""
    return " ".join(f"{x:g},{y:g}" for x, y in zone.outline or [])


def set_outline(zone: Zone, text: str, actor: User) -> None:
    """Draw the zone on its site's plan. GreeningError, nothing stored, when the
    actor may not, the site has no plan yet or the outline is not valid."""
    try:
        if not may_manage(actor, zone.site_id):
            raise GreeningError(_("You may not change zones at this site."))
        if plan_of(zone.site_id) is None:
            raise GreeningError(_("Upload the site's plan first."))
        zone.outline = parse_outline(text)
        audit.record(
            "greening.outline_drawn", "zone", zone.id, {"points": len(zone.outline)}, actor=actor
        )
    except GreeningError:
        db.session.rollback()
        raise
    db.session.commit()


def drawn(zone_outline: list, width: int, height: int) -> str:
    """An outline in the plan image's pixels, as SVG's ``points`` attribute wants it."""
    return " ".join(f"{x * width:.1f},{y * height:.1f}" for x, y in zone_outline)


class Shape(NamedTuple):
    """A zone as the plan's SVG draws it: ``points`` and the label's ``x``, ``y`` in
    image pixels, ``band`` of its latest score, ``score`` in percent or None."""

    id: int
    code: str
    name: str
    points: str
    x: float
    y: float
    band: str
    score: float | None


def shapes(zones: list[Zone], width: int, height: int, latest: dict, bands: dict) -> list[Shape]:
    """The drawn ones of ``zones`` (already loaded, in their order) for the plan's SVG,
    the geometry worked out here rather than in the template. ``latest``/``bands``:
    {zone id: percent / band} (``scores``)."""
    return [
        Shape(
            zone.id,
            zone.code,
            zone.name,
            drawn(zone.outline, width, height),
            *label_at(zone.outline, width, height),
            bands.get(zone.id, "none"),
            latest.get(zone.id),
        )
        for zone in zones
        if zone.outline
    ]


def label_at(zone_outline: list, width: int, height: int) -> tuple[float, float]:
    """Where the zone's code is written: the mean of its points, in image pixels."""
    count = len(zone_outline)
    x = sum(p[0] for p in zone_outline) / count
    y = sum(p[1] for p in zone_outline) / count
    return round(x * width, 1), round(y * height, 1)
