"""The scan pages cost the same statements whatever a facility's history holds: the
visitor's page reads the label's facility as the columns shown, in one statement; the
crew's reads recent inspections and orders as the columns shown (not users with their
roles and sites, nor orders with their facility), each along an index of the facility's
own rows, newest first."""

import re

import pytest
from sqlalchemy import event

from modules.facilities import inspections
from modules.facilities.models import Facility
from parkops.auth.models import User
from parkops.extensions import db


def _statements(client, count_queries, path) -> tuple[int, str]:
    """A server's request starts from an empty session: so does this one."""
    db.session.remove()
    with count_queries() as q:
        response = client.get(path)
    assert response.status_code == 200
    return q.count, response.get_data(as_text=True)


def test_the_crew_scan_page_takes_the_same_statements_whoever_inspected(
    client, as_user, park, make_facility, count_queries
):
    facility = make_facility()
    facility_id, path = facility.id, f"/q/{facility.token}"
    inspectors = [park.crew2.id, park.zoo_crew.id, park.crew.id]
    as_user(park.crew)
    client.get(path)  # the first page warms per-process caches
    empty, _page = _statements(client, count_queries, path)

    for inspector in inspectors:
        found = db.session.get(Facility, facility_id)
        inspections.log_inspection(found, db.session.get(User, inspector), None)
    busy, page = _statements(client, count_queries, path)

    assert "Crew Two" in page and "Zoo Crew" in page
    # the user with the bell's unread count; the facility; open orders, inspections, repairs
    assert busy == empty == 5


def test_the_visitor_scan_page_takes_one_statement(client, make_facility, count_queries):
    facility = make_facility()
    path = f"/q/{facility.token}"
    client.get(path)  # the first page warms per-process caches
    count, page = _statements(client, count_queries, path)
    assert facility.name in page and 'name="description"' in page and 'name="phone"' in page
    assert count == 1  # the label's facility with its site's name and type's code


def test_the_crew_scan_page_walks_indexes_of_the_facility_newest_first(
    client, as_user, park, make_facility
):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics")
    facility = make_facility()
    path = f"/q/{facility.token}"
    as_user(park.crew)
    client.get(path)
    client.application.config["PAGE_CACHE"] = False  # the page's own statements, not a kept copy
    seen = []

    def log(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", log)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", log)
    cursor = db.session.connection().connection.cursor()
    plans = [
        (re.search(r"FROM (\w+)", statement).group(1), _plan(cursor, statement, parameters))
        for statement, parameters in seen
    ]
    # A million inspections: the facility's five latest straight off its (facility, at)
    # index, no sort; its open and closed orders off the (facility, state) index.
    inspected = [plan for table, plan in plans if table == "fac_inspections"]
    assert len(inspected) == 1, plans
    assert "ix_fac_inspections_facility_at (facility_id=?)" in inspected[0], inspected
    assert "TEMP B-TREE" not in inspected[0] and "SCAN fac_inspections" not in inspected[0]
    ordered = [plan for table, plan in plans if table == "fac_orders"]
    assert len(ordered) == 2, plans
    for plan in ordered:
        assert "SEARCH fac_orders USING INDEX ix_fac_orders_facility_state" in plan, plan
        assert "SCAN fac_orders" not in plan, plan


def _plan(cursor, statement, parameters) -> str:
    return " ".join(
        str(row[-1]) for row in cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
    )


def test_the_written_out_form_gives_back_what_was_typed_with_its_error(client, make_facility):
    facility = make_facility()
    client.post("/language/en")
    response = client.post(
        f"/q/{facility.token}",
        data={"category": "seating", "description": 'a <b>"loose"</b> seat', "phone": "abc"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert (
        '<textarea id="description" maxlength="1000" name="description" rows="3">'
        "a &lt;b&gt;&#34;loose&#34;&lt;/b&gt; seat</textarea>"
    ) in page
    phone = page.split('<label for="phone">', 1)[1].split("</div>", 1)[0]
    assert 'name="phone" type="text" value="abc"' in phone
    assert '<small class="error" role="alert">Digits only, e.g. 13800138000.</small>' in phone
    assert "has-error" in page.split('<label for="phone">', 1)[0].rsplit("<div", 1)[1]
