"""Contracts in force are the ledger's evidence (16, 34); the indicator counts
contracts past their end at the reader's sites; the demo loads once."""

from datetime import date, timedelta

from sqlalchemy import func, select

from modules.merchants import contracts, exits, indicators
from modules.merchants.models import Contract, ContractState, Exit, Instalment, Merchant
from modules.receivables.models import Receivable
from parkops import demo
from parkops.auth.models import User
from parkops.extensions import db
from parkops.rectification.models import EvidenceLink, Problem
from parkops.timeutil import business_day
from tests.demo_copy import load_demo


def _links(kind: str) -> set[str]:
    query = select(Problem.code).join(EvidenceLink, EvidenceLink.problem_id == Problem.id)
    return set(db.session.scalars(query.where(EvidenceLink.kind == kind)))


def test_a_contract_put_in_force_is_evidence_and_its_link_opens_it(
    client, login, ledger, park, make_merchant, make_unit, make_contract
):
    contract = make_contract(make_merchant(), [make_unit()], "approved")
    assert _links("merchants.contract") == set()

    with ledger.test_request_context():
        contracts.activate(contract, park.manager)
    assert _links("merchants.contract") == {"16", "34"}
    link = db.session.scalars(select(EvidenceLink)).first()
    assert link.site_id == park.psy.id
    login(park.leader)
    opened = client.get(f"/merchants/contracts/evidence/{contract.id}")
    assert opened.status_code == 302 and opened.location == f"/merchants/contracts/{contract.id}"


def test_contracts_past_their_end_are_counted_at_the_readers_sites(
    app, park, make_merchant, make_unit, make_contract
):
    today = business_day()
    make_contract(
        make_merchant(),
        [make_unit()],
        "active",
        starts_on=date(2024, 1, 1),
        ends_on=today - timedelta(days=1),
        number="ZL-1",
    )
    make_contract(
        make_merchant("动物园小卖部", site=park.zylz),
        [make_unit("Z-1", site=park.zylz)],
        "active",
        starts_on=date(2024, 1, 1),
        ends_on=today + timedelta(days=30),
        number="ZL-2",
    )
    with app.test_request_context():
        assert indicators.past_end_unresolved(None) == ("1 contracts past their end", False)
        assert indicators.past_end_unresolved(frozenset({park.zylz.id})) == (
            "0 contracts past their end",
            True,
        )


def test_the_demo_leases_units_raises_rent_and_loads_once(app, client, login):
    assert load_demo()
    merchants = db.session.scalars(select(Merchant)).all()
    assert len(merchants) == 25 and {m.site.code for m in merchants} == {"PSY", "ZYLZ"}
    states = dict(
        db.session.execute(select(Contract.state, func.count()).group_by(Contract.state)).all()
    )
    assert states == {ContractState.ACTIVE: 23, ContractState.DRAFT: 1}
    ending = db.session.scalar(
        select(func.count()).where(Contract.ends_on == business_day() + timedelta(days=45))
    )
    assert ending == 1
    in_exit = db.session.scalars(select(Exit)).one()
    assert in_exit.closed_at is None and exits.arrears_fen(in_exit.contract) > 0
    raised = db.session.scalar(
        select(func.count()).select_from(Instalment).where(Instalment.receivable_id.is_not(None))
    )
    rent = db.session.scalar(
        select(func.count()).select_from(Receivable).where(Receivable.reference.like("merchants.%"))
    )
    assert raised == rent > 0
    manager = db.session.scalar(select(User).where(User.username == "merchants"))
    login(manager, password=demo.PASSWORD)
    for url in ("/merchants/", "/merchants/units/", f"/merchants/merchants/{merchants[0].id}"):
        assert client.get(url).status_code == 200

    assert not demo.load()
    assert db.session.scalar(select(func.count()).select_from(Merchant)) == 25
