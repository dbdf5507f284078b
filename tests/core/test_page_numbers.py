"""Every list reads ``?page=`` through parkops.paging (``page_arg``, or the paginations
that clamp it): a page number no integer column holds, a negative one or text, typed
by hand, shows a page, never a server error."""

import pytest

from parkops import demo
from tests.demo_copy import load_demo

NUMBERS = ["9223372036854775807", "99999999999999999999", "-1", "abc"]  # 2**63 - 1, …

LISTS = [  # every paginated list that needs no record to open
    "/ledger/",
    "/audit/",
    "/admin/users",
    "/notifications/",
    "/reports/weekly/new",
    "/facilities/",
    "/greening/",
    "/greening/tasks",
    "/greening/completion",
    "/merchants/",
    "/merchants/units/",
    "/merchants/inspections/",
    "/merchants/violations/",
    "/patrols/findings",
    "/receivables/",
    "/receivables/debtors/",
    "/receivables/aging",
    "/receivables/write-offs/",
    "/ticketing/shifts",
]
OF_A_RECORD = [  # lists within one record, opened on the demo data's
    "/ledger/problems/14/evidence/facilities.inspection",  # 1,691 inspections
    "/receivables/campaigns/1",
    "/greening/plan",  # a site's plan
    "/greening/rounds/1",
    "/greening/rounds/1/payouts",
]


@pytest.mark.parametrize("number", NUMBERS)
def test_every_list_shows_a_page_for_any_page_number(client, ledger, make_user, login, number):
    login(make_user("boss", ["admin"], all_sites=True))
    for url in LISTS:
        response = client.get(f"{url}?page={number}")
        assert response.status_code == 200, (url, response.status_code)


def test_the_lists_of_a_record_show_a_page_for_any_page_number(client, ledger, login):
    assert load_demo()
    login("admin", demo.PASSWORD)
    for url in OF_A_RECORD:
        assert client.get(url).status_code == 200, url
        for number in NUMBERS:
            response = client.get(f"{url}?page={number}")
            assert response.status_code == 200, (url, number, response.status_code)
