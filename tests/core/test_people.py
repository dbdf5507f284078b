"""Person pickers search instead of listing every user: the problem page holds no list
of people, the search answers with the people the editor may see, and a typed name
or username (no script) is resolved on the server by the same rule."""

import pytest
from sqlalchemy import select

from parkops.auth.models import User
from parkops.extensions import db
from parkops.rectification.models import Problem

from .test_ledger_queries import measure


def problem(code: str) -> Problem:
    return db.session.scalar(select(Problem).where(Problem.code == code))


@pytest.fixture
def sites(make_site):
    return make_site("PSY", "濮上园"), make_site("ZY", "中原绿色庄园")


@pytest.fixture
def office(ledger, make_user, login, client):
    user = make_user("office1", ["office"], all_sites=True, display_name="Li Min")
    login(user)
    client.post("/language/en")
    return user


def add_staff(count: int, start: int = 0) -> None:
    db.session.add_all(
        User(username=f"staff{n:03}", display_name=f"Staff {n:03}", password_hash="-")
        for n in range(start, start + count)
    )
    db.session.commit()


def owners(p: Problem, **changes) -> dict:
    db.session.expire_all()
    data = {"version": str(p.version), "leader": "", "department": "", "person": ""}
    return {**data, "deadline": "", "status": "in_progress", **changes}


def test_the_problem_page_lists_no_people_and_its_queries_do_not_grow(
    office, client, count_queries
):
    p = problem("14")
    add_staff(5)
    few = measure(client, count_queries, f"/ledger/problems/{p.id}")
    add_staff(200, start=5)
    many = measure(client, count_queries, f"/ledger/problems/{p.id}")
    assert many == few
    page = client.get(f"/ledger/problems/{p.id}").get_data(as_text=True)
    assert "Staff 0" not in page and "Staff 1" not in page  # nobody listed, as pickers search
    assert 'data-people-search="/people/search"' in page and "js/people.js" in page


def test_the_search_finds_by_name_or_username_at_most_twenty_by_name(office, client):
    add_staff(30)
    db.session.add(User(username="wangf", display_name="Wang Fang", password_hash="-"))
    db.session.add(User(username="gone", display_name="Wang Gone", password_hash="-", active=False))
    db.session.add(User(username="pct", display_name="100% sure", password_hash="-"))
    db.session.commit()
    found = client.get("/people/search?q=WANG").get_json()
    assert found == [{"id": found[0]["id"], "label": "Wang Fang (wangf)"}]  # not the inactive
    staff = client.get("/people/search?q=staff0").get_json()
    assert len(staff) == 20 and staff[0]["label"] == "Staff 000 (staff000)"
    assert [p["label"] for p in client.get("/people/search?q=0%25").get_json()] == [
        "100% sure (pct)"  # % is a character, not a wildcard
    ]
    assert client.get("/people/search?q=").get_json() == []


def test_the_search_shows_only_the_people_of_the_editors_sites(
    ledger, make_user, login, client, sites
):
    psy, zy = sites
    make_user("here", display_name="Here Person", sites=[psy])
    make_user("there", display_name="There Person", sites=[zy])
    make_user("boss", display_name="Boss Person", all_sites=True)
    login(make_user("clerk", ["office"], sites=[psy], display_name="Clerk Person"))
    labels = [p["label"] for p in client.get("/people/search?q=person").get_json()]
    assert labels == ["Boss Person (boss)", "Clerk Person (clerk)", "Here Person (here)"]
    # Typed without the script, someone of another site is refused the same way.
    p = problem("14")
    refused = client.post(f"/ledger/problems/{p.id}/owners", data=owners(p, person="there"))
    assert refused.status_code == 422
    assert problem("14").person_id is None


def test_ledger_readers_may_search_for_the_person_filter(ledger, make_user, login, client):
    make_user("wangf", display_name="Wang Fang")
    login(make_user("reader", ["crew"], all_sites=True))
    assert client.get("/people/search?q=wang").get_json()[0]["label"] == "Wang Fang (wangf)"


def test_an_account_without_the_ledger_may_not_search(ledger, make_user, login, client):
    login(make_user("nobody", [], all_sites=True))
    assert client.get("/people/search?q=a").status_code == 403


def test_a_name_two_people_share_needs_the_username(office, client, make_user):
    first = make_user("wang1", display_name="Wang Fang")
    make_user("wang2", display_name="Wang Fang")
    p = problem("14")
    refused = client.post(f"/ledger/problems/{p.id}/owners", data=owners(p, leader="Wang Fang"))
    assert refused.status_code == 422
    assert "Several people have that name" in refused.get_data(as_text=True)
    assert 'name="leader" type="text" value="Wang Fang"' in refused.get_data(as_text=True)
    chosen = owners(p, leader="Wang Fang (wang1)")
    assert client.post(f"/ledger/problems/{p.id}/owners", data=chosen).status_code == 303
    assert problem("14").leader_id == first.id
    page = client.get(f"/ledger/problems/{p.id}").get_data(as_text=True)
    assert 'value="Wang Fang (wang1)"' in page  # shown back as the picker names people


def test_a_deactivated_owner_stays_but_cannot_be_chosen_anew(office, client, make_user):
    gone = make_user("gone", display_name="Gone Person")
    other = make_user("left", display_name="Left Too", active=False)
    p = problem("14")
    p.person_id = gone.id
    db.session.commit()
    gone.active = False
    db.session.commit()
    kept = owners(p, person="Gone Person (gone)", status="completed")
    assert client.post(f"/ledger/problems/{p.id}/owners", data=kept).status_code == 303
    assert problem("14").person_id == gone.id
    refused = client.post(f"/ledger/problems/{p.id}/owners", data=owners(p, person=other.username))
    assert refused.status_code == 422
    assert problem("14").person_id == gone.id


def test_a_signed_in_request_loads_its_user_in_one_statement(office, client, count_queries):
    client.get("/people/search?q=nobody-has-this")
    db.session.expunge_all()  # as in a new request: nothing left in the identity map
    with count_queries() as counted:
        assert client.get("/people/search?q=nobody-has-this").get_json() == []
    # The account with its roles and sites in one statement, then the search itself.
    assert counted.count == 2, counted.statements


def test_the_search_costs_the_same_statements_for_one_match_or_twenty(
    office, client, count_queries
):
    add_staff(1)
    one = measure(client, count_queries, "/people/search?q=staff0")
    add_staff(40, start=1)
    twenty = measure(client, count_queries, "/people/search?q=staff0")
    # The account, then the search: no roles or sites loaded per person found.
    assert one == twenty == 2
    assert len(client.get("/people/search?q=staff0").get_json()) == 20
