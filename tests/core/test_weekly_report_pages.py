"""The weekly report on screen for a city's ledger: the totals over every problem, the
problems 50 a page (overdue first, every one reachable), while the submitted report's
.xlsx and .docx keep every row; the page's statements do not grow with the ledger."""

import io
import re
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select

from parkops import demo
from parkops.auth.models import User
from parkops.extensions import db
from parkops.paging import PER_PAGE
from parkops.rectification.models import Status
from parkops.reports import services
from parkops.timeutil import business_day, week_start
from tests.demo_copy import load_demo

from .test_ledger_pages import add_self_found


def new_url() -> str:
    """This week's preview. Read in each test, not at import: a suite that crossed a
    local Sunday midnight since asked for last week's, which the demo has submitted."""
    return f"/reports/weekly/new?week={week_start(business_day()).isoformat()}"


def rows(html: str) -> list[str]:
    return re.findall(r'<tr id="row-([0-9S]+)"', html)


@pytest.fixture
def office(ledger, login, client):
    """The demo ledger (46 problems, 18 overdue) grown by 60 self-found ones, S25 of them
    overdue; signed in as the office, in English."""
    load_demo()
    for p in add_self_found(8, 67):
        if p.code == "S25":
            p.status, p.deadline = Status.IN_PROGRESS, business_day() - timedelta(days=3)
    db.session.commit()
    login("office", demo.PASSWORD)
    client.post("/language/en")
    return db.session.scalar(select(User).where(User.username == "office"))


def test_the_preview_shows_a_page_of_problems_and_reaches_every_one(office, client):
    week = week_start(business_day()).isoformat()
    new = f"/reports/weekly/new?week={week}"
    first = client.get(new).get_data(as_text=True)
    shown = rows(first)
    assert len(shown) == PER_PAGE
    assert shown[:2] == ["18", "S25"]  # the overdue first, over every page
    assert "Problems 1–50 of 106" in first and 'id="total-percent">' in first
    assert f'href="/reports/weekly/new?page=2&amp;week={week}">Next' in first
    second = client.get(f"{new}&page=2").get_data(as_text=True)
    third = client.get(f"{new}&page=3").get_data(as_text=True)
    everything = shown + rows(second) + rows(third)
    assert len(everything) == len(set(everything)) == 106
    assert rows(third)[-1] == "S67" and "Next" not in third


def test_the_submitted_report_pages_on_screen_and_keeps_every_row_in_its_files(office, client):
    today = business_day()
    report = services.submit(week_start(today), "本周。", office, today)
    page = client.get(f"/reports/weekly/{report.id}").get_data(as_text=True)
    assert len(rows(page)) == PER_PAGE and "Problems 1–50 of 106" in page
    assert rows(client.get(f"/reports/weekly/{report.id}?page=3").get_data(as_text=True))
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/reports/weekly/{report.id}.xlsx").data))
    assert len(list(book["台账"].iter_rows(values_only=True))) == 1 + 106


def test_a_small_ledger_has_no_pager(ledger, login, client):
    load_demo()
    login("office", demo.PASSWORD)
    page = client.get(new_url()).get_data(as_text=True)
    assert len(rows(page)) == 46 and 'class="pager"' not in page
    assert 'id="problems-shown"' not in page


def test_the_preview_runs_the_same_statements_for_any_ledger(office, client, count_queries):
    new = new_url()
    client.get(new)
    with count_queries() as small:
        client.get(new)
    add_self_found(68, 300)
    with count_queries() as large:
        page = client.get(f"{new}&page=2").get_data(as_text=True)
    assert large.count == small.count and len(rows(page)) == PER_PAGE
