"""The people search reads an index of the pieces of active accounts' names kept in its
order (display name, username): it finds what the plain substring query found, in the
same order, stops after a page, and the index follows every change of an account."""

import contextlib
import random

import pytest
from sqlalchemy import event, or_, select

from parkops import people
from parkops.auth.models import User
from parkops.extensions import db

from .test_ledger_queries import measure


@contextlib.contextmanager
def record_statements():
    """The (SQL, DB-API parameters) of the statements run inside the block."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


NAMES = ["王芳", "王", "芳", "王芳敏", "Wang Fang", "wang fang", "WANG", "José", "JOSÉ"]
NAMES += ["ΟΔΟΣ", "οδος", "100% sure", "a_b", "aXb", "a%b", "_", "%", "Li Min", "李敏"]
QUERIES = ["王", "芳", "王芳", "芳敏", "wang", "WaNg f", "é", "É", "josé", "ς", "σ", "Σ"]
QUERIES += ["%", "_", "a_b", "a%", "0% s", "b", "  min ", "敏", "xyz", "ang fa", "u1"]


def old_search(q: str, viewer: User, limit: int) -> list[tuple]:
    """The search before the index (session 10): a LIKE over every active account."""
    q = q.strip()
    matches = or_(
        User.display_name.icontains(q, autoescape=True),
        User.username.icontains(q, autoescape=True),
    )
    return list(
        db.session.execute(
            select(User.id, User.display_name, User.username)
            .where(User.active, people._visible(viewer), matches)
            .order_by(User.display_name, User.username)
            .limit(limit)
        )
    )


@pytest.fixture
def sites(make_site):
    return make_site("PSY", "濮上园"), make_site("ZY", "中原绿色庄园")


def test_the_search_finds_what_the_plain_query_found_in_the_same_order(app, make_user, sites):
    rnd = random.Random(16)
    for n in range(120):
        name = rnd.choice(NAMES) + rnd.choice(["", "", " " + rnd.choice(NAMES)])
        user = User(username=f"u{n}{rnd.choice('Aa_%')}", display_name=name, password_hash="-")
        user.active, user.all_sites = n % 7 != 0, n % 11 == 0
        user.sites = [rnd.choice(sites)]
        db.session.add(user)
    db.session.commit()
    viewers = [make_user("boss", all_sites=True), make_user("clerk", sites=[sites[0]])]
    for viewer in viewers:
        for q in QUERIES:
            for limit in (3, 20, 500):
                assert people.search(q, viewer, limit) == old_search(q, viewer, limit), q


def test_the_index_follows_a_new_renamed_deactivated_or_moved_account(
    ledger, make_user, login, client, sites
):
    psy, zy = sites
    login(make_user("clerk", ["office"], sites=[psy], display_name="Clerk"))

    def labels(q):
        return [p["label"] for p in client.get(f"/people/search?q={q}").get_json()]

    wang = make_user("wangf", display_name="王芳", sites=[psy])
    assert labels("王") == ["王芳 (wangf)"]  # a new account
    wang.display_name, wang.username = "李敏", "limin"
    db.session.commit()
    assert labels("王") == [] and labels("李敏") == ["李敏 (limin)"]
    assert labels("wang") == [] and labels("LiMi") == ["李敏 (limin)"]
    wang.sites = [zy]
    db.session.commit()
    assert labels("李") == []  # moved to a site the clerk does not see
    wang.sites, wang.active = [psy], False
    db.session.commit()
    assert labels("李") == []  # deactivated
    wang.active = True
    db.session.commit()
    assert labels("李") == ["李敏 (limin)"]  # back


def test_the_search_costs_the_same_statements_with_many_accounts(
    ledger, make_user, login, client, count_queries
):
    login(make_user("office1", ["office"], all_sites=True))
    db.session.add_all(
        User(username=f"s{n}", display_name="王芳", password_hash="-") for n in range(3)
    )
    db.session.commit()
    few = measure(client, count_queries, "/people/search?q=王芳")
    db.session.add_all(
        User(username=f"m{n}", display_name="王芳", password_hash="-") for n in range(80)
    )
    db.session.commit()
    assert measure(client, count_queries, "/people/search?q=王芳") == few == 2


def test_the_search_reads_its_index_in_order_not_every_account(app, make_user, sites):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics")
    for viewer in (make_user("boss", all_sites=True), make_user("clerk", sites=[sites[0]])):
        with record_statements() as statements:
            people.search("王芳", viewer)
        statement, parameters = statements[-1]
        explained = db.session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", parameters
        )
        plan = " ".join(str(r[-1]) for r in explained)
        # Walked along the pieces' index in the search's order and stopped after a page:
        # no read of every account's names, no sort of the matches.
        assert "ix_user_grams_page" in plan and "SCAN users" not in plan, plan
        assert "TEMP B-TREE" not in plan, plan


def test_a_signed_in_request_reads_only_its_own_accounts_sites(
    ledger, make_user, login, client, sites
):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics")
    login(make_user("clerk", ["office"], sites=[sites[0]]))
    db.session.expunge_all()
    with record_statements() as statements:
        assert client.get("/people/search?q=zzz").get_json() == []
    statement, parameters = statements[0]  # the account with its roles and sites
    explained = db.session.connection().exec_driver_sql(
        f"EXPLAIN QUERY PLAN {statement}", parameters
    )
    plan = " ".join(str(r[-1]) for r in explained)
    # Not every account's sites joined, then searched (it cost 13 ms of every request
    # with 20,000 accounts): the account's own rows, by their indexes.
    assert "SCAN" not in plan and "MATERIALIZE" not in plan, plan
