"""Lists that grow with the years: the inspections list counts only a few pages ahead,
and a merchant's page shows the open violations due first with their count."""

import random
import re
from datetime import timedelta

from sqlalchemy import insert

from modules.merchants import inspection_generate
from modules.merchants.inspection_models import Violation, ViolationState
from modules.merchants.views.inspections import OPEN_SHOWN, PER_PAGE
from parkops.extensions import db
from parkops.paging import LOOKAHEAD_PAGES
from parkops.timeutil import business_day, utcnow
from tests.modules.merchants import test_inspections

leased = test_inspections.leased  # the fixture: merchants leasing units at both sites
AHEAD = (1 + LOOKAHEAD_PAGES) * PER_PAGE  # what page 1 counts at most


def _rows(page: str) -> int:
    return len(re.findall(r'href="/merchants/inspections/\d+"', page))


def test_the_inspections_list_counts_only_so_far_and_still_reaches_the_rest(
    client,
    login,
    park,
    leased,
    count_queries,
):
    inspection_generate.inspections(random.Random(1), AHEAD + 30, business_day(), park.manager.id)
    db.session.commit()
    login(park.manager)
    with count_queries() as q:
        first = client.get("/merchants/inspections/").get_data(as_text=True)
    assert _rows(first) == PER_PAGE and f"(more than {AHEAD})" in first
    assert "page=2" in first
    # The count stops after the pages it looks ahead: no statement counts every row.
    counted = [s for s in q.statements if "count(*)" in s and "mer_inspections" in s]
    assert counted and all("LIMIT" in s for s in counted), counted
    last = (AHEAD + 30 + PER_PAGE - 1) // PER_PAGE
    end = client.get(f"/merchants/inspections/?page={last}").get_data(as_text=True)
    assert _rows(end) == (AHEAD + 30) % PER_PAGE and f"({AHEAD + 30})" in end
    assert f"Page {last} of {last}" in end
    # A page past the end (a kept link) shows the last page, not an empty one.
    past = client.get(f"/merchants/inspections/?page={last + 5}").get_data(as_text=True)
    assert _rows(past) == _rows(end) and f"Page {last} of {last}" in past


def test_a_merchants_page_lists_the_open_violations_due_first_with_their_count(
    client,
    login,
    park,
    leased,
):
    today = business_day()
    rows = [
        {
            "site_id": leased.tea.site_id,
            "merchant_id": leased.tea.id,
            "check": "hygiene",
            "note": "",
            "found_at": utcnow(),
            "deadline": today + timedelta(days=n),
            "state": ViolationState.OPEN.value,
            "repeat": False,
            "failed_rechecks": 0,
            "recorded_by_id": park.manager.id,
        }
        for n in range(OPEN_SHOWN + 5)
    ]
    db.session.execute(insert(Violation), rows)
    db.session.commit()
    login(park.manager)
    page = client.get(f"/merchants/merchants/{leased.tea.id}").get_data(as_text=True)
    assert page.count("data-violation=") == OPEN_SHOWN and f"({OPEN_SHOWN + 5})" in page
    listed = client.get(f"/merchants/violations/?merchant={leased.tea.id}").get_data(as_text=True)
    assert 'id="merchant-open-violations"' in page
    assert listed.count("data-violation=") == OPEN_SHOWN + 5


def test_the_merchant_list_past_its_end_and_a_search_that_finds_none(
    client, login, park, make_merchant
):
    for n in range(PER_PAGE + 2):
        make_merchant(f"商户{n:03d}")
    login(park.manager)
    merchants = r'href="/merchants/merchants/\d+"'
    past = client.get("/merchants/?page=9").get_data(as_text=True)
    assert len(re.findall(merchants, past)) == 2 and "Page 2 of 2" in past
    # A search that finds none says so, not that there is no merchant, and offers a way back.
    none = client.get("/merchants/?q=<b>无此商户</b>").get_data(as_text=True)
    assert not re.findall(merchants, none) and "No merchant yet" not in none
    assert "No merchant matches “&lt;b&gt;无此商户&lt;/b&gt;”." in none
    assert 'id="merchants-clear-search" href="/merchants/"' in none
    units = client.get("/merchants/units/?q=无此铺位").get_data(as_text=True)
    assert "No unit yet" not in units and 'id="units-clear-search"' in units


def test_corrected_violations_count_only_so_far_and_open_ones_in_full(
    client, login, park, leased, count_queries
):
    def violations(state: ViolationState, count: int) -> list[dict]:
        return [
            {
                "site_id": leased.tea.site_id,
                "merchant_id": leased.tea.id,
                "check": "hygiene",
                "note": "",
                "found_at": utcnow(),
                "deadline": business_day() + timedelta(days=n % 30),
                "state": state.value,
                "repeat": False,
                "failed_rechecks": 0,
                "recorded_by_id": park.manager.id,
            }
            for n in range(count)
        ]

    db.session.execute(insert(Violation), violations(ViolationState.OPEN, 3))
    db.session.commit()
    login(park.manager)
    with count_queries() as few:
        client.get("/merchants/violations/?show=corrected")
    db.session.execute(insert(Violation), violations(ViolationState.CORRECTED, AHEAD + 30))
    db.session.commit()
    with count_queries() as q:
        corrected = client.get("/merchants/violations/?show=corrected").get_data(as_text=True)
    assert corrected.count("data-violation=") == PER_PAGE and f"(more than {AHEAD})" in corrected
    assert "Page 1</span>" in corrected and "page=2" in corrected
    assert q.count == few.count
    counted = [s for s in q.statements if "count(*)" in s and "mer_violations" in s]
    assert counted and all("LIMIT" in s for s in counted), counted
    # Open ones are the work outstanding: counted in full, each row with its merchant.
    open_ = client.get("/merchants/violations/").get_data(as_text=True)
    assert open_.count("data-violation=") == 3 and "(3)" in open_
    assert open_.count(f'href="/merchants/merchants/{leased.tea.id}"') == 3
