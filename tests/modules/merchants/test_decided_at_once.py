"""Two people deciding one merchants record at the same moment (tests/races.py): a
contract's approval and its coming into force, an exit's approval, and a violation's
re-check ("corrected" and "not corrected" sent together from two pages). One decision is
applied, the other refused with who and when (409 on the page), nothing of it saved."""

from datetime import timedelta

from sqlalchemy import func, select

from modules.merchants import contracts, exits_settlement
from modules.merchants.inspection_models import Recheck, Violation, ViolationState
from modules.merchants.models import Contract, ContractState, Exit, Instalment
from parkops.audit import AuditEntry
from parkops.auth.models import User
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.modules.merchants.test_exit_settlement import exiting  # noqa: F401
from tests.modules.merchants.test_exits import owing  # noqa: F401
from tests.modules.merchants.test_inspections import _inspect, leased, photo  # noqa: F401
from tests.races import at_once, get, one_applied


def entries(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    )


def test_two_approvals_of_one_contract_at_once(
    app, monkeypatch, park, make_merchant, make_unit, make_contract
):
    contract_id = make_contract(make_merchant(), [make_unit()]).id
    approvers = (park.manager2.id, park.leader.id)

    def approve(n):
        return lambda: contracts.approve(get(Contract, contract_id), get(User, approvers[n]))

    winner = one_applied(
        at_once(app, monkeypatch, approve(0), approve(1)), "This contract was approved already, by "
    )
    assert db.session.get(Contract, contract_id).approved_by_id == approvers[winner]
    assert entries("merchants.contract_approved") == 1


def test_two_activations_of_one_contract_at_once(
    app, monkeypatch, park, make_merchant, make_unit, make_contract
):
    contract_id = make_contract(make_merchant(), [make_unit()], "approved").id
    people = (park.manager.id, park.manager2.id)

    def activate(n):
        return lambda: contracts.activate(get(Contract, contract_id), get(User, people[n]))

    outcomes = at_once(app, monkeypatch, activate(0), activate(1))
    winner = one_applied(outcomes, "This contract came into force already, activated by ")
    contract = db.session.get(Contract, contract_id)
    assert (contract.state, contract.activated_by_id) == (ContractState.ACTIVE, people[winner])
    assert entries("merchants.contract_activated") == 1
    instalments = select(func.count()).where(Instalment.contract_id == contract_id)
    assert db.session.scalar(instalments) == 36  # monthly 2025–2027, once


def test_two_leaders_approving_one_exit_at_once(
    app,
    monkeypatch,
    park,
    exiting,  # noqa: F811
    make_user,
):
    exit_id = db.session.scalar(select(Exit.id))
    leaders = (park.leader.id, make_user("leader2", ["leader"], all_sites=True).id)

    def approve(n):
        return lambda: exits_settlement.approve_exit(get(Exit, exit_id), get(User, leaders[n]))

    outcomes = at_once(app, monkeypatch, approve(0), approve(1))
    winner = one_applied(outcomes, "This exit was approved already, by ")
    assert db.session.get(Exit, exit_id).approved_by_id == leaders[winner]
    assert entries("merchants.exit_approved") == 1


def test_corrected_and_not_corrected_sent_together_from_two_pages(
    app,
    monkeypatch,
    client,
    login,
    park,
    leased,  # noqa: F811
):
    login(park.manager)
    _inspect(client, leased.tea, leased.unit, "a")
    violation = db.session.scalars(select(Violation)).one()
    url = f"/merchants/violations/{violation.id}"
    deadline = violation.deadline
    pages = [app.test_client(), app.test_client()]
    login(park.manager, test_client=pages[0])
    login(park.manager2, test_client=pages[1])
    later = (business_day() + timedelta(days=9)).isoformat()
    forms = (
        {"corrected": "yes", "note": "已整改", "seen": "0"},
        {"corrected": "no", "new_deadline": later, "seen": "0"},
    )
    answers: dict[int, tuple[int, str]] = {}

    def send(n):
        def post():
            response = pages[n].post(
                url, data=forms[n] | {"photos": [photo()]}, content_type="multipart/form-data"
            )
            answers[n] = (response.status_code, response.get_data(as_text=True))

        return post

    at_once(app, monkeypatch, send(0), send(1))
    codes = sorted(code for code, _ in answers.values())
    assert codes == [303, 409], codes
    winner = next(n for n, (code, _) in answers.items() if code == 303)
    refused = answers[1 - winner][1]
    assert "re-checked meanwhile, by" in refused or "found corrected already, by" in refused
    assert db.session.scalar(select(func.count()).select_from(Recheck)) == 1
    found = db.session.get(Violation, violation.id)
    if winner == 0:
        assert (found.state, found.deadline) == (ViolationState.CORRECTED, deadline)
    else:
        assert (found.state, found.deadline.isoformat()) == (ViolationState.OPEN, later)
    assert entries("merchants.violation_rechecked") == 1
