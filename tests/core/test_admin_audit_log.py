"""The audit log viewer: newest first, filters, and the chain check (read-only)."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text, update

from parkops import audit
from parkops.audit import AuditEntry
from parkops.extensions import db

from .test_ledger_queries import measure
from .test_people import add_staff


@pytest.fixture
def leader(client, make_user, login):
    user = make_user("leader1", ["leader"], all_sites=True, display_name="王局长")
    login(user)
    client.post("/language/en")
    return user


def actions_listed(response) -> list[str]:
    return re.findall(r'data-action="([^"]+)"', response.text)


def add_entries(actor, n, action="test.action"):
    for i in range(n):
        audit.record(action, "thing", i, {"n": i}, actor=actor)
    db.session.commit()


def test_newest_first_with_actor_object_and_details(client, leader, make_user):
    crew = make_user("crew1", ["crew"], display_name="赵强")
    changes = {"code": "14", "status": ["not_started", "completed"], "person_id": [None, crew.id]}
    audit.record("ledger.problem_updated", "problem", 14, changes, actor=crew)
    audit.record("admin.user_updated", "user", crew.id, {"changes": {"roles": [[], ["crew"]]}})
    db.session.commit()
    response = client.get("/audit/")
    assert response.status_code == 200
    listed = actions_listed(response)
    first, second = "ledger.problem_updated", "admin.user_updated"
    assert listed.index(second) < listed.index(first) < listed.index("auth.login")
    page = response.text
    assert ">Problem changed<" in page and ">Account changed<" in page and ">Signed in<" in page
    assert '<a href="/ledger/problems/14">Problem 14</a>' in page
    assert re.search(r"<dt>Status</dt><dd>Not started → Completed</dd>", page)
    assert re.search(r"<dt>Person responsible</dt><dd>— → 赵强</dd>", page)
    assert re.search(r"<dt>Roles</dt><dd>— → Repair squad</dd>", page)
    assert f'<a href="/admin/users/{crew.id}">Account 赵强</a>' in page


def test_paginated(client, leader):
    add_entries(leader, 60)
    first, second = client.get("/audit/"), client.get("/audit/?page=2")
    assert len(actions_listed(first)) == 50
    # 60 entries and the leader's sign-in, the oldest, last on the second page
    assert actions_listed(second) == ["test.action"] * 10 + ["auth.login"]
    assert "Page 2 of 2" in second.text
    # Past the end (was a 404) and past any integer (was a server error): the last page.
    for past in ("9", "99999999999999999999"):
        shown = client.get(f"/audit/?page={past}")
        assert shown.status_code == 200 and actions_listed(shown) == actions_listed(second)


def test_filters(client, leader, make_user):
    crew = make_user("crew1", ["crew"])
    add_entries(crew, 3, "test.crew")
    add_entries(leader, 2, "test.leader")
    old = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "test.crew"))
    # Move one entry to an earlier day (behind the chain's back: only the view is tested here).
    db.session.execute(
        update(AuditEntry)
        .where(AuditEntry.id == old.id)
        .values(at=datetime(2024, 3, 1, 15, 59, tzinfo=UTC))  # 23:59 on 1 March in Shanghai
    )
    db.session.commit()

    assert set(actions_listed(client.get("/audit/?action=test.crew"))) == {"test.crew"}
    assert len(actions_listed(client.get("/audit/?action=test.crew"))) == 3
    by_actor = actions_listed(client.get(f"/audit/?actor={crew.id}"))
    assert by_actor == ["test.crew"] * 3
    on_day = actions_listed(client.get("/audit/?date_from=2024-03-01&date_to=2024-03-01"))
    assert on_day == ["test.crew"]
    assert actions_listed(client.get("/audit/?date_from=2024-03-02&date_to=2024-03-02")) == []


def test_an_unreadable_filter_is_explained_not_ignored(client, leader):
    response = client.get("/audit/?date_from=yesterday")
    assert response.status_code == 200
    assert "Not a valid date value" in response.text
    assert actions_listed(response) == []


def test_verify_reports_an_intact_chain_and_changes_nothing(client, leader):
    add_entries(leader, 3)
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    response = client.get("/audit/verify")
    assert "Intact: 4 entries checked" in response.text
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_verify_finds_an_entry_changed_behind_the_applications_back(client, leader):
    add_entries(leader, 3)
    db.session.execute(
        update(AuditEntry).where(AuditEntry.seq == 2).values(details={"n": "forged"})
    )
    db.session.commit()
    response = client.get("/audit/verify")
    assert "Broken" in response.text
    assert "content changed after it was written" in response.text


def test_only_admins_and_leaders_read_it(client, make_user, login):
    login(make_user("crew1", ["crew"]))
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/verify").status_code == 403


@pytest.mark.parametrize("page", ["-3", "0", "two", ""])
def test_a_page_number_that_is_not_one_shows_the_first_page(client, leader, page):
    add_entries(leader, 3)
    shown = client.get(f"/audit/?page={page}")
    assert shown.status_code == 200 and actions_listed(shown) == ["test.action"] * 3 + [
        "auth.login"
    ]


def test_the_filter_offers_each_recorded_action_once(client, leader, make_user):
    add_entries(leader, 3, "test.b")
    add_entries(leader, 2, "test.a")
    form = client.get("/audit/").text.split('name="action"', 1)[1].split("</select>", 1)[0]
    offered = re.findall(r'<option value="([^"]*)"', form)
    assert sorted(offered) == ["", "auth.login", "test.a", "test.b"]


@pytest.mark.parametrize("filters", [{}, {"action": "test.a"}, {"actor": 1}])
def test_the_log_is_read_newest_first_along_an_index(app, filters):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics")
    query = select(AuditEntry).order_by(AuditEntry.seq.desc())
    for name, value in filters.items():
        column = AuditEntry.action if name == "action" else AuditEntry.actor_id
        query = query.where(column == value)
    compiled = query.limit(50).compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = " ".join(str(r[-1]) for r in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    # A page is read in order and the walk stops: no sort of every matching entry.
    assert "TEMP B-TREE" not in plan, plan


def test_the_user_filter_searches_and_the_page_does_not_grow_with_the_accounts(
    client, leader, count_queries
):
    add_entries(leader, 3)
    add_staff(5)
    few = measure(client, count_queries, "/audit/")
    few_size = len(client.get("/audit/").text)
    add_staff(295, start=5)
    assert measure(client, count_queries, "/audit/") == few
    page = client.get("/audit/").text
    # Not a list of every account (it was one <option> each): the people picker's search.
    assert len(page) == few_size and "Staff 0" not in page
    assert 'name="actor"' in page and 'data-people-search="/people/search"' in page
    assert "js/people.js" in page


def test_the_user_filter_takes_a_typed_name_or_username_without_a_script(client, leader, make_user):
    crew = make_user("crew1", ["crew"], display_name="赵强", active=False)
    add_entries(crew, 2, "test.crew")
    add_entries(leader, 1, "test.leader")
    for typed in ("crew1", "赵强", "赵强 (crew1)", str(crew.id)):  # deactivated: still found
        shown = client.get("/audit/", query_string={"actor": typed})
        assert actions_listed(shown) == ["test.crew"] * 2, typed
        assert 'value="赵强 (crew1)"' in shown.text  # shown back as the picker names people
    unknown = client.get("/audit/?actor=nobody")
    assert "Unknown user." in unknown.text and actions_listed(unknown) == []


def test_audit_readers_may_search_for_the_user_filter(client, make_user, login):
    make_user("wangf", display_name="Wang Fang")
    login(make_user("admin1", ["admin"], all_sites=True))
    assert client.get("/people/search?q=wang").get_json()[0]["label"] == "Wang Fang (wangf)"


def test_the_page_names_its_people_in_statements_that_do_not_grow_with_them(
    client, leader, count_queries, make_user
):
    def named(count: int, start: int) -> None:
        for n in range(start, start + count):
            crew = make_user(f"crew{n}", ["crew"], sites=(), display_name=f"Crew {n}")
            audit.record("admin.user_updated", "user", crew.id, {})
            changes = {"changes": {"person_id": [None, crew.id]}}
            audit.record("ledger.problem_updated", "problem", n, changes, actor=crew)
        db.session.commit()

    named(1, 0)
    one = measure(client, count_queries, "/audit/")
    named(20, 1)
    assert measure(client, count_queries, "/audit/") == one
    page = client.get("/audit/").text
    assert "Account Crew 20" in page and "— → Crew 20" in page and "Crew 20 <small" in page
