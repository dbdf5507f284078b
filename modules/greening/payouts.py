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
the round scored (a page at a time; its .xlsx all of them) and each person's total.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from modules.greening import bands
from modules.greening.band_models import BandVersion
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
    """One person's total over the sheet, in fen, and how many zones it comes from."""

    name: str
    zone_count: int = 0
    amount_fen: int = 0


class _Terms(NamedTuple):
    """What every line of a round is paid by: the band version, the rule version's
    points, the responsible person's share in percent and the teams' members
    {team: [(account id, name)] by account number}."""

    version: BandVersion
    total: int
    share: int
    teams: dict[str, list[tuple[int, str]]]


@dataclass
class PayoutSheet:
    """A closed round's totals: ``people`` by name, ``totals_fen`` (amount, responsible
    people's parts, teams' parts) over every line. Its lines come a page at a time
    (``scored`` → ``lines``): the totals never need them."""

    round_id: int
    people: list[PersonTotal]
    totals_fen: tuple[int, int, int]
    terms: _Terms

    @property
    def total_fen(self) -> int:
        return self.totals_fen[0]

    def scored(self) -> Select:
        """The select of the lines' rows (code, name, score, team, responsible id,
        responsible name), by code: the columns the sheet uses, no objects."""
        return (
            select(
                Zone.code, Zone.name, Assessment.score, Assessment.team, User.id, User.display_name
            )
            .join(Zone, Zone.id == Assessment.zone_id)
            .outerjoin(User, User.id == Assessment.responsible_id)
            .where(Assessment.round_id == self.round_id)
            .order_by(Zone.code)
        )

    def count(self) -> Select:
        """The select of the number of lines."""
        return select(func.count()).where(Assessment.round_id == self.round_id)

    def lines(self, rows=None) -> list[PayoutRow]:
        """The lines of ``rows`` of ``scored`` (None: every line of the round)."""
        if rows is None:
            rows = db.session.execute(self.scored())
        lines = []
        for code, name, score, team, person_id, person in rows:
            amount, person_fen, team_fen, parts = _split(self.terms, score, team, person_id)
            lines.append(
                PayoutRow(
                    code=code,
                    name=name,
                    responsible=person or "",
                    team=team,
                    score=score,
                    percent=100 * score / self.terms.total,
                    amount_fen=amount,
                    responsible_fen=person_fen,
                    team_fen=team_fen,
                    members=[(member, fen) for _id, member, fen in parts],
                )
            )
        return lines


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


def _split(terms: _Terms, score: int, team: str, person_id: int | None):
    """One line's (amount, responsible part, team part, [(member id, name, fen)]) in fen:
    the same for every line of the same score, team and responsible person."""
    amount = bands.amount_for(terms.version, score, terms.total)
    members = terms.teams.get(team, [])
    if person_id is not None:
        weights = [terms.share, 100 - terms.share] if members else [100, 0]
    else:  # nobody recorded (the roster never leaves a zone so): the team takes it
        weights = [0, 100] if members else [0, 0]
    person_fen, team_fen = split_fen(amount, weights) if any(weights) else (0, 0)
    parts = split_fen(team_fen, [1] * len(members)) if members else []
    return (
        amount,
        person_fen,
        team_fen,
        [(i, m, f) for (i, m), f in zip(members, parts, strict=True)],
    )


def _teams(groups: list) -> dict[str, list[tuple[int, str]]]:
    """{team name: its members in the round as (account id, name), by account number},
    from the round's groups (score, team, responsible id, name, count)."""
    found: dict[str, dict[int, str]] = defaultdict(dict)
    for _score, team, person_id, person, _count in groups:
        if team and person_id is not None:
            found[team][person_id] = person
    return {team: sorted(people.items()) for team, people in found.items()}


def sheet(round_: Round) -> PayoutSheet:
    """The totals of a closed round's payouts (zones it scored only) and each person's.
    Worked out from the round's lines grouped in SQL by (score, team, responsible
    person): lines alike are paid alike, so each group is split once and counted
    ``n`` times, the same fen as line by line; the cost grows with a round's distinct
    scores, teams and people, not its zones. GreeningError for an open round (its
    scores may still change) or when no payout bands were in force on the day it
    closed."""
    if round_.closed_at is None:
        raise GreeningError(_("Payouts follow from a closed round."))
    version = bands.for_round(round_)
    if version is None:
        raise GreeningError(_("No payout bands were in force when the round closed."))
    total = db.session.get(RuleVersion, round_.rule_version_id).total_points
    groups = db.session.execute(
        select(Assessment.score, Assessment.team, User.id, User.display_name, func.count())
        .outerjoin(User, User.id == Assessment.responsible_id)
        .where(Assessment.round_id == round_.id)
        .group_by(Assessment.score, Assessment.team, User.id, User.display_name)
    ).all()
    share = module_settings.get("greening.responsible_share")
    terms = _Terms(version, total, share, _teams(groups))
    people: dict[int, PersonTotal] = {}
    sums = [0, 0, 0]
    for score, team, person_id, person, count in groups:
        amount, person_fen, team_fen, parts = _split(terms, score, team, person_id)
        for n, fen in enumerate((amount, person_fen, team_fen)):
            sums[n] += fen * count
        # A person paid twice on a line (responsible and a member) counts its zone once.
        fen_of: dict[int, list] = {}
        if person_id is not None:
            fen_of[person_id] = [person, person_fen]
        for who, name, fen in parts:
            fen_of.setdefault(who, [name, 0])[1] += fen
        for who, (name, fen) in fen_of.items():
            total_of = people.setdefault(who, PersonTotal(name))
            total_of.amount_fen += fen * count
            total_of.zone_count += count
    ordered = sorted(people.values(), key=lambda p: p.name)
    return PayoutSheet(round_.id, ordered, (sums[0], sums[1], sums[2]), terms)
