"""Runs and findings are the ledger's evidence; the indicators count only the reader's
sites."""

from datetime import UTC, datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import select

from modules.patrols import checklists, findings, indicators, runs, schedules
from modules.patrols.checklists import ItemData
from modules.patrols.findings import FindingData
from modules.patrols.models import AnswerType, ChecklistPurpose
from parkops.extensions import db
from parkops.rectification.models import EvidenceLink, Problem
from parkops.timeutil import business_day
from tests.modules.patrols.test_findings import _submitted_run


def _links(kind: str) -> set[str]:
    query = select(Problem.code).join(EvidenceLink, EvidenceLink.problem_id == Problem.id)
    return set(db.session.scalars(query.where(EvidenceLink.kind == kind)))


def test_a_submitted_run_and_its_finding_are_evidence(app, ledger, park):
    with app.test_request_context():
        _submitted_run(park)
    assert _links("patrols.run") == {"5", "15", "31", "32", "34"}
    assert _links("patrols.finding") == {"5", "15", "31", "32", "34"}


def test_unannounced_inspections_this_month_and_their_findings(app, park):
    conduct = checklists.save_checklist(
        None,
        park.psy.id,
        "明察暗访",
        True,
        [ItemData("在岗", AnswerType.PASS_FAIL)],
        park.inspector,
    )
    with app.test_request_context():
        run = runs.start_run(conduct, park.intake, park.inspector)
        for point in park.intake.checkpoints:
            runs.scan(run, point.token, park.inspector)
        item = conduct.current_version.items[0]
        runs.save_answers(run, {item.id: runs.AnswerInput("fail")}, "", park.inspector, submit=True)
        _submitted_run(park)  # an announced run: not counted
    with force_locale("en"):
        assert indicators.unannounced_this_month(None) == (
            "1 unannounced inspections this month, 1 findings",
            True,
        )
        zoo = frozenset({park.zylz.id})
        assert indicators.unannounced_this_month(zoo) == (
            "0 unannounced inspections this month, 0 findings",
            False,
        )


def test_scheduled_patrols_done_at_their_time_this_week(app, park, monkeypatch):
    daily = schedules.save_schedule(
        park.water, park.intake, "08:00", "1234567", park.inspector2, 60, park.inspector
    )
    sanitation = checklists.save_checklist(
        None, park.psy.id, "环卫", False, [ItemData("无死角", AnswerType.PASS_FAIL)], park.inspector
    )
    corners = schedules.save_schedule(
        sanitation, park.other_psy, "09:00", "1234567", park.inspector2, 60, park.inspector
    )
    for schedule in (daily, corners):
        schedule.created_at = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)  # Monday 00:00 local
    db.session.commit()
    monkeypatch.setattr(runs, "utcnow", lambda: datetime(2026, 3, 2, 0, 10, tzinfo=UTC))
    runs.start_run(park.water, park.intake, park.inspector2)  # Monday 08:10 local
    # Wednesday 18:00 local: Monday's, Tuesday's and Wednesday's 08:00 are due.
    monkeypatch.setattr(indicators, "utcnow", lambda: datetime(2026, 3, 4, 10, 0, tzinfo=UTC))
    with force_locale("en"):
        assert indicators.scheduled_done_this_week(None) == (
            "1 of 3 intake clearances done at their time this week",
            False,
        )
        assert indicators.scheduled_done_this_week(frozenset({park.zylz.id}))[1] is None


def test_findings_past_their_deadline(app, park):
    with app.test_request_context():
        late = findings.record_finding(
            park.psy.id, FindingData("垃圾未清", owner=park.inspector2), park.inspector, None, str
        )
    late.deadline = business_day() - timedelta(days=1)
    db.session.commit()
    with force_locale("en"):
        assert indicators.overdue_followups(None) == (
            "1 findings past their follow-up deadline",
            False,
        )
        zoo = frozenset({park.zylz.id})
        assert indicators.overdue_followups(zoo) == (
            "0 findings past their follow-up deadline",
            True,
        )


def _gate_run(app, park, gate, monkeypatch, start: datetime, touts: str) -> None:
    """A submitted gate-duty run started at ``start`` (UTC) that saw ``touts`` touts."""
    monkeypatch.setattr(runs, "utcnow", lambda: start)
    with app.test_request_context():
        run = runs.start_run(gate, park.gate, park.zoo_inspector)
        runs.scan(run, park.gate.checkpoints[0].token, park.zoo_inspector)
        first, count, cars = gate.current_version.items
        answers = {
            first.id: runs.AnswerInput("pass"),
            count.id: runs.AnswerInput(touts),
            cars.id: runs.AnswerInput("40"),  # a number, but not the touts
        }
        runs.save_answers(run, answers, "", park.zoo_inspector, submit=True)
    run.started_at = start
    db.session.commit()


def test_gate_duty_done_against_scheduled_and_touts_per_run(app, park, monkeypatch):
    gate = checklists.save_checklist(
        None,
        park.zylz.id,
        "门口停车值守",
        False,
        [
            ItemData("无拉客", AnswerType.PASS_FAIL),
            ItemData("拉客人数", AnswerType.NUMBER, "人", counts_touts=True),
            ItemData("停放车辆", AnswerType.NUMBER, "辆"),
        ],
        park.inspector,
        ChecklistPurpose.GATE_DUTY,
    )
    duty = schedules.save_schedule(
        gate, park.gate, "09:30", "1234567", park.zoo_inspector, 60, park.inspector
    )
    duty.created_at = datetime(2026, 3, 16, 16, 0, tzinfo=UTC)  # 17 March 00:00 local
    db.session.commit()
    # Before the schedule (the 30 days before): one run that saw 6 touts.
    _gate_run(app, park, gate, monkeypatch, datetime(2026, 2, 10, 2, 0, tzinfo=UTC), "6")
    # 17 and 19 March at 09:30 local: two of the four slots up to the 20th, 2 and 4 touts.
    for day, touts in ((17, "2"), (19, "4")):
        _gate_run(app, park, gate, monkeypatch, datetime(2026, 3, day, 1, 35, tzinfo=UTC), touts)
    with app.test_request_context():
        water = _submitted_run(park)  # a water patrol (3 kg): neither gate duty nor touts
    water.started_at = datetime(2026, 3, 18, 2, 0, tzinfo=UTC)
    db.session.commit()
    monkeypatch.setattr(indicators, "utcnow", lambda: datetime(2026, 3, 20, 10, 0, tzinfo=UTC))
    with force_locale("en"):
        assert indicators.gate_duty_last_30_days(None) == (
            "2 of 4 gate-duty runs done in the last 30 days; 3.0 touts seen per run "
            "(the 30 days before: 6.0)",
            False,
        )
        assert indicators.gate_duty_last_30_days(frozenset({park.zylz.id}))[0].startswith(
            "2 of 4 gate-duty runs"
        )
        assert indicators.gate_duty_last_30_days(frozenset({park.psy.id})) == (
            "no gate duty in the last 30 days",
            None,
        )
