"""Fixtures for merchants: two sites, the merchant manager (two people), finance,
a leader, a manager of one site; helpers that register merchants, units and
contracts through the services."""

from datetime import date
from types import SimpleNamespace

import pytest

from modules.merchants import contracts, register
from modules.merchants.models import BusinessType, Cycle, MerchantKind, RentForm, UnitKind
from parkops.extensions import db


@pytest.fixture
def park(app, make_site, make_user):
    app.config["DEFAULT_LOCALE"] = "en"  # messages are checked in English
    psy = make_site("PSY", "濮上园")
    zylz = make_site("ZYLZ", "中原绿色庄园")
    return SimpleNamespace(
        psy=psy,
        zylz=zylz,
        manager=make_user("manager", ["merchants"], all_sites=True, display_name="Chen Gang"),
        manager2=make_user("manager2", ["merchants"], all_sites=True, display_name="Wang Li"),
        psy_manager=make_user("psymgr", ["merchants"], sites=[psy]),
        finance=make_user("finance", ["finance"], all_sites=True),
        leader=make_user("leader", ["leader"], all_sites=True),
        cashier=make_user("cashier", ["cashier"], sites=[psy]),
    )


@pytest.fixture
def make_merchant(park):
    def create(name="濮上茶社", site=None, **fields):
        data = register.MerchantData(
            site_id=(site or park.psy).id,
            name=name,
            kind=fields.pop("kind", MerchantKind.COMPANY),
            business_type=fields.pop("business_type", BusinessType.CATERING),
            **fields,
        )
        merchant = register.add_merchant(data, park.manager)
        db.session.commit()
        return merchant

    return create


@pytest.fixture
def make_unit(park):
    def create(code="P-001", site=None, area_m2=40):
        data = register.UnitData((site or park.psy).id, code, "商业街", area_m2, UnitKind.SHOP)
        unit = register.add_unit(data, park.manager)
        db.session.commit()
        return unit

    return create


@pytest.fixture
def contract_data():
    def build(merchant, units, **fields):
        return contracts.ContractData(
            site_id=merchant.site_id,
            merchant_id=merchant.id,
            number=fields.pop("number", "ZL-2025-001"),
            starts_on=fields.pop("starts_on", date(2025, 1, 1)),
            ends_on=fields.pop("ends_on", date(2027, 12, 31)),
            rent_form=fields.pop("rent_form", RentForm.FIXED),
            cycle=fields.pop("cycle", Cycle.MONTHLY),
            rent_fen=fields.pop("rent_fen", 1_000_00),
            unit_ids=[u.id for u in units],
            **fields,
        )

    return build


@pytest.fixture
def make_contract(park, contract_data):
    """A draft by the manager; ``state="approved"`` or ``"active"`` takes it further
    (approved by manager2, put in force by the manager)."""

    def create(merchant, units, state="draft", **fields):
        contract = contracts.create_draft(contract_data(merchant, units, **fields), park.manager)
        if state in ("approved", "active"):
            contracts.approve(contract, park.manager2)
        if state == "active":
            contracts.activate(contract, park.manager)
        return contract

    return create


@pytest.fixture
def clock(monkeypatch):
    """``clock(date)``: the local business day the merchants services and job see."""
    from modules.merchants import contracts as contracts_module
    from modules.merchants import jobs

    def set_day(day: date) -> None:
        monkeypatch.setattr(contracts_module, "business_day", lambda: day)
        monkeypatch.setattr(jobs, "business_day", lambda: day)

    return set_day


@pytest.fixture
def sign_in_as(client, login):
    """Sign out whoever is signed in, then sign ``user`` in (one client, several people)."""

    def switch(user) -> None:
        client.post("/logout")
        login(user)

    return switch
