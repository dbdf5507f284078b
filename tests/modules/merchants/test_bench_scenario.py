"""The merchants bench scenario stays in step with the module: its generator loads
merchants with ten years of contracts, its pages answer with the same number of
queries at a small and a larger volume, and its hundredth keeps a page of merchants
(structure) with a hundredth of the contracts and inspections (history).
Timings are `make bench`'s."""

from sqlalchemy import func, select

from bench.measure import queries_per_page
from bench.scenarios import merchants
from modules.merchants.generate import TRADES
from modules.merchants.inspection_models import Inspection
from modules.merchants.models import Contract, ContractState, Merchant
from parkops import demo
from parkops.extensions import db
from parkops.paging import PER_PAGE
from tests.demo_copy import load_demo


def test_merchants_scenario_builds_and_its_pages_answer_in_constant_queries(app, monkeypatch):
    load_demo()
    before = db.session.scalar(select(func.count()).select_from(Contract))

    def queries(count):
        monkeypatch.setattr(merchants, "MERCHANTS", count)
        merchants.setup(app)
        db.session.remove()
        results = [queries_per_page(app, page, demo.PASSWORD) for page in merchants.pages(app)]
        assert all(status == 200 for _q, status in results)
        return [q for q, _status in results]

    small = queries(20)
    assert queries(200) == small
    added = db.session.scalar(select(func.count()).select_from(Contract)) - before
    assert added == 220 * merchants.CONTRACTS_EACH
    active = select(func.count()).where(Contract.state == ContractState.ACTIVE)
    assert db.session.scalar(active) >= 220
    assert db.session.scalar(select(func.count()).select_from(Merchant)) == 25 + 220
    demo_inspections = 8
    inspections = db.session.scalar(select(func.count()).select_from(Inspection))
    assert inspections == demo_inspections + 220 * merchants.INSPECTIONS_EACH


def test_the_hundredth_fills_a_page_of_the_search_with_a_hundredth_of_the_history(app):
    load_demo()
    contracts_before = db.session.scalar(select(func.count()).select_from(Contract))
    merchants_before = db.session.scalar(select(func.count()).select_from(Merchant))

    merchants.setup(app, 0.01)

    # Merchants are structure: enough that the bench's search (one in eight) fills a page.
    built = db.session.scalar(select(func.count()).select_from(Merchant)) - merchants_before
    assert built == PER_PAGE * len(TRADES)
    found = select(func.count()).where(Merchant.name.contains("餐饮"))
    assert db.session.scalar(found) >= PER_PAGE
    # Contracts and inspections are history: a hundredth of the full volume's.
    added = db.session.scalar(select(func.count()).select_from(Contract)) - contracts_before
    assert added == built  # the one in force each (a hundredth of 20,000 is 200)
    inspections = db.session.scalar(select(func.count()).select_from(Inspection)) - 8
    assert inspections == merchants.MERCHANTS * merchants.INSPECTIONS_EACH // 100
