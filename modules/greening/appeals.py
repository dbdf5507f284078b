"""Appeals (申诉) against deductions, closing a round, and corrections (更正) after it.

- The person who answered for the zone when it was assessed may appeal a deduction
  within ``greening.appeal_days`` days (a setting) of the local day it was recorded,
  while the round is open; one appeal per deduction.
- The lead (``greening.manage`` at the site) decides, never the assessor who recorded
  the deduction nor the appellant: upheld restores the deduction's points.
- A round closes once no appeal awaits a decision and every deduction's appeal window
  has passed; a closed round is read-only.
- A closed round's score changes only by a correction: a new score with a reason,
  approved by a second person (``greening.manage``), never the one who proposed it.
"""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from modules.greening import evidence, rounds, zones
from modules.greening.models import (
    Appeal,
    AppealDecision,
    Assessment,
    Deduction,
    Round,
    RuleVersion,
    ScoreCorrection,
)
from modules.greening.zones import GreeningError
from parkops import attachments, audit, deciding, idempotency, module_settings
from parkops.attachments import AttachmentError
from parkops.auth.models import User
from parkops.db import utcnow
from parkops.extensions import db
from parkops.timeutil import business_day

PHOTO_APPEAL = "greening.appeal"  # attachment owner kind: an appeal's photo


def appeal_days() -> int:
    """The setting: days a deduction may be appealed after the day it was recorded."""
    return module_settings.get("greening.appeal_days")


def may_appeal(
    user: User, deduction: Deduction, assessment: Assessment, round_: Round, days: int
) -> bool:
    """The zone's responsible person on the day it was assessed, open round, a deduction
    not withdrawn, and today
    at most ``days`` (``appeal_days()``) after the local day the deduction was recorded."""
    return (
        round_.closed_at is None
        and deduction.withdrawn_at is None
        and user.can(zones.WORK)
        and assessment.responsible_id == user.id
        and business_day() <= business_day(deduction.recorded_at) + timedelta(days=days)
    )


def appeals_of(deduction_ids) -> dict[int, Appeal]:
    """{deduction id: its appeal} for the deductions that have one."""
    if not deduction_ids:
        return {}
    found = select(Appeal).where(Appeal.deduction_id.in_(list(deduction_ids)))
    return {a.deduction_id: a for a in db.session.scalars(found)}


def _context(deduction: Deduction) -> tuple[Assessment, Round]:
    assessment = db.session.get(Assessment, deduction.assessment_id)
    return assessment, db.session.get(Round, assessment.round_id)


def file_appeal(
    deduction: Deduction,
    reason: str,
    photo: FileStorage | None,
    actor: User,
    key: str | None,
    result_url: str,
) -> Appeal:
    """Appeal ``deduction`` with a reason (required) and maybe a photo. GreeningError,
    nothing stored: not the zone's responsible person, too late, round closed, already
    appealed, no reason, a refused photo."""
    assessment, round_ = _context(deduction)
    try:
        if not may_appeal(actor, deduction, assessment, round_, appeal_days()):
            raise GreeningError(_("Only the zone's responsible person may appeal, in time."))
        if appeals_of([deduction.id]):
            raise GreeningError(_("This deduction has been appealed already."))
        if not reason.strip():
            raise GreeningError(_("Say why the deduction is wrong."))
        appeal = Appeal(deduction_id=deduction.id, appellant_id=actor.id, reason=reason.strip())
        db.session.add(appeal)
        db.session.flush()
        if photo is not None and photo.filename:
            stored = attachments.store_photo(photo, PHOTO_APPEAL, appeal.id, actor.id)
            db.session.flush()
            appeal.photo_id = stored.id
    except (GreeningError, AttachmentError) as error:
        db.session.rollback()
        raise GreeningError(str(error)) from None
    audit.record(
        "greening.appeal_filed",
        "zone",
        assessment.zone_id,
        {"points": deduction.points},
        actor=actor,
    )
    idempotency.remember(key, result_url, actor.id)
    db.session.commit()
    return appeal


def may_decide(user: User, appeal: Appeal, round_: Round) -> bool:
    return zones.may_manage(user, round_.site_id) and user.id not in (
        appeal.appellant_id,
        appeal.deduction.recorded_by_id,
    )


def decide(appeal: Appeal, decision: AppealDecision, note: str, actor: User) -> None:
    """The lead's decision; upheld restores the deduction's points. GreeningError,
    nothing changed: decided already, round closed, or the actor may not decide (the
    assessor who recorded the deduction, the appellant, another site's, not a lead)."""
    deciding.once(
        appeal,
        lambda a: a.decision is None,
        lambda a: _(
            "This appeal was decided already, by %(name)s at %(time)s.",
            **deciding.who_when(a.decided_by_id, a.decided_at),
        ),
    )
    assessment, round_ = _context(appeal.deduction)
    if not may_decide(actor, appeal, round_):
        raise GreeningError(_("Only a lead who neither recorded nor appealed it decides."))
    if round_.closed_at is not None:
        raise GreeningError(_("This round is closed: it can no longer be changed."))
    appeal.decision, appeal.decision_note = decision, note.strip()[:2000]
    appeal.decided_by_id, appeal.decided_at = actor.id, utcnow()
    before = assessment.score
    rounds.rescore(assessment, round_)
    audit.record(
        "greening.appeal_decided",
        "zone",
        assessment.zone_id,
        {"decision": decision.value, "score": assessment.score, "was": before},
        actor=actor,
    )
    db.session.commit()


def pending(site_ids) -> list[Appeal]:
    """Appeals awaiting a decision at ``site_ids`` (None: every site), the oldest first."""
    query = (
        select(Appeal)
        .join(Deduction, Deduction.id == Appeal.deduction_id)
        .join(Assessment, Assessment.id == Deduction.assessment_id)
        .join(Round, Round.id == Assessment.round_id)
        .where(Appeal.decision.is_(None))
        .order_by(Appeal.filed_at)
    )
    if site_ids is not None:
        query = query.where(Round.site_id.in_(site_ids))
    return list(db.session.scalars(query))


# --- closing and corrections ----------------------------------------------------------


def close_round(round_: Round, actor: User) -> None:
    """Close and lock the round. GreeningError: no right, closed already, an appeal
    awaiting a decision, or a deduction still within its appeal window."""
    if not rounds.may_open(actor, round_.site_id):
        raise GreeningError(_("You may not close rounds at this site."))
    deciding.once(
        round_,
        lambda r: r.closed_at is None,
        lambda r: _(
            "This round was closed already, by %(name)s at %(time)s.",
            **deciding.who_when(r.closed_by_id, r.closed_at),
        ),
    )
    waiting = (
        select(Appeal.id)
        .join(Deduction, Deduction.id == Appeal.deduction_id)
        .join(Assessment, Assessment.id == Deduction.assessment_id)
        .where(Assessment.round_id == round_.id, Appeal.decision.is_(None))
    )
    if db.session.scalar(waiting.limit(1)):
        raise GreeningError(_("An appeal awaits a decision: decide it first."))
    days = appeal_days()
    latest = db.session.scalar(
        select(Deduction.recorded_at)
        .join(Assessment, Assessment.id == Deduction.assessment_id)
        .where(Assessment.round_id == round_.id, Deduction.withdrawn_at.is_(None))
        .order_by(Deduction.recorded_at.desc())
        .limit(1)
    )
    if latest is not None and business_day() <= business_day(latest) + timedelta(days=days):
        raise GreeningError(_("Deductions may still be appealed: close after the window."))
    round_.closed_at, round_.closed_by_id = utcnow(), actor.id
    scored = db.session.scalars(select(Assessment.score).where(Assessment.round_id == round_.id))
    scored = list(scored)
    evidence.round_closed(round_, len(scored), sum(scored) / len(scored) if scored else None)
    audit.record("greening.round_closed", "round", round_.id, {"month": round_.label}, actor=actor)
    db.session.commit()


def propose_correction(assessment: Assessment, score: int | None, reason: str, actor: User):
    """A new score for a zone of a closed round, with a reason; it applies once a second
    person approves. GreeningError: round open (score it instead), no right, a score
    outside 0..the version's points, no reason, another correction still waiting."""
    round_ = db.session.get(Round, assessment.round_id)
    if not zones.may_manage(actor, round_.site_id):
        raise GreeningError(_("You may not correct scores at this site."))
    if round_.closed_at is None:
        raise GreeningError(_("The round is open: correct the deductions instead."))
    total = db.session.get(RuleVersion, round_.rule_version_id).total_points
    if score is None or not 0 <= score <= total:
        raise GreeningError(_("A score is from 0 to %(total)d.", total=total))
    if not reason.strip():
        raise GreeningError(_("A correction needs a reason."))
    waiting = select(ScoreCorrection.id).where(
        ScoreCorrection.assessment_id == assessment.id, ScoreCorrection.approved.is_(None)
    )
    if db.session.scalar(waiting):
        raise GreeningError(_("A correction of this zone awaits approval already."))
    correction = ScoreCorrection(
        assessment_id=assessment.id,
        old_score=assessment.score,
        score=score,
        reason=reason.strip()[:2000],
        proposed_by_id=actor.id,
    )
    db.session.add(correction)
    db.session.flush()
    audit.record(
        "greening.correction_proposed",
        "zone",
        assessment.zone_id,
        {"score": score, "was": assessment.score},
        actor=actor,
    )
    db.session.commit()
    return correction


def decide_correction(correction: ScoreCorrection, approve: bool, actor: User) -> None:
    """A second person approves (the score changes) or refuses a correction.
    GreeningError: the proposer, no right at the site, decided already."""
    deciding.once(
        correction,
        lambda c: c.approved is None,
        lambda c: _(
            "This score correction was decided already, by %(name)s at %(time)s.",
            **deciding.who_when(c.decided_by_id, c.decided_at),
        ),
    )
    assessment = correction.assessment
    round_ = db.session.get(Round, assessment.round_id)
    if not zones.may_manage(actor, round_.site_id) or actor.id == correction.proposed_by_id:
        raise GreeningError(_("A second person approves a correction, not its proposer."))
    correction.approved, correction.decided_by_id, correction.decided_at = (
        approve,
        actor.id,
        utcnow(),
    )
    if approve:
        assessment.score = correction.score
    audit.record(
        "greening.correction_decided",
        "zone",
        assessment.zone_id,
        {"approved": approve, "score": assessment.score},
        actor=actor,
    )
    db.session.commit()


def corrections_of(assessment: Assessment | None) -> list[ScoreCorrection]:
    """The assessment's corrections, the latest first."""
    if assessment is None:
        return []
    found = select(ScoreCorrection).where(ScoreCorrection.assessment_id == assessment.id)
    return list(db.session.scalars(found.order_by(ScoreCorrection.id.desc())))
