"""Assessment rounds: opening one, scoring a zone item by item with photos on the
assessor's page, the score computed (never below 0), who answered for the zone from
the roster, retried posts, other sites and roles, query counts."""

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from modules.greening import rounds, zones
from modules.greening.models import Assessment, Deduction, Round
from modules.greening.zones import GreeningError
from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.idempotency import FIELD
from parkops.timeutil import business_day


def jpeg() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 140, 60)).save(out, "JPEG")
    out.seek(0)
    return out


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def item(version, name):
    return next(i for i in version.items if i.name == name)


@pytest.fixture
def this_round(grove, rules_in_force):
    return rounds.open_round(grove.psy.id, business_day(), grove.assessor)


def deduct(client, round_, zone, the_item, defects=1, key=None, photo=True, note="东侧"):
    form = {"item_id": the_item.id, "defects": defects, "note": note, FIELD: key or ""}
    if photo:
        form["photo"] = (jpeg(), "defect.jpg")
    url = f"/greening/rounds/{round_.id}/zones/{zone.id}/deductions"
    return client.post(url, data=form, content_type="multipart/form-data")


# --- opening ------------------------------------------------------------------------


def test_a_round_uses_the_rules_in_force_and_opens_once_per_site_and_month(
    client, as_user, grove, rules_in_force
):
    as_user(grove.assessor)
    month = business_day().strftime("%Y-%m")
    answer = client.post("/greening/rounds", data={"site_id": grove.psy.id, "month": month})
    assert answer.status_code == 303
    round_ = db.session.scalar(select(Round))
    assert round_.rule_version_id == rules_in_force.id and round_.month.day == 1
    client.post("/greening/rounds", data={"site_id": grove.psy.id, "month": month})
    assert "already open" in client.get("/greening/rounds").get_data(as_text=True)
    next_month = (business_day().replace(day=28) + timedelta(days=5)).strftime("%Y-%m")
    client.post("/greening/rounds", data={"site_id": grove.psy.id, "month": next_month})
    assert "this month or an earlier one" in client.get("/greening/rounds").get_data(as_text=True)
    assert client.post("/greening/rounds", data={"month": month}).status_code == 400
    assert count(Round) == 1
    # Another site's round: not for this assessor (404), nor for a gardener (403).
    assert (
        client.post("/greening/rounds", data={"site_id": grove.zylz.id, "month": month}).status_code
        == 404
    )
    as_user(grove.gardener)
    assert (
        client.post("/greening/rounds", data={"site_id": grove.psy.id, "month": month}).status_code
        == 403
    )


def test_no_round_without_rules(grove):
    with pytest.raises(GreeningError, match="No scoring rules"):
        rounds.open_round(grove.psy.id, business_day(), grove.office)


# --- scoring ------------------------------------------------------------------------


def test_the_score_is_the_points_minus_deductions_each_item_down_to_zero(
    client, as_user, grove, make_zone, this_round, rules_in_force
):
    zone = make_zone()
    as_user(grove.assessor)
    weeds, pruning = item(rules_in_force, "杂草"), item(rules_in_force, "修剪")
    assert deduct(client, this_round, zone, weeds, defects=3, key="a").status_code == 303
    assert db.session.scalar(select(Assessment.score)) == 100 - 6
    deduct(client, this_round, zone, pruning, defects=3, key="b")  # 15 of 20
    deduct(client, this_round, zone, pruning, defects=2, key="c")  # 10 more: the item stops at 0
    db.session.expire_all()
    assert db.session.scalar(select(Assessment.score)) == 100 - 6 - 20
    page = client.get(f"/greening/rounds/{this_round.id}/zones/{zone.id}").get_data(as_text=True)
    assert ">74</strong> / 100" in page and "−6 (3 × 2) · 东侧" in page
    round_page = client.get(f"/greening/rounds/{this_round.id}").get_data(as_text=True)
    assert "74" in round_page and "Sun Li" in round_page


def test_never_below_zero(grove, make_zone, this_round, rules_in_force):
    zone = make_zone()
    for the_item in rules_in_force.items:
        defects = the_item.points // the_item.deduction + 5
        photo = None if not the_item.photo_required else _upload()
        rounds.add_deduction(
            this_round, zone, the_item.id, defects, "", photo, grove.assessor, None, "/"
        )
    assert db.session.scalar(select(Assessment.score)) == 0


def _upload():
    from werkzeug.datastructures import FileStorage

    return FileStorage(jpeg(), "defect.jpg", content_type="image/jpeg")


def test_a_photo_where_the_item_asks_a_count_in_range_and_this_rounds_items(
    client, as_user, grove, make_zone, this_round, rules_in_force
):
    zone = make_zone()
    as_user(grove.assessor)
    page_url = f"/greening/rounds/{this_round.id}/zones/{zone.id}"
    deduct(client, this_round, zone, item(rules_in_force, "杂草"), key="a", photo=False)
    assert "needs a photo of the defect" in client.get(page_url).get_data(as_text=True)
    deduct(client, this_round, zone, item(rules_in_force, "杂草"), defects=0, key="b")
    assert "from 1 to 99" in client.get(page_url).get_data(as_text=True)
    assert count(Deduction) == 0 and count(Assessment) == 0
    # Watering needs no photo.
    deduct(client, this_round, zone, item(rules_in_force, "浇水"), key="c", photo=False)
    assert count(Deduction) == 1
    with pytest.raises(GreeningError, match="this round's rules"):
        rounds.add_deduction(this_round, zone, 99999, 1, "", None, grove.assessor, None, "/")


def test_who_answered_for_the_zone_comes_from_the_roster_on_the_day(
    grove, make_zone, this_round, rules_in_force
):
    zone = make_zone(team="二班")  # Sun Li from today
    zones.assign(zone, grove.gardener2, "三班", business_day() + timedelta(days=1), grove.office)
    assessment = rounds.mark_checked(this_round, zone, grove.assessor, None, "/")
    assert (assessment.responsible_id, assessment.team) == (grove.gardener.id, "二班")
    assert assessment.score == 100


def test_a_retried_post_records_one_deduction(
    client, as_user, grove, make_zone, this_round, rules_in_force
):
    zone = make_zone()
    as_user(grove.assessor)
    weeds = item(rules_in_force, "杂草")
    first = deduct(client, this_round, zone, weeds, key="same")
    again = deduct(client, this_round, zone, weeds, key="same")
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert count(Deduction) == 1
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("greening.deduction_recorded") == 1


def test_zone_checked_scores_it_and_leads_to_the_next_unscored_zone(
    client, as_user, grove, make_zone, this_round
):
    first, second = make_zone(code="PSY-A1"), make_zone(code="PSY-A2")
    as_user(grove.assessor)
    url = f"/greening/rounds/{this_round.id}/zones/{first.id}/checked"
    answer = client.post(url, data={FIELD: "k"})
    assert answer.headers["Location"].endswith(f"/zones/{second.id}")
    assert db.session.scalar(select(Assessment.score)) == 100
    last = client.post(f"/greening/rounds/{this_round.id}/zones/{second.id}/checked", data={})
    assert last.headers["Location"].endswith(f"/greening/rounds/{this_round.id}")


# --- who -----------------------------------------------------------------------------


def test_readers_see_scores_without_forms_and_other_sites_get_404(
    client, as_user, grove, make_zone, this_round, rules_in_force
):
    zone = make_zone()
    as_user(grove.assessor)
    deduct(client, this_round, zone, item(rules_in_force, "杂草"), key="a")
    photo_id = db.session.scalar(select(Deduction.photo_id))
    page_url = f"/greening/rounds/{this_round.id}/zones/{zone.id}"
    assert "Deduct for 杂草" in client.get(page_url).get_data(as_text=True)
    as_user(grove.gardener)
    page = client.get(page_url).get_data(as_text=True)
    assert "98</strong>" in page and "Deduct for" not in page
    assert client.get(f"/greening/deductions/photos/{photo_id}").status_code == 200
    assert (
        deduct(client, this_round, zone, item(rules_in_force, "杂草"), key="g").status_code == 403
    )
    as_user(grove.zoo_assessor)
    assert client.get(page_url).status_code == 404
    assert client.get(f"/greening/rounds/{this_round.id}").status_code == 404
    assert (
        deduct(client, this_round, zone, item(rules_in_force, "杂草"), key="z").status_code == 404
    )
    assert client.get(f"/greening/deductions/photos/{photo_id}").status_code == 404
    assert count(Deduction) == 1


def test_a_zone_of_another_site_is_not_scored_in_this_round(
    client, as_user, grove, make_zone, this_round, rules_in_force
):
    other = make_zone(site=grove.zylz)
    as_user(grove.office)  # sees both sites
    assert client.get(f"/greening/rounds/{this_round.id}/zones/{other.id}").status_code == 404


# --- query counts --------------------------------------------------------------------


def test_round_and_zone_pages_query_count_does_not_grow(
    client, as_user, grove, make_zone, this_round, rules_in_force, count_queries
):
    zone = make_zone()
    watering = item(rules_in_force, "浇水").id
    rounds.add_deduction(this_round, zone, watering, 1, "", None, grove.assessor, None, "/")
    as_user(grove.gardener)  # the responsible person: may appeal each deduction
    pages = (
        f"/greening/rounds/{this_round.id}",
        f"/greening/rounds/{this_round.id}/zones/{zone.id}",
    )
    few = []
    for url in pages:
        db.session.expire_all()
        with count_queries() as q:
            assert client.get(url).status_code == 200
        few.append(q.count)
    for n in range(8):
        other = make_zone(responsible=grove.gardener2 if n % 2 else grove.gardener)
        rounds.mark_checked(this_round, other, grove.assessor, None, "/")
        rounds.add_deduction(
            this_round,
            zone,
            item(rules_in_force, "浇水").id,
            1,
            "",
            None,
            grove.assessor,
            None,
            "/",
        )
    many = []
    for url in pages:
        db.session.expire_all()
        with count_queries() as q:
            assert client.get(url).status_code == 200
        many.append(q.count)
    assert many == few
