"""Every list reads ``?page=`` through parkops.paging.page_arg: a page number no
integer column holds, typed by hand, shows a page, never a server error."""

import pytest

LISTS = [
    "/ledger/",
    "/audit/",
    "/facilities/",
    "/greening/tasks",
    "/merchants/",
    "/merchants/units/",
    "/merchants/inspections/",
    "/merchants/violations/",
    "/patrols/findings",
    "/receivables/",
    "/receivables/debtors/",
    "/receivables/aging",
    "/receivables/write-offs/",
]


@pytest.mark.parametrize("number", ["9223372036854775807", "99999999999999999999", "-5", "x"])
def test_every_list_shows_a_page_for_any_page_number(client, make_user, login, number):
    login(make_user("boss", ["admin"], all_sites=True))
    for url in LISTS:
        response = client.get(f"{url}?page={number}")
        assert response.status_code == 200, (url, response.status_code)
