"""Rewards and penalties (奖惩) of a closed round and their split among people.

Each zone the round scored gets the amount of its score's band (``bands.amount_for``,
by the band version in force when the round closed). The amount is split in two by
``greening.responsible_share`` percent: the responsible person's part and the team's
part; the team's part is divided equally among the team's members. The team's
members are the people recorded, in this round, as answering for a zone of that team
(so the responsible person is one of them). Where a zone has no team (or no
responsible person), the other side takes the whole amount.

Every division is by largest remainder (``split_fen``): equal weights give each their
share and one fen more to the first members in the list (by account number, lowest
first) until the amount is used up, so each line's parts, each person's total and the
sheet's totals add up exactly to the fen. The payout sheet (兑现表) lists every zone
the round scored and each person's total.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from modules.greening import bands
from modules.greening.models import Assessment, Round, RuleVersion, Zone
from modules.greening.zones import GreeningError
from parkops import module_settings
from parkops.auth.models import User
from parkops.extensions import db


@dataclass
class PayoutRow:
    """One zone's line: amounts in fen, a penalty negative; ``members`` the team's part
    per member, [(name, fen)]."""

    code: str
    name: str
    responsible: str
    team: str
    score: int
    percent: float
    amount_fen: int
    responsible_fen: int
    team_fen: int
    members: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class PersonTotal:
    """One person's total over the sheet, in fen, and the zones it comes from."""

    name: str
    zones: list[str] = field(default_factory=list)
    amount_fen: int = 0


@dataclass
class PayoutSheet:
    rows: list[PayoutRow]
    people: list[PersonTotal]  # by name
    total_fen: int


def split_fen(amount_fen: int, weights: list[int]) -> list[int]:
    """``amount_fen`` split by ``weights`` (non-negative, not all 0) by largest remainder:
    the parts add up to the amount exactly, ties to the earlier weight; a negative
    amount splits like its size."""
    sign, amount = (-1, -amount_fen) if amount_fen < 0 else (1, amount_fen)
    total = sum(weights)
    parts = [amount * w // total for w in weights]
    left = amount - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for index in by_remainder[:left]:
        parts[index] += 1
    return [sign * p for p in parts]


def _scored(round_: Round) -> list:
    """Rows (code, name, score, team, responsible id, responsible name) of the zones the
    round scored, by code: one query of the columns the sheet uses (no objects)."""
    query = (
        select(Zone.code, Zone.name, Assessment.score, Assessment.team, User.id, User.display_name)
        .join(Zone, Zone.id == Assessment.zone_id)
        .outerjoin(User, User.id == Assessment.responsible_id)
        .where(Assessment.round_id == round_.id)
        .order_by(Zone.code)
    )
    return list(db.session.execute(query))


def _teams(scored: list) -> dict[str, list[tuple[int, str]]]:
    """{team name: its members in the round as (account id, name), by account number}."""
    found: dict[str, dict[int, str]] = defaultdict(dict)
    for _code, _name, _score, team, person_id, person in scored:
        if team and person_id is not None:
            found[team][person_id] = person
    return {team: sorted(people.items()) for team, people in found.items()}


def sheet(round_: Round) -> PayoutSheet:
    """The payout lines of a closed round, by zone code (zones it scored only), and
    each person's total. GreeningError for an open round (its scores may still change)
    or when no payout bands were in force on the day it closed."""
    if round_.closed_at is None:
        raise GreeningError(_("Payouts follow from a closed round."))
    version = bands.for_round(round_)
    if version is None:
        raise GreeningError(_("No payout bands were in force when the round closed."))
    total = db.session.get(RuleVersion, round_.rule_version_id).total_points
    share = module_settings.get("greening.responsible_share")
    scored = _scored(round_)
    teams = _teams(scored)
    rows, people = [], {}

    def pay(person_id: int, name: str, fen: int, code: str) -> None:
        person = people.setdefault(person_id, PersonTotal(name))
        person.amount_fen += fen
        if code not in person.zones:
            person.zones.append(code)

    for code, name, score, team, person_id, person in scored:
        amount = bands.amount_for(version, score, total)
        members = teams.get(team, [])
        if person_id is not None:
            weights = [share, 100 - share] if members else [100, 0]
        else:  # nobody recorded (the roster never leaves a zone so): the team takes it
            weights = [0, 100] if members else [0, 0]
        person_fen, team_fen = split_fen(amount, weights) if any(weights) else (0, 0)
        member_parts = split_fen(team_fen, [1] * len(members)) if members else []
        if person_id is not None:
            pay(person_id, person, person_fen, code)
        for (member_id, member), fen in zip(members, member_parts, strict=True):
            pay(member_id, member, fen, code)
        rows.append(
            PayoutRow(
                code=code,
                name=name,
                responsible=person or "",
                team=team,
                score=score,
                percent=100 * score / total,
                amount_fen=amount,
                responsible_fen=person_fen,
                team_fen=team_fen,
                members=[(m, f) for (_i, m), f in zip(members, member_parts, strict=True)],
            )
        )
    ordered = sorted(people.values(), key=lambda p: p.name)
    return PayoutSheet(rows, ordered, sum(r.amount_fen for r in rows))
