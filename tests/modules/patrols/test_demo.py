"""The demo: the notice's checklists, routes with checkpoints, a week of intake clearances
with one missed, and the 15 unannounced inspections since September; every page renders;
a demo finding at a facility shows the repair order it opened."""

from flask_babel import force_locale
from sqlalchemy import func, select

from modules.facilities.models import RepairOrder
from modules.patrols import indicators, jobs
from modules.patrols.models import (
    Checklist,
    ChecklistPurpose,
    ChecklistVersion,
    Finding,
    FindingState,
    Route,
    Run,
)
from parkops.extensions import db
from tests.demo_copy import load_demo


def test_demo_runs_show_on_the_inspectors_pages(app, client, login):
    assert load_demo()
    names = set(db.session.scalars(select(Checklist.name)))
    assert {"明察暗访：员工作风", "水面巡查：泵站进水口", "门口停车值守：中原绿色庄园"} <= names
    assert len(names) == 5
    rows = db.session.execute(select(Checklist.name, Checklist.purpose)).all()
    purposes = {name: purpose for name, purpose in rows}
    assert purposes["门口停车值守：中原绿色庄园"] == ChecklistPurpose.GATE_DUTY
    assert purposes["水面巡查：泵站进水口"] == ChecklistPurpose.WATER
    assert purposes["明察暗访：员工作风"] == ChecklistPurpose.CONDUCT
    with force_locale("en"):
        gate_duty = indicators.gate_duty_last_30_days(None)[0]
    # a month of daily gate duty, the first day of it before the last 30 days
    assert gate_duty.startswith("29 of ") and "touts seen per run" in gate_duty
    assert db.session.scalar(select(func.count()).select_from(Route)) >= 2

    def runs_of(name):
        query = select(func.count()).select_from(Run).join(ChecklistVersion).join(Checklist)
        return db.session.scalar(query.where(Checklist.name == name, Run.submitted_at.is_not(None)))

    assert runs_of("明察暗访：员工作风") == 15
    assert runs_of("水面巡查：泵站进水口") == 7 * 3 - 1  # one clearance missed
    jobs.notify_missed_runs()  # today's slots past their window are told, once
    assert jobs.notify_missed_runs() == 0
    states = set(db.session.scalars(select(Finding.state)))
    assert states == {FindingState.OPEN, FindingState.FIXED, FindingState.VERIFIED}
    login("inspector", "parkops-demo")
    for url in (
        "/patrols/",
        "/patrols/checklists",
        "/patrols/routes",
        "/patrols/findings",
        "/patrols/schedules",
    ):
        assert client.get(url).status_code == 200, url
    run = db.session.scalars(select(Run)).first()
    assert client.get(f"/patrols/runs/{run.id}").status_code == 200


def test_demo_findings_at_a_facility_and_a_zone_show_the_repair_order_opened(app, client, login):
    assert load_demo()
    at_facility = db.session.scalar(
        select(Finding).where(Finding.subject_kind == "facilities.facility")
    )
    order = db.session.scalar(
        select(RepairOrder).where(RepairOrder.facility_id == at_facility.subject_id)
    )
    assert order.description == at_facility.summary
    (reaction,) = at_facility.reactions
    assert reaction.url == f"/facilities/orders/{order.id}"
    at_zone = db.session.scalar(select(Finding).where(Finding.subject_kind == "greening.zone"))
    assert at_zone.subject_label == "PSY-G09 银杏林"
    (deducted,) = at_zone.reactions  # greening deducts in the zone's open round
    assert deducted.url.startswith("/greening/rounds/")
    login("inspector", "parkops-demo")
    page = client.get(f"/patrols/findings/{at_facility.id}").get_data(as_text=True)
    assert f'<a href="/facilities/orders/{order.id}">' in page
