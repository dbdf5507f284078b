"""Checklists (检查表) and their versions: saving a checklist writes a new version.

Runs point at a version, so a change never reaches a run already started or
submitted. One public function, one transaction.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from modules.patrols.errors import PatrolError
from modules.patrols.models import (
    AnswerType,
    Checklist,
    ChecklistItem,
    ChecklistPurpose,
    ChecklistVersion,
)
from parkops import audit
from parkops.auth.access import site_filter
from parkops.auth.models import User
from parkops.extensions import db

MAX_ITEMS = 60


@dataclass(frozen=True)
class ItemData:
    """One item as typed: ``weight`` a whole number ≥ 1; ``choices`` one per line."""

    text: str
    answer_type: AnswerType
    unit: str = ""
    choices: str = ""
    weight: int = 1
    fail_is_finding: bool = True
    counts_touts: bool = False  # a gate-duty checklist's number item of touts seen (32)


def may_manage(user: User, site_id: int | None = None) -> bool:
    """Whoever writes checklists and routes: ``patrols.manage`` at the site."""
    return user.can("patrols.manage") and (site_id is None or user.can_see_site(site_id))


def visible_checklists() -> list[Checklist]:
    """The current user's sites' checklists, by name."""
    query = select(Checklist).where(site_filter(Checklist.site_id))
    return list(db.session.scalars(query.order_by(Checklist.name, Checklist.id)))


def _check_items(items: list[ItemData], purpose: ChecklistPurpose) -> None:
    touts = [i for i in items if i.counts_touts]
    if touts and purpose != ChecklistPurpose.GATE_DUTY:
        raise PatrolError(_("Only a gate-duty checklist has an item that counts the touts."))
    if len(touts) > 1:
        raise PatrolError(_("Mark one item only as the count of touts."))
    if touts and touts[0].answer_type != AnswerType.NUMBER:
        raise PatrolError(_("“%(item)s”: the count of touts is a number item.", item=touts[0].text))
    if not items:
        raise PatrolError(_("A checklist needs at least one item."))
    if len(items) > MAX_ITEMS:
        raise PatrolError(_("A checklist has at most %(n)d items.", n=MAX_ITEMS))
    for item in items:
        if item.answer_type == AnswerType.CHOICE and len(item.choices.split("\n")) < 2:
            raise PatrolError(_("“%(item)s”: give at least two choices.", item=item.text))
        if item.weight < 1:
            raise PatrolError(_("“%(item)s”: the weight is a whole number from 1.", item=item.text))


def _add_version(checklist: Checklist, items: list[ItemData], user: User) -> ChecklistVersion:
    checklist.version_count += 1
    version = ChecklistVersion(
        checklist=checklist, number=checklist.version_count, created_by_id=user.id
    )
    db.session.add(version)
    for position, item in enumerate(items, start=1):
        db.session.add(
            ChecklistItem(
                version=version,
                position=position,
                text=item.text.strip(),
                answer_type=item.answer_type,
                unit=item.unit.strip() if item.answer_type == AnswerType.NUMBER else "",
                choices=item.choices.strip() if item.answer_type == AnswerType.CHOICE else "",
                weight=item.weight,
                fail_is_finding=item.fail_is_finding,
                counts_touts=item.counts_touts,
            )
        )
    db.session.flush()
    db.session.expire(checklist, ["current_version"])
    return version


def save_checklist(
    checklist: Checklist | None,
    site_id: int,
    name: str,
    unannounced: bool,
    items: list[ItemData],
    user: User,
    purpose: ChecklistPurpose = ChecklistPurpose.OTHER,
) -> Checklist:
    """Create a checklist (``checklist`` None) or save a new version of one; ``purpose``
    is what the ledger's indicators pick it by (it is not versioned).

    PatrolError (nothing stored) when the user may not manage the site, the
    name is empty or the items do not fit (none, too many, a choice with fewer
    than two choices, a count of touts that is not the one number item of a
    gate-duty checklist).
    """
    try:
        if not may_manage(user, site_id):
            raise PatrolError(_("You may not change checklists at this site."))
        if not name.strip():
            raise PatrolError(_("Give the checklist a name."))
        _check_items(items, purpose)
        if checklist is None:
            checklist = Checklist(
                site_id=site_id,
                name=name.strip(),
                unannounced=unannounced,
                purpose=purpose,
                version_count=0,
            )
            db.session.add(checklist)
            db.session.flush()
        else:
            checklist.name, checklist.unannounced = name.strip(), unannounced
            checklist.purpose = purpose
        version = _add_version(checklist, items, user)
    except PatrolError:
        db.session.rollback()
        raise
    audit.record(
        "patrols.checklist_saved",
        "patrol_checklist",
        checklist.id,
        {"version": version.number, "items": len(items), "purpose": purpose.value},
        actor=user,
    )
    db.session.commit()
    return checklist


def versions_of(checklist: Checklist) -> list[ChecklistVersion]:
    """Every version, newest first."""
    return list(
        db.session.scalars(
            select(ChecklistVersion)
            .where(ChecklistVersion.checklist_id == checklist.id)
            .order_by(ChecklistVersion.number.desc())
        )
    )
