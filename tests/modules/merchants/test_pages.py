"""The pages: who sees and does what (the manager writes, finance and leaders read,
sites hold on every object and list), forms refusing bad input with 422, masking,
retries, query counts."""

from datetime import date

from sqlalchemy import func, select

from modules.merchants.models import Contract, ContractState, Merchant, Unit
from modules.receivables.models import Receivable
from parkops.extensions import db
from tests.flashes import confirmation


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def merchant_form(site_id, **fields):
    return {
        "site_id": site_id,
        "name": "绿园餐饮有限公司",
        "kind": "company",
        "business_type": "catering",
        "id_code": "91410900MA44XYZ12K",
        "contact": "张三",
        "phone": "13900000000",
        "idempotency_key": "m1",
        **fields,
    }


def test_the_manager_registers_a_merchant_once_and_the_list_masks_its_code(client, login, park):
    login(park.manager)
    form = merchant_form(park.psy.id)
    first = client.post("/merchants/merchants/new", data=form)
    again = client.post("/merchants/merchants/new", data=form)

    merchant = db.session.scalars(select(Merchant)).one()
    assert first.status_code == again.status_code == 303
    assert first.location == again.location == f"/merchants/merchants/{merchant.id}"
    assert confirmation(client, first) == "Merchant 绿园餐饮有限公司 added."
    listing = client.get("/merchants/").get_data(as_text=True)
    assert "绿园餐饮有限公司" in listing and "91**************2K" in listing
    assert "91410900MA44XYZ12K" not in listing


def test_finance_and_leaders_read_but_do_not_write(client, sign_in_as, park, make_merchant):
    merchant = make_merchant()
    for reader in (park.finance, park.leader):
        sign_in_as(reader)
        page = client.get(f"/merchants/merchants/{merchant.id}")
        assert page.status_code == 200
        assert "Draft a contract" not in page.get_data(as_text=True)
        assert (
            client.post("/merchants/merchants/new", data=merchant_form(park.psy.id)).status_code
            == 403
        )
    sign_in_as(park.cashier)
    assert client.get("/merchants/").status_code == 403
    assert count(Merchant) == 1


def test_another_sites_merchants_units_and_contracts_stay_unseen(
    client, login, park, make_merchant, make_unit, make_contract
):
    zoo = make_merchant("动物园小卖部", site=park.zylz)
    contract = make_contract(zoo, [make_unit("Z-1", site=park.zylz)])
    make_merchant("濮上茶社")
    login(park.psy_manager)

    assert client.get(f"/merchants/merchants/{zoo.id}").status_code == 404
    assert client.get(f"/merchants/contracts/{contract.id}").status_code == 404
    assert client.get(f"/merchants/merchants/{zoo.id}/contracts/new").status_code == 404
    listing = client.get("/merchants/").get_data(as_text=True)
    assert "濮上茶社" in listing and "动物园小卖部" not in listing
    assert "Z-1" not in client.get("/merchants/units/").get_data(as_text=True)
    refused = client.post("/merchants/merchants/new", data=merchant_form(park.zylz.id))
    assert refused.status_code == 422  # not a site of hers to choose
    assert count(Merchant) == 2


def test_a_unit_code_taken_at_the_site_is_refused_on_the_form(client, login, park, make_unit):
    make_unit("P-001")
    login(park.manager)
    form = {
        "site_id": park.psy.id,
        "code": "P-001",
        "location": "",
        "area_m2": "12",
        "kind": "shop",
        "idempotency_key": "u1",
    }
    second = {**form, "code": "P-002", "idempotency_key": "u2"}
    added = client.post("/merchants/units/new", data=second)
    assert confirmation(client, added) == "Unit P-002 added."
    refused = client.post("/merchants/units/new", data=form)
    assert refused.status_code == 422
    assert "The code P-001 is already used at this site." in refused.get_data(as_text=True)
    assert count(Unit) == 2  # P-001 and P-002


def contract_form(unit_ids, **fields):
    return {
        "number": "ZL-2025-009",
        "unit_ids": unit_ids,
        "starts_on": "2025-01-01",
        "ends_on": "2026-12-31",
        "rent_form": "fixed",
        "cycle": "quarterly",
        "rent": "3,000.00",
        "steps": "3,300.00",
        "deposit": "10,000",
        "service": "",
        "note": "",
        "idempotency_key": "c1",
        **fields,
    }


def test_a_contract_from_draft_to_active_raises_its_rent_in_receivables(
    client, login, sign_in_as, park, make_merchant, make_unit
):
    merchant = make_merchant()
    unit = make_unit()
    login(park.manager)
    drafted = client.post(
        f"/merchants/merchants/{merchant.id}/contracts/new", data=contract_form([unit.id])
    )
    assert confirmation(client, drafted) == "Draft contract saved."
    contract = db.session.scalars(select(Contract)).one()
    page = client.get(drafted.location).get_data(as_text=True)
    assert "¥3,300.00" in page  # the second year's step
    approve_url = f"/merchants/contracts/{contract.id}/approve"
    assert approve_url not in page  # the drafter sees no button she may not use

    refused = client.post(approve_url)
    assert refused.status_code == 422
    assert "approved by someone other than the person who drafted it" in refused.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).state == ContractState.DRAFT
    sign_in_as(park.leader)
    assert approve_url in client.get(drafted.location).get_data(as_text=True)
    assert client.post(f"/merchants/contracts/{contract.id}/approve").status_code == 303
    assert client.post(f"/merchants/contracts/{contract.id}/activate").status_code == 403
    sign_in_as(park.manager)
    assert client.post(f"/merchants/contracts/{contract.id}/activate").status_code == 303

    db.session.expire_all()
    assert db.session.get(Contract, contract.id).state == ContractState.ACTIVE
    raised = db.session.scalars(select(Receivable).order_by(Receivable.due_on)).all()
    assert [(r.due_on, r.amount_fen) for r in raised][:2] == [
        (date(2025, 1, 1), 3_000_00),
        (date(2025, 4, 1), 3_000_00),
    ]
    assert len(raised) == 8  # every quarter of the term is due by today (2026-11-30 or later)


def test_bad_contract_input_answers_422_with_the_reason(
    client, login, park, make_merchant, make_unit
):
    merchant = make_merchant()
    unit = make_unit()
    login(park.manager)
    url = f"/merchants/merchants/{merchant.id}/contracts/new"
    for fields, message in (
        ({"ends_on": "2024-12-31"}, "The term ends before it starts."),
        ({"rent": "-10"}, "The amount cannot be negative."),
        ({"rent": "12,5"}, "Not an amount in yuan"),
        ({"steps": "第二年 1,100"}, "Line 1 is not an amount in yuan"),
        ({"ends_on": "2129-12-31"}, "Enter a date between 2000 and 2100."),
        ({"ends_on": "2045-01-01"}, "A lease may not run longer than 20 years."),
        ({"steps": "3,300\nabc"}, "Line 2 is not an amount in yuan"),
    ):
        refused = client.post(url, data=contract_form([unit.id], **fields))
        assert refused.status_code == 422
        assert message in refused.get_data(as_text=True)
    assert count(Contract) == 0


def test_a_lease_of_exactly_twenty_years_is_accepted(client, login, park, make_merchant, make_unit):
    login(park.manager)
    url = f"/merchants/merchants/{make_merchant().id}/contracts/new"
    form = contract_form([make_unit().id], ends_on="2044-12-31")
    assert client.post(url, data=form).status_code == 303


def test_the_pages_take_the_same_queries_for_3_or_30_merchants(
    client, login, park, make_merchant, make_unit, make_contract, count_queries
):
    login(park.finance)
    owner = make_merchant("大商户")

    def queries_for(n):
        start = count(Merchant)
        for i in range(start, start + n):
            merchant = make_merchant(f"商户{i:03d}")
            make_contract(merchant, [make_unit(f"P-{i:03d}")], "active", number=f"ZL-{i}")
            make_contract(owner, [make_unit(f"Q-{i:03d}")], "active", number=f"ZQ-{i}")
        counts = []
        for url in ("/merchants/", "/merchants/units/", f"/merchants/merchants/{owner.id}"):
            with count_queries() as q:
                assert client.get(url).status_code == 200
            counts.append(q.count)
        return counts

    assert queries_for(3) == queries_for(27)


def test_a_full_width_unit_code_is_the_same_unit_not_a_second_one(client, login, park, make_unit):
    # A Chinese input method types "ｐ－００１": it was stored as typed, a second P-001
    # that neither the unit list's search for "p-001" nor the import found.
    make_unit("P-001")
    login(park.manager)
    form = {
        "site_id": park.psy.id,
        "code": "ｐ－００１",
        "location": "",
        "area_m2": "12",
        "kind": "shop",
        "idempotency_key": "u1",
    }

    refused = client.post("/merchants/units/new", data=form)
    assert refused.status_code == 422
    assert "The code P-001 is already used at this site." in refused.get_data(as_text=True)
    assert count(Unit) == 1
    second = {**form, "code": "ｐ－００２ ", "idempotency_key": "u2"}
    added = client.post("/merchants/units/new", data=second)
    assert confirmation(client, added) == "Unit P-002 added."
    found = client.get("/merchants/units/?q=p-002").get_data(as_text=True)
    assert "P-002" in found and "P-001" not in found


def test_the_unit_list_finds_a_code_typed_in_full_width_forms(client, login, park, make_unit):
    # A Chinese input method types "ｐ－００１"; the code is stored as "P-001".
    make_unit("P-001")
    make_unit("P-002")
    login(park.manager)

    found = client.get("/merchants/units/?q=ｐ－００１").get_data(as_text=True)

    assert "P-001" in found and "P-002" not in found
