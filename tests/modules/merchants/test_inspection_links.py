"""Merchants as a subject others point at, the violation a patrol's finding about a
merchant records (with the patrols module loaded and without it), and the ledger and
home page: evidence, the problem 31 indicators, the manager's to-do."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from modules.merchants import inspections, links, todo, violations
from modules.merchants.inspection_models import Check, Violation, ViolationState
from parkops import demo, signals, subjects
from parkops.auth.models import User
from parkops.extensions import db
from parkops.rectification.models import EvidenceLink, Problem
from parkops.timeutil import business_day, utcnow
from tests.demo_copy import load_demo
from tests.modules.merchants import test_inspections
from tests.modules.merchants.test_inspections import form, post

leased = test_inspections.leased  # the fixture: merchants leasing units at both sites


@pytest.mark.parametrize(
    "summary, check",
    [
        ("灭火器过期", Check.FIRE),
        ("门口占道摆摊", Check.OUTSIDE),
        ("商品未标价", Check.PRICES),
        ("垃圾未清运", Check.HYGIENE),
        ("店员态度差", Check.OTHER),
    ],
)
def test_a_findings_summary_chooses_the_closest_check(summary, check):
    assert links.check_for(summary) == check


def test_merchants_are_found_by_name_or_unit_code_at_the_readers_sites(app, park, leased):
    with app.test_request_context():
        by_name = subjects.search(links.SUBJECT_KIND, "茶社", park.psy_manager)
        by_unit = subjects.search(links.SUBJECT_KIND, "p-001", park.psy_manager)
        far = subjects.search(links.SUBJECT_KIND, "绿庄", park.psy_manager)
        everyone = subjects.search(links.SUBJECT_KIND, "", park.manager)
        got = subjects.resolve(links.SUBJECT_KIND, leased.tea.id)
        hidden = subjects.resolve(links.SUBJECT_KIND, leased.far.id, park.psy_manager)
    assert [s.label for s in by_name] == [s.label for s in by_unit] == ["濮上茶社"]
    assert far == [] and hidden is None
    assert {s.label for s in everyone} == {"濮上茶社", "绿庄小卖部"}
    assert (got.label, got.url, got.site_id) == (
        "濮上茶社",
        f"/merchants/merchants/{leased.tea.id}",
        park.psy.id,
    )


def test_a_patrol_finding_about_a_merchant_records_a_violation(
    app, park, leased, make_user, client, login
):
    from modules.patrols import findings
    from modules.patrols.models import FindingReaction

    inspector = make_user("inspector", ["inspector"], sites=[park.psy])
    with app.test_request_context(), force_locale("en"):
        subject = subjects.resolve(links.SUBJECT_KIND, leased.tea.id, inspector)
        data = findings.FindingData("灭火器压力不足", subject=subject)
        findings.record_finding(park.psy.id, data, inspector, None, lambda f: "")

    violation = db.session.scalars(select(Violation)).one()
    assert (violation.merchant_id, violation.check, violation.note, violation.inspection_id) == (
        leased.tea.id,
        Check.FIRE,
        "灭火器压力不足",
        None,
    )
    assert violation.deadline == business_day() + timedelta(days=7)  # fire's default
    reaction = db.session.scalars(select(FindingReaction)).one()
    assert reaction.url == f"/merchants/violations/{violation.id}"
    assert reaction.text.startswith("Violation recorded at 濮上茶社 (Fire safety)")
    login(park.manager)
    page = client.get(f"/merchants/violations/{violation.id}").get_data(as_text=True)
    assert "灭火器压力不足" in page


def test_without_patrols_the_reaction_still_answers_the_signal(make_app, park, leased):
    alone = make_app(MODULES=["receivables", "merchants"])
    with alone.test_request_context(), force_locale("en"):
        assert "patrols" not in [s.name for s in alone.extensions["parkops"].specs]
        found = signals.send(
            signals.finding_recorded,
            sender="elsewhere",
            subject_kind=links.SUBJECT_KIND,
            subject_id=leased.tea.id,
            summary="摊位外堆放杂物占道",
            severity="normal",
            user=park.manager,
        )
        other = signals.send(
            signals.finding_recorded,
            sender="elsewhere",
            subject_kind="facilities.facility",
            subject_id=leased.tea.id,
            summary="x",
            severity="normal",
            user=park.manager,
        )
        db.session.commit()
        violation = db.session.scalars(select(Violation)).one()
    assert [r.url for r in found] == [f"/merchants/violations/{violation.id}"]
    assert other == [] and violation.check == Check.OUTSIDE


def _open(merchant, user, check, deadline):
    violations.add_violation(merchant, check, "", deadline, user)
    db.session.commit()


def test_the_ledger_and_the_managers_to_do(app, ledger, client, login, park, leased):
    today = business_day()
    _open(leased.tea, park.manager, Check.HYGIENE, today - timedelta(days=1))
    _open(leased.tea, park.manager, Check.PRICES, today)
    _open(leased.far, park.manager, Check.FIRE, today - timedelta(days=3))
    closed = db.session.scalars(select(Violation).where(Violation.check == Check.PRICES)).one()
    login(park.manager)
    assert post(client, leased.tea, form(leased.unit)).status_code == 303

    with app.test_request_context(), force_locale("en"):
        assert violations.past_deadline_indicator(frozenset({park.psy.id})) == (
            "1 violations open past their deadline",
            False,
        )
        assert violations.past_deadline_indicator(None)[0].startswith("2 ")
        assert inspections.this_month_indicator(frozenset({park.zylz.id}))[0].startswith("0 ")
        assert inspections.this_month_indicator(None)[0].startswith("1 ")
        items = [(i.text, i.url, i.overdue) for i in todo.todo(park.psy_manager)]
        assert todo.todo(park.finance) == []
    assert items == [
        ("1 merchant violation past its deadline", "/merchants/violations/?show=overdue", True),
        ("1 merchant re-check due today", "/merchants/violations/?show=due_today", False),
    ]
    closed.state = ViolationState.CORRECTED
    closed.corrected_at = utcnow()
    db.session.commit()
    with app.test_request_context(), force_locale("en"):
        assert len(todo.todo(park.psy_manager)) == 1

    query = select(Problem.code).join(EvidenceLink, EvidenceLink.problem_id == Problem.id)
    codes = set(db.session.scalars(query.where(EvidenceLink.kind == inspections.EVIDENCE)))
    assert codes == {"31", "34"}
    link = db.session.scalars(
        select(EvidenceLink).where(EvidenceLink.kind == inspections.EVIDENCE)
    ).first()
    opened = client.get(f"/merchants/inspections/evidence/{link.record_id}")
    assert opened.location == f"/merchants/inspections/{link.record_id}"
    overdue = client.get("/merchants/violations/?show=overdue").get_data(as_text=True)
    assert overdue.count("data-violation=") == 2
    home = client.get("/").get_data(as_text=True)
    waiting = home[home.index('id="waiting"') :]
    assert 'href="/merchants/violations/?show=overdue"' in waiting


def test_the_demo_has_violations_open_and_corrected(app, client, login):
    assert load_demo()
    today = business_day()
    found = db.session.scalars(select(Violation)).all()
    corrected = [v for v in found if v.state == ViolationState.CORRECTED]
    late = [v for v in found if v.state == ViolationState.OPEN and v.deadline < today]
    due = [v for v in found if v.state == ViolationState.OPEN and v.deadline == today]
    assert len(corrected) == 2 and len(late) == 1 and len(due) == 1
    assert late[0].repeat and due[0].failed_rechecks == 1
    manager = db.session.scalar(select(User).where(User.username == "merchants"))
    login(manager, password=demo.PASSWORD)
    for url in (
        "/merchants/inspections/",
        "/merchants/violations/?show=all",
        f"/merchants/violations/{late[0].id}",
        f"/merchants/merchants/{late[0].merchant_id}",
        f"/merchants/inspections/{late[0].inspection_id}",
    ):
        assert client.get(url).status_code == 200, url
