"""The ledger and home pages run a fixed number of queries, however many problems there are."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from parkops.auth.models import Department, User
from parkops.extensions import db
from parkops.rectification.models import (
    Measure,
    Problem,
    ProgressReport,
    Regulation,
    Source,
    Status,
)
from parkops.rectification.services import SELF_FOUND_OFFSET
from parkops.timeutil import business_day


@pytest.fixture
def office(ledger, make_user, login):
    user = make_user("office1", ["office"])
    login(user)
    return user


def fill(problems, office, today):
    """Give every problem its own owners and department, measures, a regulation, reports.

    Owners are new people for each problem, so a lazy load per row could not hide
    behind the session's identity map.
    """
    office = db.session.get(User, office.id)  # the session may have been emptied since
    for n, p in enumerate(problems):
        tag = f"{p.code}-{n}"
        leader, person, owner = (
            User(username=f"{role}-{tag}", display_name=f"{role} {tag}", password_hash="-")
            for role in ("leader", "person", "owner")
        )
        p.person, p.leader = person, leader
        p.department = Department(name=f"Department {tag}")
        p.deadline = today + timedelta(days=(n % 7) - 3)
        p.status = (Status.IN_PROGRESS, Status.COMPLETED, Status.NOT_STARTED)[n % 3]
        p.measures.extend(
            Measure(text=f"Measure {i}", owner=(owner, person, office)[i], deadline=p.deadline)
            for i in range(3)
        )
        p.regulations.append(Regulation(title=f"Rule {n}", adopted_on=today))
        p.reports.extend(
            ProgressReport(reported_on=today - timedelta(days=d), text="week", author=person)
            for d in (0, 8)
        )
    db.session.commit()
    db.session.expire_all()


def add_self_found(count, today):
    problems = [
        Problem(
            code=f"S{n}",
            sort_key=SELF_FOUND_OFFSET + n,
            source=Source.SELF,
            category_number=1 + n % 11,
            title=f"Self-found {n}",
        )
        for n in range(1, count + 1)
    ]
    db.session.add_all(problems)
    return problems


def measure(client, count_queries, url):
    client.get(url)  # warm up: the first request loads what every request would
    # The test's app context outlives requests, and so would the session's identity
    # map: empty it, or a lazy load per row would find its object there and hide.
    db.session.expunge_all()
    with count_queries() as counted:
        response = client.get(url)
    assert response.status_code == 200
    return counted.count


@pytest.mark.parametrize("url", ["/ledger/", "/ledger/export.xlsx", "/"])
def test_queries_do_not_grow_with_the_number_of_problems(office, client, count_queries, url):
    today = business_day()
    fill(db.session.scalars(select(Problem)).all(), office, today)
    with_39 = measure(client, count_queries, url)

    fill(add_self_found(60, today), office, today)
    assert db.session.query(Problem).count() == 99
    with_99 = measure(client, count_queries, url)
    assert with_99 == with_39, f"{url}: {with_39} queries for 39 problems, {with_99} for 99"
    if url == "/ledger/":  # its rows in one statement, the user in one (20 before)
        assert with_99 <= 10, with_99


@pytest.mark.parametrize("role", ["office", "crew"])
def test_the_problem_page_runs_a_fixed_number_of_queries(
    ledger, make_user, login, client, count_queries, role
):
    # The office's page has its forms (person pickers that search); the crew's has none.
    viewer = make_user("viewer", [role])
    login(viewer)
    today = business_day()
    p = db.session.scalar(select(Problem).where(Problem.code == "14"))
    fill([p], viewer, today)
    few = measure(client, count_queries, f"/ledger/problems/{p.id}")
    p = db.session.get(Problem, p.id)
    owners, authors = (
        [
            User(username=f"{kind}{i}", display_name=f"{kind} {i}", password_hash="-")
            for i in range(30)
        ]
        for kind in ("owner", "author")
    )
    p.measures.extend(Measure(text=f"More {i}", owner=owners[i]) for i in range(30))
    p.reports.extend(
        ProgressReport(reported_on=today - timedelta(days=i), text="more", author=authors[i])
        for i in range(30)
    )
    p.regulations.extend(Regulation(title=f"More {i}", adopted_on=today) for i in range(10))
    db.session.commit()
    assert len(p.reports) == 32
    many = measure(client, count_queries, f"/ledger/problems/{p.id}")
    assert many == few, (few, many)
    # The people on the page are joined to their rows, without their roles and sites
    # (29 statements for the office before).
    assert few <= {"office": 16, "crew": 15}[role], few
