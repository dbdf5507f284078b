"""Scoring rules (考评细则), versioned: the office lists the assessment items (weeds,
pruning, litter and dead corners …) with their points and the deduction per defect.
An edit is a new version in force from a day on (today or later: the past is not
rewritten); a round keeps the version it was opened with, so no past score changes.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from modules.greening import zones
from modules.greening.models import RuleItem, RuleVersion
from modules.greening.zones import GreeningError
from parkops import audit
from parkops.auth.models import User
from parkops.extensions import db
from parkops.timeutil import business_day

MAX_ITEM_POINTS = 100
MAX_ITEMS = 30


@dataclass
class ItemData:
    """One row of the rules form: ``points`` and ``deduction`` (per defect) in whole
    points; None where the field was empty or not a number."""

    name: str
    checks: str
    points: int | None
    deduction: int | None
    photo_required: bool = True


def version_on(day: date) -> RuleVersion | None:
    """The version in force on ``day`` (a local date): the latest starting on or before."""
    return db.session.scalar(
        select(RuleVersion)
        .where(RuleVersion.effective_from <= day)
        .order_by(RuleVersion.effective_from.desc())
        .limit(1)
    )


def versions() -> list[RuleVersion]:
    """Every version, the latest first (their items loaded in one more query)."""
    return list(db.session.scalars(select(RuleVersion).order_by(RuleVersion.effective_from.desc())))


def _check_item(n: int, item: ItemData) -> None:
    if not item.name.strip():
        raise GreeningError(_("Item %(n)d needs a name.", n=n))
    if item.points is None or not 1 <= item.points <= MAX_ITEM_POINTS:
        raise GreeningError(_("Item %(n)d: points are a whole number from 1 to 100.", n=n))
    if item.deduction is None or not 1 <= item.deduction <= item.points:
        raise GreeningError(
            _("Item %(n)d: the deduction per defect is from 1 to the item's points.", n=n)
        )


def add_version(effective_from: date | None, items: list[ItemData], note: str, actor: User):
    """Store a new version of the rules in force from ``effective_from`` (today or later)
    with ``items`` in their order (empty rows left out). GreeningError, nothing stored:
    a day in the past or already starting a version, no item, an item without a name,
    points outside 1..100 (negative included), a deduction outside 1..points."""
    if not actor.can(zones.MANAGE):
        raise GreeningError(_("You may not change the scoring rules."))
    if effective_from is None or effective_from < business_day():
        raise GreeningError(
            _("New rules apply from today or a later day: the past is not rewritten.")
        )
    if db.session.scalar(
        select(RuleVersion.id).where(RuleVersion.effective_from == effective_from)
    ):
        raise GreeningError(_("A version of the rules already starts on that day."))
    rows = [i for i in items if i.name.strip() or i.points is not None or i.deduction is not None]
    if not rows:
        raise GreeningError(_("The rules need at least one item."))
    if len(rows) > MAX_ITEMS:
        raise GreeningError(_("At most 30 items."))
    for n, item in enumerate(rows, 1):
        _check_item(n, item)
    version = RuleVersion(
        effective_from=effective_from, note=note.strip()[:200], created_by_id=actor.id
    )
    version.items = [
        RuleItem(
            position=n,
            name=item.name.strip()[:100],
            checks=item.checks.strip()[:2000],
            points=item.points,
            deduction=item.deduction,
            photo_required=item.photo_required,
        )
        for n, item in enumerate(rows, 1)
    ]
    db.session.add(version)
    db.session.flush()
    audit.record(
        "greening.rules_changed",
        "rule_version",
        version.id,
        {"starts_on": effective_from.isoformat(), "items": len(rows)},
        actor=actor,
    )
    db.session.commit()
    return version
