"""Rewards and penalties of a closed round: the band table the office edits (versioned,
validated), the split among the responsible person and the team's members that adds
up to the fen, the payout sheet's page and .xlsx, who may see it."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from modules.greening import bands, payouts
from modules.greening.band_models import Band, BandVersion
from modules.greening.bands import BandData
from modules.greening.models import Assessment, Round
from modules.greening.views.payouts import _members
from modules.greening.zones import GreeningError
from parkops import module_settings
from parkops.extensions import db
from parkops.timeutil import business_day, local_midnight_utc, utcnow

# (lower bound in percent, fen per zone): the former fixed rule's defaults, a fen off.
TABLE = [(95, 50001), (90, 20000), (80, 0), (0, -30003)]


@pytest.mark.parametrize(
    "amount, weights, parts",
    [
        (50000, [60, 40], [30000, 20000]),
        (1, [60, 40], [1, 0]),
        (100, [1, 1, 1], [34, 33, 33]),
        (-100, [1, 1, 1], [-34, -33, -33]),
        (10001, [1, 1, 1], [3334, 3334, 3333]),
        (-30001, [60, 40], [-18001, -12000]),
        (777, [100, 0], [777, 0]),
    ],
)
def test_a_split_adds_up_to_the_fen(amount, weights, parts):
    assert payouts.split_fen(amount, weights) == parts
    assert sum(payouts.split_fen(amount, weights)) == amount


@pytest.fixture
def band_table(grove):
    """The bands in force since today."""
    return bands.add_version(business_day(), [BandData(p, f) for p, f in TABLE], grove.office)


@pytest.fixture
def closed_round(grove, make_zone, rules_in_force):
    """A round of this month (still open): zones scoring 97, 92, 85 and 60 (of 100),
    all Sun Li's, team 一班."""
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


def close(round_, when=None):
    round_.closed_at = when or utcnow()
    db.session.commit()


def test_bands_give_rewards_and_penalties_split_exactly(grove, closed_round, band_table):
    with pytest.raises(GreeningError, match="closed round"):
        payouts.sheet(closed_round)
    close(closed_round)
    module_settings.save("greening", {"responsible_share": "70"}, grove.office)
    rows = {r.code: r for r in payouts.sheet(closed_round).lines()}
    assert rows["PSY-A"].amount_fen == 50001
    # Sun Li is the team's only member: she takes the team's part too.
    assert (rows["PSY-A"].responsible_fen, rows["PSY-A"].team_fen) == (35001, 15000)
    assert rows["PSY-A"].members == [("Sun Li", 15000)]
    assert rows["PSY-B"].amount_fen == 20000
    assert rows["PSY-C"].amount_fen == 0
    assert rows["PSY-D"].amount_fen == -30003
    assert (rows["PSY-D"].responsible_fen, rows["PSY-D"].team_fen) == (-21002, -9001)


def test_no_payouts_without_bands_in_force_when_the_round_closed(grove, closed_round):
    close(closed_round)
    with pytest.raises(GreeningError, match="No payout bands"):
        payouts.sheet(closed_round)


def test_band_edges_are_exact(grove, band_table):
    version = band_table
    for score, total, fen in (
        (95, 100, 50001),
        (94, 100, 20000),
        (90, 100, 20000),
        (114, 120, 50001),  # exactly 95 %
        (113, 120, 20000),
        (96, 120, 0),  # exactly 80 %
        (95, 120, -30003),
        (0, 100, -30003),
    ):
        assert bands.amount_for(version, score, total) == fen, (score, total)


def test_a_zone_below_every_bound_gets_nothing(grove):
    version = bands.add_version(business_day(), [BandData(90, 10000)], grove.office)
    assert bands.amount_for(version, 89, 100) == 0


def test_the_team_part_is_divided_among_its_members_to_the_fen(grove, closed_round, make_user):
    """Three members in 一班 (each answering for a zone of it); 100 fen for the team."""
    third = make_user("gardener3", ["gardener"], locale="en", sites=[grove.psy])
    third.display_name = "Wang Fang"
    found = list(db.session.scalars(select(Assessment).order_by(Assessment.id)))
    found[1].responsible_id = grove.gardener2.id
    found[2].responsible_id = third.id
    db.session.commit()
    bands.add_version(business_day(), [BandData(0, 100)], grove.office)
    close(closed_round)
    module_settings.save("greening", {"responsible_share": "0"}, grove.office)
    sheet = payouts.sheet(closed_round)
    ids = sorted([grove.gardener.id, grove.gardener2.id, third.id])
    names = {grove.gardener.id: "Sun Li", grove.gardener2.id: "Li Ming", third.id: "Wang Fang"}
    # The first by account number gets the fen left over.
    assert sheet.lines()[0].members == [
        (names[ids[0]], 34),
        (names[ids[1]], 33),
        (names[ids[2]], 33),
    ]
    assert sum(p.amount_fen for p in sheet.people) == sheet.total_fen == 400
    by_name = {p.name: p.amount_fen for p in sheet.people}
    assert by_name[names[ids[0]]] == 136 and by_name[names[ids[2]]] == 132
    # The sheet's "team members' parts" column names each part in yuan, as ¥0.34.
    assert _members(sheet.lines()[0]).startswith(f"{names[ids[0]]} ¥0.34、")


def test_a_closed_round_keeps_the_bands_of_the_day_it_closed(grove, closed_round):
    old = BandVersion(effective_from=business_day() - timedelta(days=30))
    old.bands = [Band(lower_percent=90, amount_fen=10000), Band(lower_percent=0, amount_fen=-100)]
    db.session.add(old)
    close(closed_round, local_midnight_utc(business_day() - timedelta(days=2)))
    before = [r.amount_fen for r in payouts.sheet(closed_round).lines()]
    bands.add_version(business_day(), [BandData(0, 99999)], grove.office)
    db.session.expire_all()
    assert (
        [r.amount_fen for r in payouts.sheet(closed_round).lines()]
        == before
        == [
            10000,
            10000,
            -100,
            -100,
        ]
    )


@pytest.mark.parametrize(
    "rows, starts_in, message",
    [
        ([(101, 100)], 0, "0 to 100"),
        ([(-1, 100)], 0, "0 to 100"),
        ([(90, 100), (90, 200)], 0, "same percent"),
        ([(90, 10_000_001)], 0, "at most"),
        ([(90, -10_000_001)], 0, "at most"),
        ([(90, None)], 0, "at most"),
        ([], 0, "1 to 10"),
        ([(90, 100)], -1, "the past is not rewritten"),
    ],
)
def test_bad_bands_are_refused_and_nothing_stored(grove, rows, starts_in, message):
    starts = business_day() + timedelta(days=starts_in)
    with pytest.raises(GreeningError, match=message):
        bands.add_version(starts, [BandData(p, f) for p, f in rows], grove.office)
    assert db.session.scalar(select(func.count()).select_from(BandVersion)) == 0


def test_the_office_edits_the_bands_on_a_page(client, as_user, grove, band_table):
    as_user(grove.office)
    page = client.get("/greening/bands").get_data(as_text=True)
    assert 'value="500.01"' in page and 'value="-300.03"' in page  # prefilled, in yuan
    tomorrow = (business_day() + timedelta(days=1)).isoformat()
    bad = {"effective_from": tomorrow, "row": ["1", "2"], "lower-1": "90", "amount-1": "100"}
    bad |= {"lower-2": "90", "amount-2": "50"}
    answer = client.post("/greening/bands", data=bad)
    assert answer.status_code == 422 and "same percent" in answer.get_data(as_text=True)
    good = {"effective_from": tomorrow, "row": ["1", "2", "3"], "lower-1": "90"}
    good |= {"amount-1": "1,000.50", "lower-2": "0", "amount-2": "-20", "lower-3": ""}
    assert client.post("/greening/bands", data=good).status_code == 303
    version = bands.version_on(business_day() + timedelta(days=1))
    assert [(b.lower_percent, b.amount_fen) for b in version.bands] == [(90, 100050), (0, -2000)]
    for user in (grove.gardener, grove.assessor, grove.leader):
        as_user(user)
        assert client.get("/greening/bands").status_code == 403
        assert client.post("/greening/bands", data=good).status_code == 403


def test_the_payout_sheet_exports_with_totals_that_add_up(
    client, as_user, grove, closed_round, band_table, count_queries
):
    close(closed_round)
    as_user(grove.office)
    db.session.expire_all()
    with count_queries() as q:
        page = client.get(f"/greening/rounds/{closed_round.id}/payouts").get_data(as_text=True)
    assert "PSY-D" in page and "-¥300.03" in page and '<th class="num">¥399.98</th>' in page
    assert 'data-person="Sun Li"' in page
    few = q.count
    answer = client.get(f"/greening/rounds/{closed_round.id}/payouts.xlsx")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.data))
    values = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [v[0] for v in values] == ["PSY-A", "PSY-B", "PSY-C", "PSY-D", "Total"]
    total = values[-1]
    assert float(total[5]) == pytest.approx(500.01 + 200 + 0 - 300.03)
    assert float(total[6]) + float(total[7]) == pytest.approx(float(total[5]))
    people = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert people[0][0] == "Sun Li" and people[-1][0] == "Total"
    assert float(people[-1][2]) == pytest.approx(float(total[5]))
    # More zones and people: the page's queries stay the same.
    for n in range(6):
        db.session.add(
            Assessment(
                round_id=closed_round.id,
                zone_id=_zone(grove, n).id,
                assessed_on=business_day(),
                responsible_id=(grove.gardener2 if n % 2 else grove.gardener).id,
                team="二班",
                assessor_id=grove.assessor.id,
                score=90 + n,
            )
        )
    db.session.commit()
    db.session.expire_all()
    with count_queries() as q:
        assert client.get(f"/greening/rounds/{closed_round.id}/payouts").status_code == 200
    assert q.count == few, q.statements


def _zone(grove, n):
    from modules.greening import zones
    from modules.greening.models import Grade, ZoneKind

    data = zones.ZoneData(grove.psy.id, f"PSY-X{n}", "林下", 100, ZoneKind.LAWN, Grade.FIRST, "")
    return zones.create_zone(data, grove.gardener, "二班", grove.office)


def test_who_sees_payouts(client, as_user, grove, closed_round, band_table):
    close(closed_round)
    for user, status in ((grove.gardener, 403), (grove.assessor, 403)):
        as_user(user)
        assert client.get(f"/greening/rounds/{closed_round.id}/payouts.xlsx").status_code == status
    other = db.session.scalar(select(Round))
    other.site_id = grove.zylz.id
    db.session.commit()
    as_user(grove.office)  # sees both sites
    assert client.get(f"/greening/rounds/{other.id}/payouts").status_code == 200


def test_the_bands_page_query_count_does_not_grow_with_versions(
    client, as_user, grove, band_table, count_queries
):
    as_user(grove.office)
    db.session.expire_all()
    with count_queries() as few:
        assert client.get("/greening/bands").status_code == 200
    for days in range(1, 6):
        rows = [BandData(90, 100 * days), BandData(0, -days)]
        bands.add_version(business_day() + timedelta(days=days), rows, grove.office)
    db.session.expire_all()
    with count_queries() as many:
        assert client.get("/greening/bands").status_code == 200
    assert many.count == few.count


def test_each_persons_total_is_the_sum_of_their_parts_over_every_line(
    grove, closed_round, band_table, make_user
):
    """Two teams, a zone without a team, a person in both teams: the totals (worked out
    over lines grouped alike) are what the lines add up to, fen for fen."""
    third = make_user("gardener3", ["gardener"], locale="en", sites=[grove.psy])
    third.display_name = "Wang Fang"
    found = list(db.session.scalars(select(Assessment).order_by(Assessment.id)))
    found[1].responsible_id, found[1].team = grove.gardener2.id, "二班"
    found[2].team = ""
    found[3].responsible_id = third.id
    db.session.commit()
    close(closed_round)
    module_settings.save("greening", {"responsible_share": "55"}, grove.office)
    sheet = payouts.sheet(closed_round)
    expected: dict[str, list[int]] = {}
    for line in sheet.lines():
        paid = {line.responsible: line.responsible_fen} if line.responsible else {}
        for name, fen in line.members:
            paid[name] = paid.get(name, 0) + fen
        for name, fen in paid.items():
            zones_and_fen = expected.setdefault(name, [0, 0])
            zones_and_fen[0] += 1
            zones_and_fen[1] += fen
    assert {p.name: [p.zone_count, p.amount_fen] for p in sheet.people} == expected
    assert (
        sheet.total_fen == sum(line.amount_fen for line in sheet.lines()) == 50001 + 20000 - 30003
    )
    parts = sum(line.responsible_fen + line.team_fen for line in sheet.lines())
    assert sheet.totals_fen[1] + sheet.totals_fen[2] == parts == sheet.total_fen


def test_the_sheet_shows_a_page_of_lines_with_the_totals_of_all(
    client, as_user, grove, closed_round, band_table
):
    for n in range(47):  # 51 lines with the round's four: one more than a page
        db.session.add(
            Assessment(
                round_id=closed_round.id,
                zone_id=_zone(grove, n + 10).id,
                assessed_on=business_day(),
                responsible_id=grove.gardener.id,
                team="一班",
                assessor_id=grove.assessor.id,
                score=97,
            )
        )
    close(closed_round)
    as_user(grove.office)
    url = f"/greening/rounds/{closed_round.id}/payouts"
    first = client.get(url).get_data(as_text=True)
    assert first.count('data-label="Zone"') == 50 and "PSY-X56" not in first  # the last by code
    total = f"¥{(50001 * 48 + 20000 - 30003) / 100:,.2f}"
    assert f'<th class="num">{total}</th>' in first  # the sum of all 51 lines, on either page
    second = client.get(url + "?page=2").get_data(as_text=True)
    assert second.count('data-label="Zone"') == 1 and "PSY-X56" in second
    assert f'<th class="num">{total}</th>' in second
