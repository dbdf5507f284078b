"""Scores read across rounds: each zone's latest score as a share of its version's
points (0..100), its band against the pass mark (a setting, in percent), and the
figures for the ledger (latest closed month's mean and its trend, zones below the
pass mark)."""

from datetime import date

from sqlalchemy import and_, func, select

from modules.greening.models import Assessment, Round, RuleItem, Zone
from parkops import module_settings
from parkops.extensions import db

GOOD = 90  # percent: a zone at or above it is kept well


def pass_mark() -> int:
    """The setting ``greening.pass_mark``: the lowest passing score, in percent."""
    return module_settings.get("greening.pass_mark")


def _totals() -> dict[int, int]:
    """{rule version id: its points}."""
    query = select(RuleItem.version_id, func.sum(RuleItem.points)).group_by(RuleItem.version_id)
    return {version_id: total for version_id, total in db.session.execute(query)}


def latest(site_id: int, zone_ids: list[int] | None = None) -> dict[int, float]:
    """{zone id: its latest score in percent} over the site's rounds, open or closed,
    for ``zone_ids`` (None: every zone of the site): one query whatever the number of
    rounds, plus the versions' totals. Each zone's
    latest assessment is found by walking the site's rounds newest first (the
    (site, month) index) and probing (round, zone): a zone scored last month costs
    two probes, not a read of its years of scores."""
    newest = (
        select(Assessment.id)
        .select_from(Round)
        .join(Assessment, and_(Assessment.round_id == Round.id, Assessment.zone_id == Zone.id))
        .where(Round.site_id == site_id)
        .order_by(Round.month.desc())
        .limit(1)
        .correlate(Zone)
        .scalar_subquery()
    )
    latest_ids = select(newest).where(Zone.site_id == site_id)
    if zone_ids is not None:
        latest_ids = latest_ids.where(Zone.id.in_(zone_ids))
    totals = _totals()
    found = db.session.execute(
        select(Assessment.zone_id, Assessment.score, Round.rule_version_id)
        .join(Round, Round.id == Assessment.round_id)
        .where(Assessment.id.in_(latest_ids))
    )
    return {zone_id: 100 * score / totals[version] for zone_id, score, version in found}


def band(percent: float | None, mark: int) -> str:
    """``good`` (≥ 90), ``fair`` (≥ the pass mark), ``poor`` or ``none`` (not scored)."""
    if percent is None:
        return "none"
    return "good" if percent >= GOOD else "fair" if percent >= mark else "poor"


def closed_months(site_ids, count: int = 2) -> list[tuple[date, list[float]]]:
    """The latest ``count`` months with a closed round at ``site_ids`` (None: every
    site), latest first, each with its zones' scores in percent."""
    query = select(Round.month).where(Round.closed_at.is_not(None))
    if site_ids is not None:
        query = query.where(Round.site_id.in_(site_ids))
    months = db.session.scalars(
        query.group_by(Round.month).order_by(Round.month.desc()).limit(count)
    ).all()
    if not months:
        return []
    rows = select(Round.month, Assessment.score, Round.rule_version_id).join(
        Round, Round.id == Assessment.round_id
    )
    rows = rows.where(Round.closed_at.is_not(None), Round.month.in_(months))
    if site_ids is not None:
        rows = rows.where(Round.site_id.in_(site_ids))
    totals = _totals()
    found: dict[date, list[float]] = {m: [] for m in months}
    for month, score, version in db.session.execute(rows):
        found[month].append(100 * score / totals[version])
    return [(m, found[m]) for m in months]
