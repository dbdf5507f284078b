"""Two leads deciding one appeal, one score correction, closing one round or withdrawing
one deduction at the same moment, a withdrawal while the round closes, one task marked
done twice (tests/races.py): one decision applied, the other refused with who and when,
nothing of it saved; the score always the sum of the standing deductions."""

import threading
from datetime import timedelta

from sqlalchemy import func, select

from modules.greening import appeals, tasks, withdrawals
from modules.greening.models import (
    Appeal,
    AppealDecision,
    Assessment,
    Deduction,
    Round,
    ScoreCorrection,
    Task,
)
from parkops import deciding
from parkops.audit import AuditEntry
from parkops.auth.models import User
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.modules.greening.test_appeals import scored  # noqa: F401 - the fixture
from tests.modules.greening.test_evidence import photo
from tests.modules.greening.test_withdrawals import recorded  # noqa: F401 - the fixture
from tests.races import APPLIED, at_once, get, one_applied


def entries(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    )


def test_two_leads_deciding_one_appeal_at_once(app, monkeypatch, grove, scored):  # noqa: F811
    _round, _zone, deduction, office2 = scored
    appeal_id = appeals.file_appeal(deduction, "不服", None, grove.gardener, None, "/").id
    leads = (grove.office.id, office2.id)
    decisions = (AppealDecision.UPHELD, AppealDecision.DISMISSED)

    def decide(n):
        return lambda: appeals.decide(get(Appeal, appeal_id), decisions[n], "", get(User, leads[n]))

    outcomes = at_once(app, monkeypatch, decide(0), decide(1))
    winner = one_applied(outcomes, "decided already, by ")
    appeal = db.session.get(Appeal, appeal_id)
    assert (appeal.decision, appeal.decided_by_id) == (decisions[winner], leads[winner])
    assert entries("greening.appeal_decided") == 1
    assert db.session.scalar(select(Assessment.score)) == (100, 90)[winner]


def test_two_leads_deciding_one_score_correction_at_once(
    app,
    monkeypatch,
    grove,
    scored,  # noqa: F811
    make_user,
):
    round_, _zone, _deduction, office2 = scored
    round_.closed_at = round_.opened_at
    assessment = db.session.scalar(select(Assessment))
    correction = appeals.propose_correction(assessment, 95, "复核", grove.office)
    office3 = make_user("office3", ["office", "assessor"], all_sites=True)
    leads = (office3.id, office2.id)
    correction_id = correction.id  # read here: the test's session is not the threads'

    def decide(n):
        return lambda: appeals.decide_correction(
            get(ScoreCorrection, correction_id), n == 0, get(User, leads[n])
        )

    outcomes = at_once(app, monkeypatch, decide(0), decide(1))
    winner = one_applied(outcomes, "decided already, by ")
    assert entries("greening.correction_decided") == 1
    assert db.session.scalar(select(Assessment.score)) == (95, 90)[winner]


def test_a_withdrawal_against_the_round_closing_at_once(
    app,
    monkeypatch,
    grove,
    recorded,  # noqa: F811
):
    round_, _zone, deduction = recorded
    deduction.recorded_at -= timedelta(days=8)  # past its appeal window: the round closes
    ids = (round_.id, deduction.id, grove.assessor.id)  # the threads read only their own
    db.session.commit()
    closer = threading.local()
    closing_locked = threading.Event()
    real_take = deciding.take

    def take(record):  # the withdrawal starts once the closing holds the round's lock
        taken = real_take(record)
        if getattr(closer, "me", False):
            closing_locked.set()
        return taken

    monkeypatch.setattr(deciding, "take", take)

    def close():
        closer.me = True
        appeals.close_round(get(Round, ids[0]), get(User, ids[2]))

    def withdraw():
        closing_locked.wait(timeout=5)
        withdrawals.withdraw(get(Deduction, ids[1]), "记错", get(User, ids[2]))

    outcomes = at_once(app, monkeypatch, close, withdraw)
    assert outcomes[0] == APPLIED, outcomes
    assert outcomes[1].startswith("This round was closed, by "), outcomes
    assert db.session.get(Deduction, ids[1]).withdrawn_at is None
    assert db.session.scalar(select(Assessment.score)) == 90
    assert entries("greening.deduction_withdrawn") == 0


def test_two_withdrawals_of_one_deduction_at_once(
    app,
    monkeypatch,
    grove,
    recorded,  # noqa: F811
):
    _round, _zone, deduction = recorded
    leads = (grove.assessor.id, grove.office.id)
    deduction_id = deduction.id

    def withdraw(n):
        return lambda: withdrawals.withdraw(
            get(Deduction, deduction_id), f"记错 {n}", get(User, leads[n])
        )

    outcomes = at_once(app, monkeypatch, withdraw(0), withdraw(1))
    winner = one_applied(outcomes, "This deduction was withdrawn already, by ")
    withdrawn = db.session.get(Deduction, deduction_id)
    assert withdrawn.withdrawn_by_id == leads[winner]
    assert withdrawn.withdraw_reason == f"记错 {winner}"
    assert entries("greening.deduction_withdrawn") == 1


def test_one_task_marked_done_twice_at_once(app, monkeypatch, grove, make_zone):
    task = tasks.add_one_off(make_zone(), "清理死角杂草", business_day(), grove.office)
    changed = [None, None]
    task_id, gardener_id = task.id, grove.gardener.id

    def done(n):
        def mark():
            found = get(Task, task_id)
            changed[n] = tasks.mark_done(found, photo(), get(User, gardener_id), None, "/")

        return mark

    assert at_once(app, monkeypatch, done(0), done(1)) == [APPLIED, APPLIED]
    assert sorted(changed) == [False, True], changed
    assert db.session.get(Task, task_id).done_by_id == gardener_id
    assert entries("greening.task_done") == 1
