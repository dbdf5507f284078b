"""Withdrawing a deduction recorded by mistake: by its recorder or the lead, with a
reason, while the round is open; the score recomputed; audited; never after closing."""

import pytest
from sqlalchemy import select

from modules.greening import appeals, rounds, withdrawals
from modules.greening.models import Assessment, Deduction
from modules.greening.zones import GreeningError
from parkops.audit import AuditEntry
from parkops.deciding import AlreadyDecided
from parkops.extensions import db
from parkops.timeutil import business_day, utcnow


@pytest.fixture
def recorded(grove, make_zone, rules_in_force):
    """Sun Li's zone, this month's round, 10 points off for watering (score 90)."""
    zone = make_zone()
    round_ = rounds.open_round(grove.psy.id, business_day(), grove.assessor)
    watering = next(i for i in rules_in_force.items if i.name == "浇水")
    deduction = rounds.add_deduction(
        round_, zone, watering.id, 2, "记错区了", None, grove.assessor, None, "/"
    )
    return round_, zone, deduction


def score() -> int:
    db.session.expire_all()
    return db.session.scalar(select(Assessment.score))


def url(deduction) -> str:
    return f"/greening/deductions/{deduction.id}/withdraw"


def test_the_assessor_withdraws_her_deduction_and_the_score_is_recomputed(
    client, as_user, grove, recorded
):
    round_, zone, deduction = recorded
    page_url = f"/greening/rounds/{round_.id}/zones/{zone.id}"
    assert score() == 90
    as_user(grove.assessor)
    assert "Withdraw: recorded by mistake" in client.get(page_url).get_data(as_text=True)
    assert client.post(url(deduction), data={"reason": ""}).status_code == 303
    assert score() == 90  # no reason, nothing withdrawn
    assert client.post(url(deduction), data={"reason": "记在了隔壁区"}).status_code == 303
    assert score() == 100
    gone = db.session.get(Deduction, deduction.id)
    assert gone.withdrawn_by_id == grove.assessor.id and gone.withdraw_reason == "记在了隔壁区"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "greening.deduction_withdrawn")
    )
    assert entry.details == {"points": 10, "score": 100, "was": 90}
    page = client.get(page_url).get_data(as_text=True)
    assert "Withdrawn: 记在了隔壁区" in page and "Withdraw: recorded by mistake" not in page
    # A withdrawn deduction is not appealed, and its window does not hold the round open.
    assessment = db.session.scalar(select(Assessment))
    assert not appeals.may_appeal(grove.gardener, gone, assessment, round_, 7)
    appeals.close_round(round_, grove.assessor)
    assert round_.closed_at is not None


def test_who_may_withdraw(client, as_user, grove, recorded, make_user):
    _round, _zone, deduction = recorded
    other_assessor = make_user("assessor2", ["assessor"], locale="en", sites=[grove.psy])
    with pytest.raises(GreeningError, match="Only who recorded"):
        withdrawals.withdraw(deduction, "不对", other_assessor)
    with pytest.raises(GreeningError, match="Only who recorded"):
        withdrawals.withdraw(deduction, "不对", grove.gardener)
    as_user(grove.gardener)
    assert client.post(url(deduction), data={"reason": "x"}).status_code == 403
    as_user(grove.zoo_assessor)
    assert client.post(url(deduction), data={"reason": "x"}).status_code == 404
    assert score() == 90
    withdrawals.withdraw(deduction, "负责人复核：不成立", grove.office)  # the lead may
    assert score() == 100
    with pytest.raises(AlreadyDecided, match="withdrawn already, by "):
        withdrawals.withdraw(deduction, "again", grove.office)


def test_an_appealed_deduction_is_left_to_the_lead(grove, recorded):
    _round, _zone, deduction = recorded
    appeals.file_appeal(deduction, "浇过水", None, grove.gardener, None, "/")
    with pytest.raises(GreeningError, match="appealed"):
        withdrawals.withdraw(deduction, "记错", grove.assessor)
    assert score() == 90


def test_never_after_closing(client, as_user, grove, recorded):
    round_, _zone, deduction = recorded
    round_.closed_at = utcnow()
    db.session.commit()
    with pytest.raises(AlreadyDecided, match="a correction is the way now"):
        withdrawals.withdraw(deduction, "记错", grove.assessor)
    as_user(grove.assessor)
    client.post(url(deduction), data={"reason": "记错"})
    assert score() == 90
    assert db.session.get(Deduction, deduction.id).withdrawn_at is None


def test_the_zone_page_query_count_does_not_grow_with_withdrawals(
    client, as_user, grove, recorded, rules_in_force, count_queries
):
    round_, zone, deduction = recorded
    page_url = f"/greening/rounds/{round_.id}/zones/{zone.id}"
    as_user(grove.assessor)
    db.session.expire_all()
    with count_queries() as few:
        assert client.get(page_url).status_code == 200
    watering = next(i for i in rules_in_force.items if i.name == "浇水")
    for n in range(6):
        more = rounds.add_deduction(
            round_, zone, watering.id, 1, "", None, grove.assessor, None, "/"
        )
        if n % 2:
            withdrawals.withdraw(more, "记错", grove.assessor)
    db.session.expire_all()
    with count_queries() as many:
        page = client.get(page_url).get_data(as_text=True)
    assert page.count("Withdrawn: 记错") == 3
    assert many.count == few.count
