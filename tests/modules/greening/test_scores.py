"""Scores across rounds: the plan coloured by each zone's latest score against the pass
mark, and the ledger's figures (mean and trend, zones below the pass mark)."""

from datetime import timedelta

import pytest

from modules.greening import indicators, rounds, scores
from modules.greening.models import Assessment, Round
from parkops import module_settings
from parkops.extensions import db
from parkops.timeutil import business_day, utcnow
from tests.modules.greening.test_plans import planned  # noqa: F401  (the fixture)


def month_back(months: int):
    month = business_day().replace(day=1)
    for _n in range(months):
        month = (month - timedelta(days=1)).replace(day=1)
    return month


def scored_round(grove, version, site, months_back: int, by_zone: dict, closed=True) -> Round:
    """A round ``months_back`` months ago with ``{zone: score}`` (rules of 100 points)."""
    round_ = Round(
        site_id=site.id,
        month=month_back(months_back),
        rule_version_id=version.id,
        opened_by_id=grove.assessor.id,
        closed_at=utcnow() if closed else None,
    )
    db.session.add(round_)
    db.session.flush()
    for zone, score in by_zone.items():
        db.session.add(
            Assessment(
                round_id=round_.id,
                zone_id=zone.id,
                assessed_on=round_.month,
                assessor_id=grove.assessor.id,
                score=score,
            )
        )
    db.session.commit()
    return round_


@pytest.mark.usefixtures("planned")
def test_the_plan_colours_each_zone_by_its_latest_score(
    client, as_user, grove, make_zone, rules_in_force
):
    good, fair, poor, new = (make_zone(code=c) for c in ("PSY-A", "PSY-B", "PSY-C", "PSY-D"))
    for zone in (good, fair, poor, new):
        zone.outline = [[0.1, 0.1], [0.2, 0.1], [0.2, 0.2]]
    scored_round(grove, rules_in_force, grove.psy, 2, {good: 50, fair: 85, poor: 95})
    scored_round(grove, rules_in_force, grove.psy, 1, {good: 96, poor: 62}, closed=False)
    as_user(grove.gardener)
    page = client.get(f"/greening/plan?site={grove.psy.id}").get_data(as_text=True)

    def band_of(zone):
        at = page.index(f"<title>{zone.code} ")
        return page[page.rindex("grn-band-", 0, at) :].split('"')[0].split()[0]

    assert band_of(good) == "grn-band-good"  # 96 this month outweighs 50 before
    assert band_of(fair) == "grn-band-fair"
    assert band_of(poor) == "grn-band-poor"
    assert band_of(new) == "grn-band-none"
    module_settings.save("greening", {"pass_mark": "60", "appeal_days": "7"}, grove.office)
    page = client.get(f"/greening/plan?site={grove.psy.id}").get_data(as_text=True)
    assert band_of(poor) == "grn-band-fair"


def test_mean_score_and_its_trend_over_the_latest_closed_months(grove, make_zone, rules_in_force):
    a, b = make_zone(), make_zone()
    zoo = make_zone(site=grove.zylz)
    assert indicators.mean_score(None) == ("no closed assessment round yet", None)
    scored_round(grove, rules_in_force, grove.psy, 2, {a: 80, b: 90})
    scored_round(grove, rules_in_force, grove.psy, 1, {a: 70, b: 80})
    scored_round(grove, rules_in_force, grove.zylz, 1, {zoo: 100})
    scored_round(grove, rules_in_force, grove.psy, 0, {a: 10}, closed=False)  # open: not yet
    month = f"{month_back(1):%Y-%m}"
    psy = frozenset({grove.psy.id})
    assert indicators.mean_score(psy) == (f"75.0 in {month} (-10.0 on the month before)", False)
    assert indicators.below_pass_mark(psy) == (f"1 of 2 zones in {month}", False)
    zylz = frozenset({grove.zylz.id})
    assert indicators.mean_score(zylz) == (f"100.0 in {month}", True)
    assert indicators.below_pass_mark(zylz) == (f"0 of 1 zones in {month}", True)


def test_scores_are_shares_of_the_rounds_own_rules(grove, make_zone, rules_in_force):
    zone = make_zone()
    round_ = rounds.open_round(grove.psy.id, business_day(), grove.assessor)
    rounds.mark_checked(round_, zone, grove.assessor, None, "/")
    assert scores.latest(grove.psy.id) == {zone.id: 100.0}
