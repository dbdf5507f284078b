"""The ledger list: headings in the notice's order, filters, computed completion rates."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from parkops.auth.models import Department
from parkops.extensions import db
from parkops.rectification.models import Problem, Source, Status
from parkops.timeutil import business_day


def problem(code: str) -> Problem:
    return db.session.scalar(select(Problem).where(Problem.code == code))


def codes(html: str) -> list[str]:
    return re.findall(r'id="problem-([0-9S]+)"', html)


@pytest.fixture
def office(ledger, make_user, login, client):
    user = make_user("office1", ["office"], all_sites=True, display_name="Li Min")
    login(user)
    client.post("/language/en")
    return user


def test_all_39_problems_under_their_section_and_category_headings(office, client):
    html = client.get("/ledger/").get_data(as_text=True)
    assert codes(html) == [str(n) for n in range(1, 40)]
    # Sections 一 to 四 and categories 1 to 11 each open once, in order.
    assert re.findall(r'id="section-(\d)"', html) == ["1", "2", "3", "4"]
    assert re.findall(r'id="category-(\d+)"', html) == [str(n) for n in range(1, 12)]
    assert "一、理论武装不到位" in html
    assert "4. 创新发展能力不足,景区经营管理水平较低" in html
    # Category 4 holds problems 7 to 15: its heading sits just before 7.
    assert (
        html.index('id="category-4"') < html.index('id="problem-7"') < html.index('id="category-5"')
    )
    assert "设施维护不及时。" in html


def test_each_row_says_who_answers_for_it_and_marks_overdue(office, client, make_user):
    today = business_day()
    leader = make_user("wang", ["leader"], display_name="Director Wang")
    department = Department(name="Engineering")
    db.session.add(department)
    p = problem("14")
    p.leader, p.person, p.department = leader, office, department
    p.deadline, p.status = today - timedelta(days=1), Status.IN_PROGRESS
    db.session.commit()
    html = client.get("/ledger/").get_data(as_text=True)
    row = html[html.index('id="problem-14"') : html.index('id="problem-15"')]
    assert "Director Wang" in row and "Engineering" in row and "Li Min" in row
    assert (today - timedelta(days=1)).isoformat() in row
    assert '<tr class="problem-row overdue" id="problem-14">' in html and "Overdue" in row
    # Phones: every cell carries its label for the card layout.
    assert 'data-label="Responsible person"' in row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("section=2", [*(str(n) for n in range(4, 19)), "S1"]),
        ("category=11", ["36", "37", "38", "39"]),
        ("status=completed", ["14"]),
        ("overdue=1", ["15"]),
        ("overdue=0&category=11", ["36", "37", "38", "39"]),
        ("source=self", ["S1"]),
        ("source=inspection&category=1", ["1", "2"]),
    ],
)
def test_filters(office, client, make_user, query, expected):
    today = business_day()
    problem("14").status = Status.COMPLETED
    late = problem("15")
    late.deadline, late.status = today - timedelta(days=3), Status.IN_PROGRESS
    # A long-term problem past its deadline is not overdue.
    long_term = problem("16")
    long_term.deadline, long_term.status = today - timedelta(days=3), Status.LONG_TERM
    db.session.add(
        Problem(code="S1", sort_key=1001, source=Source.SELF, category_number=4, title="Self")
    )
    db.session.commit()
    html = client.get(f"/ledger/?{query}").get_data(as_text=True)
    assert codes(html) == expected


def test_filter_by_department_and_by_person_as_person_or_leader(office, client, make_user):
    other = make_user("zhao", ["crew"])
    department = Department(name="Finance")
    db.session.add(department)
    problem("36").department = department
    problem("35").person = other
    problem("37").leader = other
    db.session.commit()
    assert codes(client.get(f"/ledger/?department={department.id}").get_data(as_text=True)) == [
        "36"
    ]
    assert codes(client.get(f"/ledger/?person={other.id}").get_data(as_text=True)) == ["35", "37"]
    # Typed into the picker (a name, or the label it offers), the filter is the same.
    for typed in (other.username, f"{other.display_name} ({other.username})"):
        html = client.get("/ledger/", query_string={"person": typed}).get_data(as_text=True)
        assert codes(html) == ["35", "37"]


def test_the_person_filter_searches_instead_of_listing_everyone(office, client, make_user):
    for n in range(30):
        make_user(f"clerk{n:02d}", display_name=f"Clerk {n:02d}")
    html = client.get("/ledger/").get_data(as_text=True)
    assert "Clerk 07" not in html  # nobody listed: the picker asks /people/search
    assert 'data-people-search="/people/search"' in html and "js/people.js" in html
    chosen = client.get("/ledger/?person=clerk07").get_data(as_text=True)
    assert 'value="Clerk 07 (clerk07)"' in chosen  # the filter shows whom it keeps


def test_a_bad_filter_is_reported_and_ignored(office, client):
    response = client.get("/ledger/?status=finished&category=99&person=abc&section=1")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Unknown status; filter ignored." in html
    assert "Unknown category; filter ignored." in html
    assert "Unknown person; filter ignored." in html
    assert codes(html) == ["1", "2", "3"]  # the valid section filter still applies


def test_completion_rates_are_computed_from_statuses(office, client):
    for code in ("1", "2", "36", "37"):
        problem(code).status = Status.COMPLETED
    db.session.add_all(
        [
            Problem(
                code="S1",
                sort_key=1001,
                source=Source.SELF,
                category_number=4,
                title="Self one",
                status=Status.COMPLETED,
            ),
            Problem(code="S2", sort_key=1002, source=Source.SELF, category_number=1, title="Two"),
        ]
    )
    db.session.commit()
    html = client.get("/ledger/").get_data(as_text=True)
    overall = html[html.index('id="rate-overall"') : html.index('id="rate-self"')]
    assert "10%" in overall and "4 of 39 completed" in overall
    self_found = html[html.index('id="rate-self"') :]
    assert "50%" in self_found and "1 of 2 completed" in self_found
    # Category 1 (problems 1, 2) is done; category 11 (36 to 39) half done.
    category_1 = html[html.index('id="category-1"') : html.index('id="problem-1"')]
    assert "2/2 · <strong>100%</strong>" in category_1
    category_11 = html[html.index('id="category-11"') : html.index('id="problem-36"')]
    assert "2/4 · <strong>50%</strong>" in category_11
    # Self-found problems are listed apart, after the notice's 39, by their number.
    assert codes(html)[-2:] == ["S1", "S2"]


def test_export_link_carries_the_filters(office, client):
    html = client.get("/ledger/?status=in_progress&overdue=1").get_data(as_text=True)
    link = re.search(r'id="export-xlsx" href="([^"]+)"', html).group(1)
    assert link.startswith("/ledger/export.xlsx?")
    assert "status=in_progress" in link and "overdue=1" in link


def test_the_filter_form_and_export_link_have_stable_ids(office, client):
    html = client.get("/ledger/").get_data(as_text=True)
    assert 'id="ledger-filters"' in html and 'id="export-xlsx"' in html


def test_staff_without_export_or_edit_see_the_list_without_those_actions(
    ledger, make_user, login, client
):
    login(make_user("crew1", ["crew"]))
    html = client.get("/ledger/").get_data(as_text=True)
    assert codes(html)[:3] == ["1", "2", "3"]
    assert 'id="export-xlsx"' not in html and 'id="add-self-found"' not in html


def test_a_user_without_a_role_may_not_read_the_ledger(ledger, make_user, login, client):
    login(make_user("nobody", []))
    assert client.get("/ledger/").status_code == 403
