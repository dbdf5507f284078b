"""Rewards and penalties of a closed round: bands, the split that adds up to the fen,
the payout sheet's page and .xlsx, who may see it, and none for an open round."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from modules.greening import payouts
from modules.greening.models import Assessment, Round
from modules.greening.zones import GreeningError
from parkops import module_settings
from parkops.extensions import db
from parkops.timeutil import business_day, utcnow


@pytest.mark.parametrize(
    "amount, weights, parts",
    [
        (50000, [60, 40], [30000, 20000]),
        (1, [60, 40], [1, 0]),
        (10001, [1, 1, 1], [3334, 3334, 3333]),
        (-30001, [60, 40], [-18001, -12000]),
        (777, [100, 0], [777, 0]),
    ],
)
def test_a_split_adds_up_to_the_fen(amount, weights, parts):
    assert payouts.split_fen(amount, weights) == parts
    assert sum(payouts.split_fen(amount, weights)) == amount


@pytest.fixture
def closed_round(grove, make_zone, rules_in_force):
    """A closed round of this month: zones scoring 97, 92, 85 and 60 (of 100)."""
    round_ = Round(
        site_id=grove.psy.id,
        month=business_day().replace(day=1),
        rule_version_id=rules_in_force.id,
        opened_by_id=grove.assessor.id,
    )
    db.session.add(round_)
    db.session.flush()
    for code, score in (("PSY-A", 97), ("PSY-B", 92), ("PSY-C", 85), ("PSY-D", 60)):
        zone = make_zone(code=code)
        db.session.add(
            Assessment(
                round_id=round_.id,
                zone_id=zone.id,
                assessed_on=business_day(),
                responsible_id=grove.gardener.id,
                team="一班",
                assessor_id=grove.assessor.id,
                score=score,
            )
        )
    db.session.commit()
    return round_


def test_bands_give_rewards_and_penalties_split_exactly(grove, closed_round):
    with pytest.raises(GreeningError, match="closed round"):
        payouts.sheet(closed_round)
    closed_round.closed_at = utcnow()
    db.session.commit()
    module_settings.save(
        "greening",
        {
            "appeal_days": "7",
            "pass_mark": "80",
            "reward_top": "500.01",
            "reward_good": "200",
            "penalty": "300.03",
            "responsible_share": "70",
        },
        grove.office,
    )
    rows = {r.code: r for r in payouts.sheet(closed_round)}
    assert rows["PSY-A"].amount_fen == 50001
    assert (rows["PSY-A"].responsible_fen, rows["PSY-A"].team_fen) == (35001, 15000)
    assert rows["PSY-B"].amount_fen == 20000
    assert rows["PSY-C"].amount_fen == 0
    assert rows["PSY-D"].amount_fen == -30003
    assert (rows["PSY-D"].responsible_fen, rows["PSY-D"].team_fen) == (-21002, -9001)
    for row in rows.values():
        assert row.responsible_fen + row.team_fen == row.amount_fen


def test_the_payout_sheet_exports_with_totals_that_add_up(client, as_user, grove, closed_round):
    closed_round.closed_at = utcnow()
    db.session.commit()
    as_user(grove.office)
    page = client.get(f"/greening/rounds/{closed_round.id}/payouts").get_data(as_text=True)
    assert "PSY-D" in page and "-¥300.00" in page and "<th>¥400.00</th>" in page
    answer = client.get(f"/greening/rounds/{closed_round.id}/payouts.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data)).active
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [v[0] for v in values] == ["PSY-A", "PSY-B", "PSY-C", "PSY-D", "Total"]
    total = values[-1]
    assert float(total[5]) == pytest.approx(500 + 200 + 0 - 300)
    assert float(total[6]) + float(total[7]) == pytest.approx(float(total[5]))


def test_who_sees_payouts(client, as_user, grove, closed_round):
    closed_round.closed_at = utcnow()
    db.session.commit()
    for user, status in ((grove.gardener, 403), (grove.assessor, 403)):
        as_user(user)
        assert client.get(f"/greening/rounds/{closed_round.id}/payouts.xlsx").status_code == status
    other = db.session.scalar(select(Round))
    other.site_id = grove.zylz.id
    db.session.commit()
    as_user(grove.office)  # sees both sites
    assert client.get(f"/greening/rounds/{other.id}/payouts").status_code == 200
