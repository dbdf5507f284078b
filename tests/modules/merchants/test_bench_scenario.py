"""The merchants bench scenario stays in step with the module: its generator loads
merchants with ten years of contracts, and its pages answer with the same number of
queries at a small and a larger scale. Timings are `make bench`'s."""

from sqlalchemy import func, select

from bench.measure import queries_per_page
from bench.scenarios import merchants
from modules.merchants.inspection_models import Inspection
from modules.merchants.models import Contract, ContractState, Merchant
from parkops import demo
from parkops.extensions import db
from tests.demo_copy import load_demo


def test_merchants_scenario_builds_and_its_pages_answer_in_constant_queries(app):
    load_demo()
    before = db.session.scalar(select(func.count()).select_from(Contract))

    def queries(scale):
        merchants.setup(app, scale)
        db.session.remove()
        results = [queries_per_page(app, page, demo.PASSWORD) for page in merchants.pages(app)]
        assert all(status == 200 for _q, status in results)
        return [q for q, _status in results]

    small = queries(0.004)  # 20 merchants
    assert queries(0.04) == small  # 200 more
    added = db.session.scalar(select(func.count()).select_from(Contract)) - before
    assert added == 220 * merchants.CONTRACTS_EACH
    active = select(func.count()).where(Contract.state == ContractState.ACTIVE)
    assert db.session.scalar(active) >= 220
    assert db.session.scalar(select(func.count()).select_from(Merchant)) == 25 + 220
    demo_inspections = 8
    inspections = db.session.scalar(select(func.count()).select_from(Inspection))
    assert inspections == demo_inspections + 220 * merchants.INSPECTIONS_EACH
