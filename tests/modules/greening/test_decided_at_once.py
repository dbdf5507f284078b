"""Two leads deciding one appeal, one score correction or closing one round at the same
moment (tests/races.py): one decision applied, the other refused with who and when,
nothing of it saved; the score always the sum of the standing deductions."""

from sqlalchemy import func, select

from modules.greening import appeals
from modules.greening.models import Appeal, AppealDecision, Assessment, ScoreCorrection
from parkops.audit import AuditEntry
from parkops.auth.models import User
from parkops.extensions import db
from tests.modules.greening.test_appeals import scored  # noqa: F401 - the fixture
from tests.races import at_once, get, one_applied


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

    def decide(n):
        return lambda: appeals.decide_correction(
            get(ScoreCorrection, correction.id), n == 0, get(User, leads[n])
        )

    outcomes = at_once(app, monkeypatch, decide(0), decide(1))
    winner = one_applied(outcomes, "decided already, by ")
    assert entries("greening.correction_decided") == 1
    assert db.session.scalar(select(Assessment.score)) == (95, 90)[winner]
