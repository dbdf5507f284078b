"""Rewards and penalties (奖惩) of a closed round: each zone's score, as a share of its
rules' points, falls in a band with an amount in fen (settings): at least 95 % the
top reward, at least 90 % the good reward, below the pass mark the penalty, else
nothing. The amount is shared between the responsible person and the team by
``greening.responsible_share`` percent (largest remainder, so the parts add up to
the fen). The payout sheet (兑现表) lists every zone of the round."""

from dataclasses import dataclass

from flask_babel import gettext as _

from modules.greening import rounds, scores
from modules.greening.models import Round, RuleVersion
from modules.greening.zones import GreeningError
from parkops import module_settings
from parkops.extensions import db

TOP, GOOD = 95, 90  # percent


@dataclass
class PayoutRow:
    """One zone's line: amounts in fen, a penalty negative."""

    code: str
    name: str
    responsible: str
    team: str
    score: int
    percent: float
    amount_fen: int
    responsible_fen: int
    team_fen: int


def split_fen(amount_fen: int, weights: list[int]) -> list[int]:
    """``amount_fen`` split by ``weights`` (non-negative, not all 0) by largest remainder:
    the parts add up to the amount exactly; a negative amount splits like its size."""
    sign, amount = (-1, -amount_fen) if amount_fen < 0 else (1, amount_fen)
    total = sum(weights)
    parts = [amount * w // total for w in weights]
    left = amount - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for index in by_remainder[:left]:
        parts[index] += 1
    return [sign * p for p in parts]


def amount_for(percent: float) -> int:
    """The band's amount in fen for a score in percent (a penalty negative)."""
    if percent >= TOP:
        return module_settings.get("greening.reward_top")
    if percent >= GOOD:
        return module_settings.get("greening.reward_good")
    if percent < scores.pass_mark():
        return -module_settings.get("greening.penalty")
    return 0


def sheet(round_: Round) -> list[PayoutRow]:
    """The payout lines of a closed round, by zone code (zones it scored only).
    GreeningError for an open round: its scores may still change."""
    if round_.closed_at is None:
        raise GreeningError(_("Payouts follow from a closed round."))
    total = db.session.get(RuleVersion, round_.rule_version_id).total_points
    share = module_settings.get("greening.responsible_share")
    rows = []
    for zone, assessment in rounds.zones_of(round_):
        if assessment is None:
            continue
        percent = 100 * assessment.score / total
        amount = amount_for(percent)
        person, team = split_fen(amount, [share, 100 - share])
        rows.append(
            PayoutRow(
                code=zone.code,
                name=zone.name,
                responsible=assessment.responsible.display_name if assessment.responsible else "",
                team=assessment.team,
                score=assessment.score,
                percent=percent,
                amount_fen=amount,
                responsible_fen=person,
                team_fen=team,
            )
        )
    return rows
