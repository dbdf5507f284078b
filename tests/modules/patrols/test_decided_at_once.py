"""Two people deciding one patrol finding at the same moment (tests/races.py): two
supervisors assigning its follow-up to different people (over HTTP: one 303, one 409
saying who assigned it, to whom and when), the owner's fix sent twice, two verifiers.
One is applied, the other refused, nothing of it saved."""

from datetime import timedelta

from sqlalchemy import func, select

from modules.patrols import findings
from modules.patrols.models import Finding, FindingState
from parkops.audit import AuditEntry
from parkops.auth.models import User
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.modules.patrols.test_findings import _conduct, _upload
from tests.races import at_once, get, one_applied


def entries(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    )


def test_two_supervisors_assigning_one_finding_at_once(app, park, login, monkeypatch):
    finding = _conduct(park, app, None)
    url = f"/patrols/findings/{finding.id}/assign"
    deadline = (business_day() + timedelta(days=2)).isoformat()
    chosen = {"inspector": park.inspector2, "inspector2": park.inspector}
    pages = {}
    for user in (park.inspector, park.inspector2):
        pages[user.username] = app.test_client()
        login(user, test_client=pages[user.username])
        pages[user.username].post("/language/en")
    answers = {}
    owner_ids = {name: user.id for name, user in chosen.items()}  # not read in the threads

    def assign(name):
        def post():
            data = {"owner_id": owner_ids[name], "deadline": deadline, "shown_owner": ""}
            response = pages[name].post(url, data=data, headers={"Referer": "http://localhost/"})
            answers[name] = (response.status_code, response.get_data(as_text=True))

        return post

    at_once(app, monkeypatch, assign("inspector"), assign("inspector2"))
    assert sorted(code for code, _ in answers.values()) == [303, 409], answers
    winner = next(name for name, (code, _) in answers.items() if code == 303)
    loser = "inspector2" if winner == "inspector" else "inspector"
    assigned = db.session.get(Finding, finding.id)
    assert assigned.owner_id == chosen[winner].id
    who = park.inspector if winner == "inspector" else park.inspector2
    shown = (
        f"This follow-up was assigned meanwhile, to {chosen[winner].display_name} "
        f"by {who.display_name} at "
    )
    page = answers[loser][1]
    assert shown in page and 'id="error-back"' in page
    assert entries("patrols.followup_assigned") == 1


def test_the_owner_marking_one_finding_fixed_twice_at_once(app, park, monkeypatch):
    finding = _conduct(park, app, None, owner=park.inspector2)
    finding_id, owner_id = finding.id, park.inspector2.id  # the threads read only their own

    def fix(n):
        return lambda: findings.fix(
            get(Finding, finding_id), f"清理 {n}", [_upload()], get(User, owner_id)
        )

    outcomes = at_once(app, monkeypatch, fix(0), fix(1))
    winner = one_applied(outcomes, "This finding was already marked fixed, by Ji Jian at ")
    fixed = db.session.get(Finding, finding_id)
    assert (fixed.state, fixed.fix_note) == (FindingState.FIXED, f"清理 {winner}")
    assert entries("patrols.finding_fixed") == 1


def test_two_people_verifying_one_fix_at_once(app, park, monkeypatch):
    finding = _conduct(park, app, None, owner=park.inspector2)
    with app.test_request_context():
        findings.fix(finding, "已清理", [_upload()], park.inspector2)
    verifiers = (park.inspector.id, park.leader.id)
    finding_id = finding.id

    def verify(n):
        return lambda: findings.verify(
            get(Finding, finding_id), True, f"验收 {n}", get(User, verifiers[n])
        )

    outcomes = at_once(app, monkeypatch, verify(0), verify(1))
    winner = one_applied(outcomes, "This finding was already verified, by ")
    verified = db.session.get(Finding, finding_id)
    assert (verified.state, verified.verified_by_id) == (FindingState.VERIFIED, verifiers[winner])
    assert entries("patrols.finding_verified") == 1


def test_a_verification_against_a_sending_back_at_once(app, park, monkeypatch):
    finding = _conduct(park, app, None, owner=park.inspector2)
    with app.test_request_context():
        findings.fix(finding, "已清理", [_upload()], park.inspector2)
    finding_id = finding.id

    def verify(accepted, user_id):
        return lambda: findings.verify(get(Finding, finding_id), accepted, "", get(User, user_id))

    outcomes = at_once(
        app, monkeypatch, verify(True, park.inspector.id), verify(False, park.leader.id)
    )
    winner = one_applied(outcomes, " already")
    refusal = ("This finding was already verified", "This fix was sent back already")[winner]
    assert outcomes[1 - winner].startswith(refusal), outcomes
    found = db.session.get(Finding, finding_id)
    assert found.state == (FindingState.VERIFIED, FindingState.OPEN)[winner]
