"""The merchants' search: a substring of the name, contact or phone, found through the
index of their pieces (``mer_merchant_grams``), not by reading every merchant."""

import random
import re

import pytest
from sqlalchemy import text

from modules.merchants import generate, register
from parkops.extensions import db
from parkops.paging import LOOKAHEAD_PAGES, PER_PAGE
from parkops.timeutil import business_day

AHEAD = (1 + LOOKAHEAD_PAGES) * PER_PAGE  # what page 1 of a search counts at most
MERCHANT_LINK = r'href="/merchants/merchants/\d+"'


def _names(page: str) -> set[str]:
    return set(re.findall(r"搜索样例[^<\s]*", page))


@pytest.fixture
def merchants(make_merchant):
    make_merchant("搜索样例餐饮店", contact="张经理", phone="13911112222")
    # The pieces of 餐饮 but not the text.
    make_merchant("搜索样例饮餐部", contact="李会计", phone="13800000000")
    make_merchant("搜索样例ABC Café", contact="王老板", phone="0393-1234")


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("餐饮", {"搜索样例餐饮店"}),  # two characters inside the name
        ("餐", {"搜索样例餐饮店", "搜索样例饮餐部"}),  # one character
        ("李会", {"搜索样例饮餐部"}),  # the contact
        ("1111", {"搜索样例餐饮店"}),  # the phone
        ("１１１１", {"搜索样例餐饮店"}),  # the phone typed in full-width digits
        ("０３９３－１２", {"搜索样例ABC"}),
        ("abc caf", {"搜索样例ABC"}),  # ASCII in either case
        ("样例餐饮店", {"搜索样例餐饮店"}),  # longer than the pieces looked up
        ("饮店部", set()),
    ],
)
def test_the_search_finds_a_substring_of_the_name_contact_or_phone(
    client, login, park, merchants, typed, found
):
    login(park.manager)
    page = client.get("/merchants/", query_string={"q": typed}).get_data(as_text=True)
    assert _names(page) == found


def test_the_search_reads_the_index_not_every_merchant(
    client, login, park, merchants, count_queries
):
    login(park.manager)
    with count_queries() as q:
        page = client.get("/merchants/?q=餐饮").get_data(as_text=True)
    assert _names(page) == {"搜索样例餐饮店"}
    searched = [s for s in q.statements if "mer_merchants" in s and "LIKE" in s.upper()]
    assert searched and all("mer_merchant_grams" in s for s in searched), searched
    if db.engine.dialect.name == "sqlite":
        query = register.merchant_list(park.manager, "餐饮")
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        steps = " | ".join(row[-1] for row in plan)
        assert "SCAN mer_merchants" not in steps and "mer_merchant_grams" in steps, steps


def test_a_merchant_registered_on_the_form_is_found_at_once(client, login, park):
    login(park.manager)
    form = {
        "site_id": park.psy.id,
        "name": "搜索样例新开茶社",
        "kind": "company",
        "business_type": "catering",
        "contact": "赵六",
        "phone": "13700000000",
        "idempotency_key": "s1",
    }
    assert client.post("/merchants/merchants/new", data=form).status_code == 303
    page = client.get("/merchants/?q=新开").get_data(as_text=True)
    assert _names(page) == {"搜索样例新开茶社"}


def test_a_search_of_many_matches_counts_them_only_so_far_at_the_same_cost(
    client, login, park, make_merchant, count_queries
):
    make_merchant("濮阳一家")
    login(park.manager)

    def search() -> tuple[str, object]:
        with count_queries() as q:
            page = client.get("/merchants/?q=濮阳").get_data(as_text=True)
        return page, q

    one, few = search()
    assert len(re.findall(MERCHANT_LINK, one)) == 1 and "(1)" in one
    many_merchants = AHEAD + 30  # the generator names them 濮阳<trade><n>
    today, by = business_day(), park.manager.id
    generate.merchants(random.Random(1), [park.psy.id], many_merchants, 1, today, by)
    db.session.commit()
    many, q = search()
    assert len(re.findall(MERCHANT_LINK, many)) == PER_PAGE
    assert f"(more than {AHEAD})" in many and "page=2&amp;q=%E6%BF%AE%E9%98%B3" in many
    assert q.count == few.count  # the same statements for 1 match or 580
    # The count stops after the pages it looks ahead: no statement counts every match.
    counted = [s for s in q.statements if "count(*)" in s and "mer_merchants" in s]
    assert counted and all("LIMIT" in s for s in counted), counted
    last = (many_merchants + 1 + PER_PAGE - 1) // PER_PAGE
    end = client.get(f"/merchants/?q=濮阳&page={last}").get_data(as_text=True)
    assert len(re.findall(MERCHANT_LINK, end)) == (many_merchants + 1) % PER_PAGE
    assert f"({many_merchants + 1})" in end and f"Page {last} of {last}" in end
