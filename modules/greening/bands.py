"""Payout bands (奖惩档次): score bands → an amount in fen per zone, a versioned table the
office edits on *Payout bands* (``greening.manage``).

A version holds 1 to 10 bands, each a lower bound (a whole percent of the rules'
points, 0..100, distinct within the version) and an amount per zone in fen (a reward
positive, a penalty negative, within ±``MAX_BAND_FEN``). A score falls in the band
with the highest bound at or below it; below every bound, nothing. A version starts
today or later and no two on one day; a closed round pays by the version in force on
the local day it closed (``for_round``), so editing the bands never changes it.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from modules.greening import zones
from modules.greening.band_models import Band, BandVersion
from modules.greening.models import Round
from modules.greening.zones import GreeningError
from parkops import audit
from parkops.auth.models import User
from parkops.extensions import db
from parkops.timeutil import business_day

MAX_BANDS = 10
MAX_BAND_FEN = 10_000_000  # ¥100,000.00 per zone, a reward or a penalty


@dataclass
class BandData:
    """One row of the form: None where empty or not a number (fen: already parsed)."""

    lower_percent: int | None
    amount_fen: int | None


def version_on(day: date) -> BandVersion | None:
    """The version in force on ``day`` (local): the latest starting on or before it."""
    return db.session.scalar(
        select(BandVersion)
        .where(BandVersion.effective_from <= day)
        .order_by(BandVersion.effective_from.desc())
        .limit(1)
    )


def for_round(round_: Round) -> BandVersion | None:
    """The version a closed round pays by: in force on the local day it closed."""
    return version_on(business_day(round_.closed_at))


def versions() -> list[BandVersion]:
    """Every version, the latest first."""
    return list(db.session.scalars(select(BandVersion).order_by(BandVersion.effective_from.desc())))


def amount_for(version: BandVersion, score: int, total: int) -> int:
    """The amount in fen for ``score`` of ``total`` points (exact: no float at a bound)."""
    for band in version.bands:  # the highest bound first
        if score * 100 >= band.lower_percent * total:
            return band.amount_fen
    return 0


def _check(rows: list[BandData]) -> None:
    if not 1 <= len(rows) <= MAX_BANDS:
        raise GreeningError(_("Give 1 to %(n)d bands.", n=MAX_BANDS))
    seen = set()
    for n, row in enumerate(rows, start=1):
        if row.lower_percent is None or not 0 <= row.lower_percent <= 100:
            raise GreeningError(_("Band %(n)d: the lower bound is a whole percent, 0 to 100.", n=n))
        if row.lower_percent in seen:
            raise GreeningError(_("Band %(n)d: two bands start at the same percent.", n=n))
        seen.add(row.lower_percent)
        if row.amount_fen is None or abs(row.amount_fen) > MAX_BAND_FEN:
            raise GreeningError(_("Band %(n)d: the amount is at most ¥100,000.00 either way.", n=n))


def add_version(starts: date | None, rows: list[BandData], actor: User) -> BandVersion:
    """A new version of the bands in force from ``starts`` (today or later). Rows with
    neither field are left out. GreeningError, nothing stored: no right, a day in the
    past or taken, a bound outside 0..100 or twice, an amount out of range."""
    if not actor.can(zones.MANAGE):
        raise GreeningError(_("Only the office edits the payout bands."))
    if starts is None or starts < business_day():
        raise GreeningError(_("The bands start today or later: the past is not rewritten."))
    if db.session.scalar(select(BandVersion.id).where(BandVersion.effective_from == starts)):
        raise GreeningError(_("A version of the bands starts on that day already."))
    rows = [r for r in rows if r.lower_percent is not None or r.amount_fen is not None]
    _check(rows)
    version = BandVersion(effective_from=starts, created_by_id=actor.id)
    db.session.add(version)
    db.session.flush()
    db.session.add_all(
        Band(version_id=version.id, lower_percent=r.lower_percent, amount_fen=r.amount_fen)
        for r in rows
    )
    audit.record(
        "greening.bands_changed",
        "band_version",
        version.id,
        {"starts_on": starts.isoformat(), "bands": len(rows)},
        actor=actor,
    )
    db.session.commit()
    db.session.refresh(version)
    return version
