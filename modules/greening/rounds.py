"""Assessment rounds (考评轮次): a month's scoring of every zone of a site by the rule
version in force on the day the round was opened; the assessor walks the zones on a
phone and records deductions (扣分) item by item, each with a note and, where the item
asks, a photo. A zone's score is the version's points minus its deductions, each item
at least 0, so never below 0; it is computed on every change, never typed.

Who may: ``greening.assess`` (assessor) or ``greening.manage`` (office) open rounds;
``greening.assess`` scores; both at the round's site only.
"""

from collections import defaultdict
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from modules.greening import rules, zones
from modules.greening.models import (
    Appeal,
    AppealDecision,
    Assessment,
    Deduction,
    Round,
    RuleItem,
    RuleVersion,
    Zone,
)
from modules.greening.zones import GreeningError
from parkops import attachments, audit, idempotency
from parkops.attachments import AttachmentError
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.timeutil import business_day

ASSESS = "greening.assess"
PHOTO_DEDUCTION = "greening.deduction"  # attachment owner kind: a deduction's photo
MAX_DEFECTS = 99


def may_open(user: User, site_id: int) -> bool:
    return (user.can(ASSESS) or user.can(zones.MANAGE)) and user.can_see_site(site_id)


def may_assess(user: User, site_id: int) -> bool:
    return user.can(ASSESS) and user.can_see_site(site_id)


def open_round(site_id: int, month: date | None, actor: User) -> Round:
    """Open the round of ``month`` (any day in it; this month or an earlier one) at the
    site with the rules in force today. GreeningError, nothing stored: no right at the
    site, a month to come, no rules in force, a round of that month already there."""
    if not may_open(actor, site_id):
        raise GreeningError(_("You may not open rounds at this site."))
    today = business_day()
    if month is None or month.replace(day=1) > today.replace(day=1):
        raise GreeningError(_("A round assesses this month or an earlier one."))
    month = month.replace(day=1)
    version = rules.version_on(today)
    if version is None:
        raise GreeningError(_("No scoring rules are in force yet: the office sets them first."))
    exists = select(Round.id).where(Round.site_id == site_id, Round.month == month)
    if db.session.scalar(exists):
        raise GreeningError(_("This site's round for that month is already open."))
    round_ = Round(site_id=site_id, month=month, rule_version_id=version.id, opened_by_id=actor.id)
    db.session.add(round_)
    db.session.flush()
    audit.record("greening.round_opened", "round", round_.id, {"month": round_.label}, actor=actor)
    db.session.commit()
    return round_


def rounds_at(site_ids):
    """The select of the rounds at ``site_ids``, the latest month first: ``id, month,
    closed_at, site_name`` (a page of it is one query; a round a month piles up over
    the years, so the list is paged)."""
    return (
        select(Round.id, Round.month, Round.closed_at, Site.name.label("site_name"))
        .join(Site, Site.id == Round.site_id)
        .where(Round.site_id.in_(site_ids))
        .order_by(Round.month.desc(), Round.site_id, Round.id)
    )


def zones_query(round_: Round):
    """The select of rows for every zone of the round's site, by code (a page of it is
    one query): ``id, code, name, assessment_id, score`` (both None: not scored yet),
    ``responsible_name``. Columns, not zone and assessment objects: those cost a page of
    50 zones some 3 objects a row, each zone's outline decoded though never shown."""
    return (
        select(
            Zone.id,
            Zone.code,
            Zone.name,
            Assessment.id.label("assessment_id"),
            Assessment.score,
            User.display_name.label("responsible_name"),
        )
        .outerjoin(Assessment, (Assessment.zone_id == Zone.id) & (Assessment.round_id == round_.id))
        .outerjoin(User, User.id == Assessment.responsible_id)
        .where(Zone.site_id == round_.site_id)
        .order_by(Zone.code)
    )


def progress(round_: Round) -> tuple[int, int, float | None]:
    """(zones of the site, zones scored, their mean score or None) in one statement."""
    query = (
        select(func.count(Zone.id), func.count(Assessment.id), func.avg(Assessment.score))
        .outerjoin(Assessment, (Assessment.zone_id == Zone.id) & (Assessment.round_id == round_.id))
        .where(Zone.site_id == round_.site_id)
    )
    zones, scored, mean = db.session.execute(query).one()
    return zones, scored, None if mean is None else float(mean)


def assessment_of(round_: Round, zone: Zone) -> Assessment | None:
    return db.session.scalar(
        select(Assessment).where(Assessment.round_id == round_.id, Assessment.zone_id == zone.id)
    )


def deductions_by_item(assessment: Assessment | None) -> dict[int, list[Deduction]]:
    """The assessment's deductions by rule item id, in the order recorded."""
    if assessment is None:
        return {}
    found = defaultdict(list)
    for d in db.session.scalars(
        select(Deduction).where(Deduction.assessment_id == assessment.id).order_by(Deduction.id)
    ):
        found[d.item_id].append(d)
    return found


def score(items: list[RuleItem], deductions: list[Deduction]) -> int:
    """The version's points minus the deductions, each item down to 0 at most."""
    taken: dict[int, int] = defaultdict(int)
    for d in deductions:
        taken[d.item_id] += d.points
    return sum(max(0, item.points - taken[item.id]) for item in items)


def _check_open(round_: Round, actor: User) -> None:
    if round_.closed_at is not None:
        raise GreeningError(_("This round is closed: it can no longer be changed."))
    if not may_assess(actor, round_.site_id):
        raise GreeningError(_("You may not score zones at this site."))


def ensure_assessment(round_: Round, zone: Zone, actor: User) -> Assessment:
    """The zone's assessment in the round, made on the first visit with who answers for
    the zone today (the roster) and the full points."""
    found = assessment_of(round_, zone)
    if found is not None:
        return found
    today = business_day()
    entry = zones.entry_on(zone.id, today)
    version = db.session.get(RuleVersion, round_.rule_version_id)
    found = Assessment(
        round_id=round_.id,
        zone_id=zone.id,
        assessed_on=today,
        responsible_id=entry.responsible_id if entry else None,
        team=entry.team if entry else "",
        assessor_id=actor.id,
        score=version.total_points,
    )
    db.session.add(found)
    db.session.flush()
    return found


def rescore(assessment: Assessment, round_: Round) -> None:
    """Set the assessment's score from its deductions, leaving out the withdrawn ones
    and those whose appeal was upheld."""
    version = db.session.get(RuleVersion, round_.rule_version_id)
    standing = db.session.scalars(
        select(Deduction)
        .outerjoin(Appeal, Appeal.deduction_id == Deduction.id)
        .where(
            Deduction.assessment_id == assessment.id,
            Deduction.withdrawn_at.is_(None),
            Appeal.decision.is_distinct_from(AppealDecision.UPHELD),
        )
    ).all()
    assessment.score = score(version.items, list(standing))


def mark_checked(round_: Round, zone: Zone, actor: User, key: str | None, result_url: str):
    """The assessor has walked the zone: it is scored (full points, or less its
    deductions) even where nothing was found. GreeningError when the round is closed or
    the actor may not score at its site."""
    try:
        _check_open(round_, actor)
        assessment = ensure_assessment(round_, zone, actor)
    except GreeningError:
        db.session.rollback()
        raise
    audit.record(
        "greening.zone_assessed", "zone", zone.id, {"score": assessment.score}, actor=actor
    )
    idempotency.remember(key, result_url, actor.id)
    db.session.commit()
    return assessment


def add_deduction(
    round_: Round,
    zone: Zone,
    item_id: int | None,
    defects: int | None,
    note: str,
    photo: FileStorage | None,
    actor: User,
    key: str | None,
    result_url: str,
) -> Deduction:
    """Record ``defects`` (1..99) against a rule item of the round's version in the zone,
    with a note and a photo (required where the item says so); the zone's score is
    recomputed. GreeningError, nothing stored: a closed round, no right at the site, an
    item of another version, a count out of range, a missing or refused photo."""
    try:
        _check_open(round_, actor)
        item = db.session.get(RuleItem, item_id) if item_id else None
        if item is None or item.version_id != round_.rule_version_id:
            raise GreeningError(_("Choose an item of this round's rules."))
        if defects is None or not 1 <= defects <= MAX_DEFECTS:
            raise GreeningError(_("The number of defects is from 1 to 99."))
        has_photo = photo is not None and bool(photo.filename)
        if item.photo_required and not has_photo:
            raise GreeningError(_("This item needs a photo of the defect."))
        assessment = ensure_assessment(round_, zone, actor)
        deduction = Deduction(
            assessment_id=assessment.id,
            item_id=item.id,
            defects=defects,
            points=defects * item.deduction,
            note=note.strip()[:2000],
            recorded_by_id=actor.id,
        )
        db.session.add(deduction)
        db.session.flush()
        if has_photo:
            stored = attachments.store_photo(photo, PHOTO_DEDUCTION, deduction.id, actor.id)
            db.session.flush()
            deduction.photo_id = stored.id
    except (GreeningError, AttachmentError) as error:
        db.session.rollback()
        raise GreeningError(str(error)) from None
    rescore(assessment, round_)
    audit.record(
        "greening.deduction_recorded",
        "zone",
        zone.id,
        {"item": item.name, "points": deduction.points, "score": assessment.score},
        actor=actor,
    )
    idempotency.remember(key, result_url, actor.id)
    db.session.commit()
    return deduction


def next_unscored(round_: Round, after_code: str) -> Zone | None:
    """The first zone of the round's site after ``after_code`` not yet assessed."""
    scored = select(Assessment.zone_id).where(Assessment.round_id == round_.id)
    return db.session.scalar(
        select(Zone)
        .where(Zone.site_id == round_.site_id, Zone.code > after_code, Zone.id.not_in(scored))
        .order_by(Zone.code)
        .limit(1)
    )
