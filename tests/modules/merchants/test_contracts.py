"""Contracts: approval by a second person, one lease per unit at a time, bad terms
refused with a message and nothing stored."""

from datetime import date

import pytest
from sqlalchemy import func, select

from modules.merchants import contracts, register
from modules.merchants.errors import MerchantsError
from modules.merchants.models import Contract, ContractState, UnitKind
from parkops.extensions import db


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_drafter_cannot_approve_her_own_contract(park, make_merchant, make_unit, make_contract):
    contract = make_contract(make_merchant(), [make_unit()])

    with pytest.raises(MerchantsError, match="someone other than the person who drafted it"):
        contracts.approve(contract, park.manager)
    assert db.session.get(Contract, contract.id).state == ContractState.DRAFT

    contracts.approve(contract, park.manager2)
    assert contract.state == ContractState.APPROVED and contract.approved_by_id == park.manager2.id


def test_a_unit_under_an_approved_lease_cannot_be_leased_over_the_same_days(
    park, make_merchant, make_unit, make_contract, contract_data
):
    unit = make_unit("P-007")
    make_contract(make_merchant(), [unit], "approved", number="ZL-1")
    other = make_merchant("庄园小卖部")

    with pytest.raises(MerchantsError) as refused:
        contracts.create_draft(
            contract_data(
                other, [unit], number="ZL-2", starts_on=date(2027, 6, 1), ends_on=date(2028, 5, 31)
            ),
            park.manager,
        )
    assert str(refused.value) == (
        "Unit P-007 is already leased under contract ZL-1 (2025-01-01 to 2027-12-31)."
    )
    # The day after the first lease ends is free.
    contracts.create_draft(
        contract_data(
            other, [unit], number="ZL-3", starts_on=date(2028, 1, 1), ends_on=date(2028, 12, 31)
        ),
        park.manager,
    )
    assert count(Contract) == 2


def test_two_competing_drafts_the_second_approval_is_refused(
    park, make_merchant, make_unit, make_contract
):
    unit = make_unit()
    first = make_contract(make_merchant(), [unit], number="ZL-1")
    second = make_contract(make_merchant("别家"), [unit], number="ZL-2")
    contracts.approve(first, park.manager2)

    with pytest.raises(MerchantsError, match="already leased under contract ZL-1"):
        contracts.approve(second, park.manager2)
    assert db.session.get(Contract, second.id).state == ContractState.DRAFT


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ends_on": date(2024, 12, 31)}, "The term ends before it starts."),
        ({"rent_fen": -100_00}, "The rent must be more than zero."),
        ({"rent_fen": 0}, "The rent must be more than zero."),
        ({"deposit_fen": -1}, "An amount cannot be negative."),
        ({"steps": {2: -5_00}}, "An amount cannot be negative."),
        ({"steps": {4: 2_000_00}}, "The term has 3 contract years: no step for year 4."),
        ({"number": " "}, "Give the contract number."),
        ({"unit_ids": []}, "Choose at least one unit."),
    ],
)
def test_bad_terms_are_refused_and_nothing_is_stored(
    park, make_merchant, make_unit, contract_data, fields, message
):
    data = contract_data(make_merchant(), [make_unit()])
    for name, value in fields.items():
        setattr(data, name, value)

    with pytest.raises(MerchantsError) as refused:
        contracts.create_draft(data, park.manager)
    assert str(refused.value) == message
    assert count(Contract) == 0


def test_a_unit_of_another_site_is_refused(park, make_merchant, make_unit, contract_data):
    data = contract_data(make_merchant(), [make_unit("Z-1", site=park.zylz)])
    with pytest.raises(MerchantsError, match="Every unit must be at the contract's site."):
        contracts.create_draft(data, park.manager)


def test_a_unit_code_is_unique_per_site(park, make_unit):
    make_unit("P-001")
    make_unit("P-001", site=park.zylz)  # another site may use it
    with pytest.raises(MerchantsError, match="The code P-001 is already used at this site."):
        register.create_unit(
            register.UnitData(park.psy.id, "p-001", "", 10, UnitKind.KIOSK), park.manager
        )
