"""Patrol findings in a zone deduct in its open round: the reaction to
``signals.finding_recorded`` for subject kind ``greening.zone`` (the patrols module
sends it; greening never imports patrols).

The rule: the finding deducts once (1 defect) against the rule item of the round's
version named by the setting ``greening.finding_item`` (the version's first item when
the setting is empty), with the finding's summary as note and the patrol's user as
who recorded it; a deduction like any other, so it is appealable and counted in the
score. The round: the zone's site's open round of the latest month. No open round,
or no item of that name: no deduction, and the Reaction says why.
"""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from modules.greening import rounds
from modules.greening.models import Deduction, Round, RuleItem, RuleVersion, Zone
from parkops import audit, module_settings
from parkops.auth.models import User
from parkops.extensions import db
from parkops.signals import Reaction

SUBJECT_KIND = "greening.zone"


def open_round_of(site_id: int) -> Round | None:
    """The site's open round of the latest month, or None."""
    return db.session.scalar(
        select(Round)
        .where(Round.site_id == site_id, Round.closed_at.is_(None))
        .order_by(Round.month.desc())
        .limit(1)
    )


def finding_item(version: RuleVersion) -> RuleItem | None:
    """The version's item findings deduct against (see the module docstring)."""
    name = (module_settings.get("greening.finding_item") or "").strip()
    if not name:
        return version.items[0] if version.items else None
    return next((item for item in version.items if item.name == name), None)


def on_finding_recorded(
    sender: str, *, subject_kind: str, subject_id: int, summary: str, user: User, **_payload
) -> Reaction | None:
    """Deduct in the zone's open round, in the sender's transaction (no commit); None for
    another kind of subject or a zone that is gone."""
    if subject_kind != SUBJECT_KIND:
        return None
    zone = db.session.get(Zone, subject_id)
    if zone is None:
        return None
    round_ = open_round_of(zone.site_id)
    if round_ is None:
        return Reaction(_("No assessment round is open at this site: nothing deducted."))
    version = db.session.get(RuleVersion, round_.rule_version_id)
    item = finding_item(version)
    if item is None:
        return Reaction(_("The scoring rules have no item for patrol findings: nothing deducted."))
    assessment = rounds.ensure_assessment(round_, zone, user)
    deduction = Deduction(
        assessment_id=assessment.id,
        item_id=item.id,
        defects=1,
        points=item.deduction,
        note=_("Patrol finding: %(summary)s", summary=summary)[:2000],
        recorded_by_id=user.id,
    )
    db.session.add(deduction)
    db.session.flush()
    rounds.rescore(assessment, round_)
    audit.record(
        "greening.finding_deducted",
        "zone",
        zone.id,
        {"item": item.name, "points": deduction.points, "score": assessment.score},
        actor=user,
    )
    return Reaction(
        _(
            "%(points)d points deducted from %(zone)s (%(item)s) in round %(month)s.",
            points=deduction.points,
            zone=zone.code,
            item=item.name,
            month=round_.label,
        ),
        # Built without a request too: a finding may come from a job.
        current_app.url_map.bind("").build(
            "greening.assess_zone", {"round_id": round_.id, "zone_id": zone.id}
        ),
    )
