"""Appeals against deductions, closing a round and corrections after it: who may, when,
and what the score becomes."""

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from modules.greening import appeals, rounds
from modules.greening.models import (
    Appeal,
    AppealDecision,
    Assessment,
    Deduction,
    Round,
    ScoreCorrection,
)
from modules.greening.zones import GreeningError
from parkops.audit import AuditEntry
from parkops.deciding import AlreadyDecided
from parkops.extensions import db
from parkops.idempotency import FIELD
from parkops.timeutil import business_day


def jpeg() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 90, 60)).save(out, "JPEG")
    out.seek(0)
    return out


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def scored(grove, make_zone, rules_in_force, make_user):
    """Sun Li's zone in this month's round with a watering deduction of 10 points (2 ×
    5): score 90. A second lead (office2) besides the office."""
    zone = make_zone()
    round_ = rounds.open_round(grove.psy.id, business_day(), grove.assessor)
    watering = next(i for i in rules_in_force.items if i.name == "浇水")
    deduction = rounds.add_deduction(
        round_, zone, watering.id, 2, "草坪发黄", None, grove.assessor, None, "/"
    )
    office2 = make_user("office2", ["office", "assessor"], locale="en", all_sites=True)
    return round_, zone, deduction, office2


def score() -> int:
    db.session.expire_all()
    return db.session.scalar(select(Assessment.score))


def appeal_url(deduction) -> str:
    return f"/greening/deductions/{deduction.id}/appeal"


def test_the_responsible_person_appeals_and_the_lead_upholds_it(client, as_user, grove, scored):
    round_, zone, deduction, _office2 = scored
    assert score() == 90
    as_user(grove.gardener)
    page = client.get(f"/greening/rounds/{round_.id}/zones/{zone.id}").get_data(as_text=True)
    assert "Appeal this deduction" in page
    form = {"reason": "前天刚浇过水", "photo": (jpeg(), "watered.jpg"), FIELD: "k1"}
    assert (
        client.post(
            appeal_url(deduction), data=form, content_type="multipart/form-data"
        ).status_code
        == 303
    )
    again = {"reason": "前天刚浇过水", FIELD: "k1"}  # a retry lands where the first did
    client.post(appeal_url(deduction), data=again, content_type="multipart/form-data")
    assert count(Appeal) == 1 and db.session.scalar(select(Appeal.photo_id)) is not None
    as_user(grove.office)
    assert "前天刚浇过水" in client.get("/greening/appeals").get_data(as_text=True)
    appeal = db.session.scalar(select(Appeal))
    client.post(
        f"/greening/appeals/{appeal.id}/decide", data={"decision": "upheld", "note": "属实"}
    )
    assert score() == 100
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "greening.appeal_decided")
    )
    assert entry.details == {"decision": "upheld", "score": 100, "was": 90}
    assert "No appeal awaits a decision." in client.get("/greening/appeals").get_data(as_text=True)
    page = client.get(f"/greening/rounds/{round_.id}/zones/{zone.id}").get_data(as_text=True)
    assert "Upheld: points restored" in page and ">100</strong>" in page


def test_a_dismissed_appeal_leaves_the_score(grove, scored):
    _round, _zone, deduction, office2 = scored
    appeal = appeals.file_appeal(deduction, "不服", None, grove.gardener, None, "/")
    appeals.decide(appeal, AppealDecision.DISMISSED, "", grove.office)
    assert score() == 90
    decided = f"decided already, by {grove.office.display_name}"
    with pytest.raises(AlreadyDecided, match=decided):
        appeals.decide(appeal, AppealDecision.UPHELD, "", office2)


def test_appeals_by_the_wrong_person_late_or_twice_are_refused(client, as_user, grove, scored, app):
    _round, _zone, deduction, _office2 = scored
    for other in (grove.gardener2, grove.assessor, grove.office):
        with pytest.raises(GreeningError, match="responsible person"):
            appeals.file_appeal(deduction, "不服", None, other, None, "/")
    as_user(grove.zoo_gardener)  # another site's: the deduction is unseen
    assert client.post(appeal_url(deduction), data={"reason": "x"}).status_code == 404
    with pytest.raises(GreeningError, match="Say why"):
        appeals.file_appeal(deduction, "  ", None, grove.gardener, None, "/")
    appeals.file_appeal(deduction, "不服", None, grove.gardener, None, "/")
    with pytest.raises(GreeningError, match="appealed already"):
        appeals.file_appeal(deduction, "再次", None, grove.gardener, None, "/")
    # Eight days later, past the default seven: too late.
    late = db.session.get(Deduction, deduction.id)
    late.recorded_at -= timedelta(days=8)
    db.session.delete(db.session.scalar(select(Appeal)))
    db.session.commit()
    with pytest.raises(GreeningError, match="in time"):
        appeals.file_appeal(late, "不服", None, grove.gardener, None, "/")


def test_neither_the_assessor_who_scored_nor_the_appellant_decides(grove, scored):
    _round, _zone, deduction, office2 = scored
    # office2 both records a deduction and leads: she may not decide its appeal.
    round_ = db.session.scalar(select(Round))
    mine = rounds.add_deduction(round_, _zone, deduction.item_id, 1, "", None, office2, None, "/")
    appeal = appeals.file_appeal(mine, "不服", None, grove.gardener, None, "/")
    assert score() == 85  # 100 − 10 − 5
    with pytest.raises(GreeningError, match="neither recorded nor appealed"):
        appeals.decide(appeal, AppealDecision.UPHELD, "", office2)
    with pytest.raises(GreeningError):
        appeals.decide(appeal, AppealDecision.UPHELD, "", grove.assessor)  # not a lead
    appeals.decide(appeal, AppealDecision.UPHELD, "", grove.office)
    assert score() == 90  # the upheld 5 restored


def test_a_round_closes_after_the_window_and_is_then_read_only(client, as_user, grove, scored):
    round_, zone, deduction, _office2 = scored
    as_user(grove.assessor)
    client.post(f"/greening/rounds/{round_.id}/close")
    assert "may still be appealed" in client.get(f"/greening/rounds/{round_.id}").get_data(
        as_text=True
    )
    appeal = appeals.file_appeal(deduction, "不服", None, grove.gardener, None, "/")
    deduction.recorded_at -= timedelta(days=8)
    db.session.commit()
    with pytest.raises(GreeningError, match="awaits a decision"):
        appeals.close_round(round_, grove.assessor)
    appeals.decide(appeal, AppealDecision.DISMISSED, "", grove.office)
    assert client.post(f"/greening/rounds/{round_.id}/close").status_code == 303
    db.session.expire_all()
    assert db.session.get(Round, round_.id).closed_at is not None
    item_id = deduction.item_id
    url = f"/greening/rounds/{round_.id}/zones/{zone.id}/deductions"
    client.post(url, data={"item_id": item_id, "defects": 1, FIELD: "late"})
    assert "This round is closed" in client.get(
        f"/greening/rounds/{round_.id}/zones/{zone.id}"
    ).get_data(as_text=True)
    assert count(Deduction) == 1 and score() == 90
    with pytest.raises(GreeningError, match="closed"):
        rounds.mark_checked(round_, zone, grove.assessor, None, "/")


def test_a_correction_after_closing_needs_a_second_person(client, as_user, grove, scored):
    round_, zone, deduction, office2 = scored
    deduction.recorded_at -= timedelta(days=8)
    db.session.commit()
    appeals.close_round(round_, grove.office)
    assessment = db.session.scalar(select(Assessment))
    as_user(grove.office)
    url = f"/greening/assessments/{assessment.id}/corrections"
    client.post(url, data={"score": 101, "reason": "复核"})
    client.post(url, data={"score": 95, "reason": ""})
    assert count(ScoreCorrection) == 0
    client.post(url, data={"score": 95, "reason": "复核照片：浇水扣分有误"})
    correction = db.session.scalar(select(ScoreCorrection))
    client.post(f"/greening/corrections/{correction.id}/decide", data={"approve": "1"})
    assert score() == 90  # the proposer's own approval is refused
    as_user(office2)
    client.post(f"/greening/corrections/{correction.id}/decide", data={"approve": "1"})
    assert score() == 95
    with pytest.raises(AlreadyDecided, match=f"decided already, by {office2.display_name}"):
        appeals.decide_correction(correction, False, grove.office)  # its proposer, too late
    as_user(grove.gardener)
    assert client.post(url, data={"score": 100, "reason": "x"}).status_code == 403


def test_an_open_rounds_score_is_not_corrected(grove, scored):
    _round, _zone, _deduction, _office2 = scored
    with pytest.raises(GreeningError, match="round is open"):
        appeals.propose_correction(db.session.scalar(select(Assessment)), 95, "x", grove.office)
