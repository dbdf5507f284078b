"""A ledger of thousands: the list comes in pages of the 台账's shape (headings, the
notice's order, self-found last), every problem reachable, the filters kept from page
to page; the export still holds them all; a page's queries do not grow with the ledger."""

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from parkops.extensions import db
from parkops.rectification.ledger_list import PER_PAGE
from parkops.rectification.models import Problem, Source, Status
from parkops.rectification.services import SELF_FOUND_OFFSET

from .test_ledger_queries import measure


def add_self_found(start: int, stop: int) -> list[Problem]:
    """Self-found problems S<start> to S<stop>, across the categories."""
    problems = [
        Problem(
            code=f"S{n}",
            sort_key=SELF_FOUND_OFFSET + n,
            source=Source.SELF,
            category_number=1 + n % 11,
            title=f"Self-found {n}",
        )
        for n in range(start, stop + 1)
    ]
    db.session.add_all(problems)
    db.session.commit()
    return problems


def codes(html: str) -> list[str]:
    return re.findall(r'id="problem-([0-9S]+)"', html)


@pytest.fixture
def office(ledger, make_user, login, client):
    user = make_user("office1", ["office"], all_sites=True)
    login(user)
    client.post("/language/en")
    return user


def test_every_problem_is_reachable_page_by_page_in_the_ledgers_order(office, client):
    add_self_found(1, 150)
    assert PER_PAGE == 50  # the notice's 39 and the first 11 self-found on the first page
    first = client.get("/ledger/").get_data(as_text=True)
    assert codes(first) == [str(n) for n in range(1, 40)] + [f"S{n}" for n in range(1, 12)]
    assert "189 problems · Page 1 of 4" in first
    assert re.findall(r'id="section-(\w+)"', first) == ["1", "2", "3", "4", "self"]
    assert 'href="/ledger/?page=2">Next' in first
    second = client.get("/ledger/?page=2").get_data(as_text=True)
    assert codes(second) == [f"S{n}" for n in range(12, 62)]
    assert re.findall(r'id="section-(\w+)"', second) == ["self"]  # still under its heading
    assert 'href="/ledger/?page=1">‹ Previous' in second
    last = client.get("/ledger/?page=4").get_data(as_text=True)
    assert codes(last) == [f"S{n}" for n in range(112, 151)] and "Next" not in last
    # A page past the end (a kept link, the ledger filtered since) shows the last page.
    past = client.get("/ledger/?page=9").get_data(as_text=True)
    assert codes(past) == codes(last) and "Page 4 of 4" in past
    # A page number no integer column holds (typed by hand) too, not a server error.
    huge = client.get("/ledger/?page=99999999999999999999")
    assert huge.status_code == 200 and codes(huge.get_data(as_text=True)) == codes(last)


def test_the_filters_go_with_the_pages(office, client):
    for p in add_self_found(1, 150):
        p.status = Status.IN_PROGRESS if int(p.code[1:]) % 4 == 0 else Status.COMPLETED
    db.session.commit()
    first = client.get("/ledger/?status=in_progress&source=self").get_data(as_text=True)
    assert "37 problems" in first and "Page 1" not in first  # one page: no pager
    first = client.get("/ledger/?source=self").get_data(as_text=True)
    assert 'href="/ledger/?page=2&amp;source=self">Next' in first
    second = client.get("/ledger/?page=2&source=self").get_data(as_text=True)
    assert codes(second) == [f"S{n}" for n in range(51, 101)]


def test_the_export_holds_every_problem_whatever_the_page(office, client):
    add_self_found(1, 150)
    response = client.get("/ledger/export.xlsx?page=2")
    sheet = load_workbook(BytesIO(response.data))["Ledger"]
    assert sheet.max_row - 1 == db.session.query(Problem).count() == 189


def test_a_page_runs_as_many_queries_as_the_first_however_long_the_ledger(
    office, client, count_queries
):
    add_self_found(1, 150)
    first = measure(client, count_queries, "/ledger/")
    second = measure(client, count_queries, "/ledger/?page=2")
    add_self_found(151, 400)
    last = measure(client, count_queries, "/ledger/?page=4")
    assert first == second == last, (first, second, last)
