"""The merchants' search: a substring of the name, contact or phone, found through the
index of their pieces (``mer_merchant_grams``), not by reading every merchant."""

import re

import pytest
from sqlalchemy import text

from modules.merchants import register
from parkops.extensions import db


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
