"""Patrol findings in a zone deduct in the zone's open round (the core's signal, with
the patrols module loaded): which item, how much, the note, who; none without an open
round; a closed round never changes; the deduction is appealable like any other."""

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from modules.greening import appeals, rounds
from modules.greening.models import Assessment, Deduction, Round
from modules.patrols import findings as patrol_findings
from modules.patrols.models import FindingReaction
from parkops import module_settings, subjects
from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.timeutil import business_day, utcnow


@pytest.fixture
def inspector(grove, make_user):
    return make_user("inspector", ["inspector"], locale="en", sites=[grove.psy])


def record(zone, inspector, summary="南门绿地有垃圾堆放"):
    """A free observation about the zone, through the patrols module's service."""
    with current_app.test_request_context():
        subject = subjects.resolve("greening.zone", zone.id)
    data = patrol_findings.FindingData(summary, subject=subject)
    return patrol_findings.record_finding(zone.site_id, data, inspector, None, lambda f: "/")


def deductions() -> list[Deduction]:
    db.session.expire_all()
    return list(db.session.scalars(select(Deduction).order_by(Deduction.id)))


def test_a_finding_deducts_once_against_the_first_item_in_the_open_round(
    client, as_user, grove, make_zone, rules_in_force, inspector
):
    zone = make_zone()
    round_ = rounds.open_round(grove.psy.id, business_day(), grove.assessor)
    finding = record(zone, inspector)
    [deduction] = deductions()
    weeds = rules_in_force.items[0]
    assert (deduction.item_id, deduction.defects, deduction.points) == (weeds.id, 1, 2)
    assert deduction.note == "Patrol finding: 南门绿地有垃圾堆放"
    assert deduction.recorded_by_id == inspector.id
    assessment = db.session.scalar(select(Assessment))
    assert assessment.score == 98 and assessment.responsible_id == grove.gardener.id
    [reaction] = db.session.scalars(
        select(FindingReaction).where(FindingReaction.finding_id == finding.id)
    ).all()
    assert reaction.text == f"2 points deducted from {zone.code} (杂草) in round {round_.label}."
    assert reaction.url == f"/greening/rounds/{round_.id}/zones/{zone.id}"
    assert db.session.scalar(
        select(AuditEntry.action).where(AuditEntry.action == "greening.finding_deducted")
    )
    # Appealable like any deduction: the responsible person sees the form.
    assert appeals.may_appeal(grove.gardener, deduction, assessment, round_, 7)
    as_user(grove.gardener)
    page = client.get(reaction.url).get_data(as_text=True)
    assert "Patrol finding: 南门绿地有垃圾堆放" in page and "Appeal this deduction" in page


def test_the_setting_names_the_item_findings_deduct_against(
    grove, make_zone, rules_in_force, inspector
):
    module_settings.save("greening", {"finding_item": "垃圾死角"}, grove.office)
    zone = make_zone()
    rounds.open_round(grove.psy.id, business_day(), grove.assessor)
    record(zone, inspector)
    [deduction] = deductions()
    assert deduction.points == 4 and deduction.item_id == rules_in_force.items[2].id


def test_a_setting_naming_no_item_deducts_nothing_and_says_so(
    grove, make_zone, rules_in_force, inspector
):
    module_settings.save("greening", {"finding_item": "no such item"}, grove.office)
    zone = make_zone()
    rounds.open_round(grove.psy.id, business_day(), grove.assessor)
    finding = record(zone, inspector)
    assert deductions() == []
    text = db.session.scalar(
        select(FindingReaction.text).where(FindingReaction.finding_id == finding.id)
    )
    assert text == "The scoring rules have no item for patrol findings: nothing deducted."


def test_without_an_open_round_nothing_is_deducted_and_a_closed_round_is_unchanged(
    grove, make_zone, rules_in_force, inspector
):
    zone = make_zone()
    last_month = (business_day().replace(day=1) - timedelta(days=1)).replace(day=1)
    closed = rounds.open_round(grove.psy.id, last_month, grove.assessor)
    rounds.mark_checked(closed, zone, grove.assessor, None, "/")
    closed.closed_at = utcnow()
    db.session.commit()
    finding = record(zone, inspector)
    assert deductions() == []
    assert db.session.scalar(select(Assessment.score)) == 100
    text = db.session.scalar(
        select(FindingReaction.text).where(FindingReaction.finding_id == finding.id)
    )
    assert text == "No assessment round is open at this site: nothing deducted."
    # This month's round opens: the next finding deducts there, the closed one stays.
    this_month = rounds.open_round(grove.psy.id, business_day(), grove.assessor)
    record(zone, inspector)
    [deduction] = deductions()
    assessment = db.session.get(Assessment, deduction.assessment_id)
    assert assessment.round_id == this_month.id and assessment.score == 98
    scores = dict(db.session.execute(select(Assessment.round_id, Assessment.score)).all())
    assert scores == {closed.id: 100, this_month.id: 98}


def test_a_finding_about_something_else_leaves_greening_alone(
    grove, make_zone, rules_in_force, inspector
):
    make_zone()
    rounds.open_round(grove.psy.id, business_day(), grove.assessor)
    data = patrol_findings.FindingData("路灯不亮")
    patrol_findings.record_finding(grove.psy.id, data, inspector, None, lambda f: "/")
    assert deductions() == []
    assert db.session.scalar(select(func.count()).select_from(Round)) == 1
