"""Withdrawing a deduction recorded by mistake (撤销扣分), while its round is open.

Who: the person who recorded it (assessor, or the patrol's user for a finding's
deduction) holding ``greening.assess`` or the lead (``greening.manage``), at the
round's site, with a reason. The deduction is kept, marked withdrawn, shown struck
through and left out of the score. Not once appealed (the lead's decision settles it)
nor after the round closed (a correction is the way then).
"""

from flask_babel import gettext as _

from modules.greening import appeals, rounds, zones
from modules.greening.models import Assessment, Deduction, Round
from modules.greening.zones import GreeningError
from parkops import audit, deciding
from parkops.auth.models import User
from parkops.db import utcnow
from parkops.extensions import db

MAX_REASON = 2000


def may_withdraw(user: User, deduction: Deduction, round_: Round) -> bool:
    """The recorder (who may score) or the lead, at the site, the round open, not yet
    withdrawn."""
    if round_.closed_at is not None or deduction.withdrawn_at is not None:
        return False
    if zones.may_manage(user, round_.site_id):
        return True
    return deduction.recorded_by_id == user.id and rounds.may_assess(user, round_.site_id)


def withdraw(deduction: Deduction, reason: str, actor: User) -> Assessment:
    """Withdraw ``deduction`` with ``reason``; the score is recomputed; audited. Returns
    the assessment. Under the round's lock (``deciding``, as closing it): a withdrawal
    never lands in a round closed meanwhile. ``deciding.AlreadyDecided`` (who, when),
    nothing changed: the round closed, or the deduction withdrawn already;
    GreeningError: not the recorder nor the lead, appealed, no reason."""
    assessment = db.session.get(Assessment, deduction.assessment_id)
    round_ = db.session.get(Round, assessment.round_id)
    deciding.once(
        round_,
        lambda r: r.closed_at is None,
        lambda r: _(
            "This round was closed, by %(name)s at %(time)s: a correction is the way now.",
            **deciding.who_when(r.closed_by_id, r.closed_at),
        ),
    )
    db.session.refresh(deduction)  # read again under the round's lock
    if deduction.withdrawn_at is not None:
        raise deciding.AlreadyDecided(
            _(
                "This deduction was withdrawn already, by %(name)s at %(time)s.",
                **deciding.who_when(deduction.withdrawn_by_id, deduction.withdrawn_at),
            )
        )
    if not may_withdraw(actor, deduction, round_):
        raise GreeningError(_("Only who recorded the deduction, or the lead, withdraws it."))
    if appeals.appeals_of([deduction.id]):
        raise GreeningError(_("This deduction has been appealed: the lead's decision settles it."))
    if not reason.strip():
        raise GreeningError(_("Say why the deduction is withdrawn."))
    deduction.withdrawn_at, deduction.withdrawn_by_id = utcnow(), actor.id
    deduction.withdraw_reason = reason.strip()[:MAX_REASON]
    before = assessment.score
    rounds.rescore(assessment, round_)
    audit.record(
        "greening.deduction_withdrawn",
        "zone",
        assessment.zone_id,
        {"points": deduction.points, "score": assessment.score, "was": before},
        actor=actor,
    )
    db.session.commit()
    return assessment
