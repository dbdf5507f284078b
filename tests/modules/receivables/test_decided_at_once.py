"""Two people deciding one receivables record at the same moment (tests/races.py): two
leaders deciding one write-off, two people deciding one reversal, two finance staff
verifying one clean-up item over HTTP (one 303, one 409 saying who verified it and
when). One is applied, the other refused saying who decided and when, nothing of it
saved, nothing audited twice."""

from sqlalchemy import func, select

from modules.receivables import payments, writeoffs
from modules.receivables.models import (
    Allocation,
    CampaignItem,
    Payment,
    Reversal,
    ReversalState,
    Verification,
    WriteOff,
    WriteOffState,
)
from parkops.audit import AuditEntry
from parkops.auth.models import User
from parkops.extensions import db
from tests.modules.receivables.test_campaigns import old_debts, start  # noqa: F401 - fixture
from tests.modules.receivables.test_payments import balances, pay
from tests.modules.receivables.test_writeoffs import debt, leader2, scan  # noqa: F401
from tests.races import at_once, get, one_applied
from tests.versions import two_pages


def entries(*actions: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action.in_(actions))
    )


def test_two_leaders_deciding_one_write_off_at_once(
    app,
    park,
    debt,  # noqa: F811
    leader2,  # noqa: F811
    monkeypatch,
):
    proposal = writeoffs.propose(debt, "债务人已注销", [scan()], park.finance)
    proposal_id, leaders = proposal.id, (park.leader.id, leader2.id)
    allocations = db.session.scalar(select(func.count()).select_from(Allocation))

    def decide(n):
        return lambda: writeoffs.decide(get(WriteOff, proposal_id), n == 0, get(User, leaders[n]))

    outcomes = at_once(app, monkeypatch, decide(0), decide(1))
    winner = one_applied(outcomes, "decided already")
    who = db.session.get(User, leaders[winner]).display_name
    assert outcomes[1 - winner].startswith(f"This write-off was decided already, by {who} at ")
    decided = db.session.get(WriteOff, proposal_id)
    wanted = (WriteOffState.APPROVED, WriteOffState.REFUSED)[winner]
    assert (decided.state, decided.decided_by_id) == (wanted, leaders[winner])
    added = db.session.scalar(select(func.count()).select_from(Allocation)) - allocations
    assert added == (1, 0)[winner]
    done = ("receivables.write_off_approved", "receivables.write_off_refused")
    assert entries(*done) == 1


def test_two_people_deciding_one_reversal_at_once(
    app, park, make_debtor, make_receivable, monkeypatch
):
    debtor = make_debtor()
    rent = make_receivable(debtor, 100_00)
    payment = pay(park, debtor, 100_00)
    payments.propose_reversal(payment, "重复录入", park.finance)
    payment_id, shown = payment.id, payments.latest_reversal(payment).id
    deciders = (park.finance2.id, park.leader.id)

    def decide(n):
        return lambda: payments.decide_reversal(
            get(Payment, payment_id), n == 0, get(User, deciders[n]), shown
        )

    outcomes = at_once(app, monkeypatch, decide(0), decide(1))
    winner = one_applied(outcomes, "decided already")
    who = db.session.get(User, deciders[winner]).display_name
    assert outcomes[1 - winner].startswith(f"This reversal was decided already, by {who} at ")
    decided = db.session.get(Reversal, shown)
    wanted = (ReversalState.APPROVED, ReversalState.REFUSED)[winner]
    assert (decided.state, decided.decided_by_id) == (wanted, deciders[winner])
    assert balances(rent) == [(100_00, 0)[winner]]
    assert entries("receivables.reversal_approved", "receivables.reversal_refused") == 1


def test_two_verifiers_of_one_clean_up_item_at_once(
    app,
    park,
    old_debts,  # noqa: F811
    login,
    monkeypatch,
):
    campaign = start(park)
    item = db.session.scalars(select(CampaignItem).order_by(CampaignItem.id)).first()
    url = f"/receivables/campaigns/{campaign.id}/items/{item.id}"
    users = {"finance": park.finance, "psy_finance": park.psy_finance}
    first, second, version = two_pages(app, login, url, *users.values())
    pages = dict(zip(users, (first, second), strict=True))
    for page in pages.values():
        page.post("/language/en")
    forms = {"finance": ("disputed", "对方称已付"), "psy_finance": ("paperwork", "缺合同")}
    answers = {}

    def verify(name):
        def post():
            state, note = forms[name]
            data = {"state": state, "note": note, "version": version}
            response = pages[name].post(url, data=data)
            answers[name] = (response.status_code, response.get_data(as_text=True))

        return post

    at_once(app, monkeypatch, verify("finance"), verify("psy_finance"))
    assert sorted(code for code, _ in answers.values()) == [303, 409], answers
    winner = next(name for name, (code, _) in answers.items() if code == 303)
    loser = "psy_finance" if winner == "finance" else "finance"
    shown = f"This item was verified meanwhile, by {users[winner].display_name} at "
    assert shown in answers[loser][1]
    kept = db.session.get(CampaignItem, item.id)
    assert (kept.state, kept.note) == (Verification(forms[winner][0]), forms[winner][1])
    assert entries("receivables.verified") == 1
