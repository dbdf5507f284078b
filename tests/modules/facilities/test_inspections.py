"""The daily patrol, the evening and hourly jobs, and problem 14's indicators."""

from datetime import timedelta

import pytest
from flask import url_for
from flask_babel import force_locale
from sqlalchemy import func, select

from modules.facilities import inspections, jobs, reports
from modules.facilities.models import (
    Escalation,
    OrderState,
    Priority,
    SquadLead,
)
from parkops.extensions import db
from parkops.module_settings import SettingError
from parkops.notify import Notification
from parkops.rectification.models import EvidenceLink, Problem
from parkops.registry import registry
from parkops.timeutil import business_day, utcnow


def notes_for(user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def test_due_list_and_coverage_follow_inspections(client, as_user, park, make_facility):
    ride = make_facility("ride", name="摩天轮", area="游乐区")
    sign = make_facility("sign", name="导览牌", area="北门")
    make_facility("bench", name="动物园座椅", site=park.zylz)
    as_user(park.crew)
    client.post("/language/en")
    page = client.get("/facilities/patrol").get_data(as_text=True)
    assert "摩天轮" in page and "导览牌" in page and "动物园座椅" not in page
    assert "0% (0/2)" in page
    client.post(f"/facilities/{ride.id}/inspect")
    page = client.get("/facilities/patrol").get_data(as_text=True)
    assert "50% (1/2)" in page
    assert "导览牌" in page and "摩天轮" not in page.split("<table")[1]
    by_area = client.get("/facilities/patrol", query_string={"site": park.psy.id, "area": "北门"})
    assert "导览牌" in by_area.get_data(as_text=True)
    assert client.get("/facilities/patrol", query_string={"site": park.zylz.id}).status_code == 404
    db.session.refresh(sign)
    assert sign.due_on == business_day()


def test_coverage_counts_only_due_inspections_over_the_week(app, park, make_facility):
    today = business_day()
    ride = make_facility("ride")
    bench = make_facility("bench")
    with app.test_request_context():
        inspections.log_inspection(ride, park.crew, None)
        # inspected again the same day: not due any more, counted once
        inspections.log_inspection(ride, park.crew, None)
    assert inspections.today_coverage([park.psy.id], today).text() == "50% (1/2)"
    assert inspections.week_coverage(None, today).inspected == 1
    db.session.refresh(bench)
    bench.due_on = today + timedelta(days=3)
    db.session.commit()
    assert inspections.today_coverage(None, today).text() == "100% (1/1)"


@pytest.fixture
def lead(park):
    db.session.add(SquadLead(site_id=park.psy.id, user_id=park.crew2.id))
    db.session.commit()
    return park.crew2


def test_the_evening_job_tells_the_lead_and_supervisors_once(app, park, lead, make_facility):
    make_facility(code="PSY-0001")
    make_facility(code="PSY-0002")
    assert jobs.evening_due_notice() == 1
    assert jobs.evening_due_notice() == 0  # run twice: nothing sent twice
    for user in (lead, park.inspector, park.leader):
        notes = notes_for(user)
        assert len(notes) == 1
        assert "2" in notes[0].subject and "PSY-0001, PSY-0002" in notes[0].body
        assert notes[0].link.startswith("/facilities/patrol")
    assert notes_for(park.crew) == [] and notes_for(park.office) == []
    assert notes_for(park.zoo_crew) == []  # nothing due at the zoo


def test_the_evening_job_is_quiet_when_everything_was_inspected(app, park, lead, make_facility):
    facility = make_facility()
    with app.test_request_context():
        inspections.log_inspection(facility, park.crew, None)
    assert jobs.evening_due_notice() == 0
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def _order(app, park, make_facility, priority=Priority.URGENT, **fields):
    facility = make_facility(**fields)
    with app.test_request_context():
        return reports.report_damage(facility, park.crew, "坏了", priority, False, [], None).order


def test_the_hourly_job_escalates_each_overdue_order_once(app, park, lead, make_facility):
    order = _order(app, park, make_facility)
    later = _order(app, park, make_facility, Priority.LOW)
    order.assignees = [park.crew]
    db.session.commit()
    assert jobs.escalate_overdue() == 0  # nothing is overdue yet
    in_five_hours = utcnow() + timedelta(hours=5)
    assert jobs.escalate_overdue(in_five_hours) == 1
    assert jobs.escalate_overdue(in_five_hours) == 0  # same hour: the run is claimed
    assert jobs.escalate_overdue(in_five_hours + timedelta(hours=1)) == 0  # already escalated
    assert [e.order_id for e in db.session.scalars(select(Escalation))] == [order.id]
    for user in (lead, park.inspector, park.crew):
        notes = notes_for(user)
        assert len(notes) == 1 and f"#{order.id}" in notes[0].body
    assert later.id not in [e.order_id for e in db.session.scalars(select(Escalation))]
    # escalation does not touch the order: nobody's open form goes stale
    db.session.refresh(order)
    assert order.version == 1


def test_closed_orders_are_not_escalated(app, park, make_facility):
    order = _order(app, park, make_facility)
    order.state = OrderState.REJECTED
    db.session.commit()
    assert jobs.escalate_overdue(utcnow() + timedelta(days=2)) == 0


def test_indicators_on_problem_14(app, ledger, park, make_facility):
    # the ledger page computes them; the texts checked are the English ones
    with app.test_request_context(), force_locale("en"):
        _check_indicators(app, park, make_facility)


def _check_indicators(app, park, make_facility):
    indicators = {i.name: i for i in registry(app).indicators}
    assert all("14" in indicators[n].problems for n in indicators if n.startswith("facilities."))
    text, ok = indicators["facilities.closed_within_deadline"].compute(None)
    assert ok is None
    now = utcnow()
    on_time = _order(app, park, make_facility)
    late = _order(app, park, make_facility)
    open_late = _order(app, park, make_facility)
    for order, hours in ((on_time, 2), (late, 30)):
        order.state = OrderState.VERIFIED
        order.reported_at = now - timedelta(hours=hours + 1)
        order.deadline_at = order.reported_at + timedelta(hours=4)
        order.repaired_at = now - timedelta(hours=1)
        order.closed_at = now
    open_late.deadline_at = now - timedelta(hours=1)
    db.session.commit()
    assert indicators["facilities.closed_within_deadline"].compute(None) == ("50% (1/2)", False)
    assert indicators["facilities.median_time_to_repair"].compute(None) == ("16.0 h", True)
    assert indicators["facilities.overdue_orders"].compute(None) == ("1", False)
    # three facilities, each inspected when its damage was reported
    assert indicators["facilities.coverage_today"].compute(None) == ("100% (3/3)", None)
    assert indicators["facilities.coverage_week"].compute(None) == ("100% (3/3)", True)


def test_deadlines_follow_the_setting_the_office_changes(client, as_user, park, make_facility):
    as_user(park.office)
    form = client.get("/settings/facilities")
    assert form.status_code == 200
    values = {
        "deadline_urgent_hours": "1",
        "deadline_high_hours": "2",
        "deadline_normal_hours": "3",
        "deadline_low_hours": "4.5",
    }
    assert client.post("/settings/facilities", data=values).status_code == 303
    facility = make_facility()
    order = reports.report_damage(facility, park.crew, "x", Priority.LOW, False, [], None).order
    assert order.deadline_at - order.reported_at == timedelta(hours=4.5)


@pytest.mark.parametrize("hours", ["-1", "0", "x", ""])
def test_a_bad_deadline_is_refused_and_nothing_changes(client, as_user, park, hours):
    as_user(park.office)
    values = {f"deadline_{p.value}_hours": "5" for p in Priority} | {"deadline_low_hours": hours}
    response = client.post("/settings/facilities", data=values)
    assert response.status_code == 422
    assert reports.repair_time(Priority.URGENT) == timedelta(hours=4)
    assert reports.repair_time(Priority.LOW) == timedelta(hours=168)


def test_only_the_office_changes_the_deadlines(client, as_user, park):
    as_user(park.crew)
    assert client.post("/settings/facilities", data={"deadline_low_hours": "1"}).status_code == 403
    assert reports.repair_time(Priority.LOW) == timedelta(hours=168)


@pytest.mark.parametrize(
    ("name", "value"),
    [("FACILITIES_VISITOR_REPORTS_PER_HOUR", "many"), ("FACILITIES_VISITOR_REPORTS_PER_HOUR", "0")],
)
def test_a_wrong_installation_setting_stops_the_start_naming_it(make_app, name, value):
    with pytest.raises(SettingError, match="facilities.visitor_reports_per_hour"):
        make_app(**{name: value})


def test_repair_order_and_inspection_links_open_their_records(
    client, as_user, app, ledger, park, make_facility
):
    order = _order(app, park, make_facility)
    as_user(park.office)
    kinds = registry(app).evidence_kinds
    with app.test_request_context():
        order_url = url_for(kinds["facilities.repair_order"].endpoint, id=order.id)
        inspection_url = url_for(kinds["facilities.inspection"].endpoint, id=1)
    assert client.get(order_url).status_code == 200
    assert client.get(inspection_url).status_code == 200
    assert client.get("/facilities/inspections/999").status_code == 404


def test_the_evidence_link_text_names_the_facility(app, ledger, park, make_facility):
    order = _order(app, park, make_facility, name="湖边护栏")
    link = db.session.scalar(
        select(EvidenceLink).where(EvidenceLink.kind == "facilities.repair_order")
    )
    assert link.record_id == order.id and "湖边护栏" not in link.summary
    assert order.facility.code in link.summary and "坏了" in link.summary


def test_patrol_page_query_count_does_not_grow(client, as_user, park, make_facility, count_queries):
    for _ in range(2):
        make_facility()
    as_user(park.crew)
    db.session.expire_all()
    with count_queries() as few:
        client.get("/facilities/patrol")
    for n in range(25):
        make_facility("lamp", area=f"区域{n % 5}")
    db.session.expire_all()
    with count_queries() as many:
        assert client.get("/facilities/patrol").status_code == 200
    assert many.count == few.count


def test_each_indicator_counts_only_the_readers_sites(app, ledger, park, make_facility):
    """Issue 15: a site's crew is shown problem 14's figures over their own site only."""
    now = utcnow()
    on_time = _order(app, park, make_facility)
    late = _order(app, park, make_facility)
    _order(app, park, make_facility).deadline_at = now - timedelta(hours=1)
    _order(app, park, make_facility, site=park.zylz).deadline_at = now - timedelta(hours=1)
    for order, hours in ((on_time, 2), (late, 30)):
        order.state = OrderState.VERIFIED
        order.reported_at = now - timedelta(hours=hours + 1)
        order.deadline_at = order.reported_at + timedelta(hours=4)
        order.repaired_at = now - timedelta(hours=1)
        order.closed_at = now
    db.session.commit()
    mine = [i for i in registry(app).indicators if i.name.startswith("facilities.")]
    with app.test_request_context(), force_locale("en"):

        def figures(*sites):
            return [i.compute(frozenset(s.id for s in sites) if sites else None)[0] for i in mine]

        assert figures(park.psy) == ["50% (1/2)", "16.0 h", "100% (3/3)", "100% (3/3)", "1"]
        assert figures(park.zylz) == [
            "no order closed in the last 30 days",
            "no repair in the last 30 days",
            "100% (1/1)",
            "100% (1/1)",
            "1",
        ]
        assert figures() == ["50% (1/2)", "16.0 h", "100% (4/4)", "100% (4/4)", "2"]
        assert figures(park.psy, park.zylz) == figures()


def test_a_site_crew_reads_its_own_sites_figures_on_the_ledger(
    app, ledger, park, make_facility, client, login
):
    for site in (park.psy, park.psy, park.zylz):
        _order(app, park, make_facility, site=site).deadline_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    login(park.zoo_crew)
    client.post("/language/en")
    problem_id = db.session.scalar(select(Problem.id).where(Problem.code == "14"))
    html = client.get(f"/ledger/problems/{problem_id}").get_data(as_text=True)
    overdue = html.split("Open repair orders past their deadline</span>")[1]
    assert overdue.split("</strong>")[0].strip().endswith('value">1')
    assert "100% (1/1)" in html
