"""The crew's patrol page at 20,000 facilities: the due list walks an index in page order,
and the page's figures cost the same statements however many facilities are due."""

import pytest
from sqlalchemy import text

from modules.facilities import inspections
from parkops.extensions import db
from parkops.timeutil import business_day


@pytest.mark.parametrize("area", [None, "北门"])
def test_the_due_list_walks_an_index_in_page_order(app, park, area):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics")
    for scope in ([park.psy.id], [park.psy.id, park.zylz.id]):
        query = inspections.due_ids_query(scope, business_day(), area=area)
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = " ".join(
            str(row[-1]) for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        )
        # No sort of every due facility: the page's ids are read in order and the walk
        # stops after a page.
        assert "ix_fac_facilities_site_area_due" in plan, plan
        assert "TEMP B-TREE" not in plan and "SCAN fac_facilities" not in plan, plan


def test_the_due_list_keeps_its_order_and_limit(app, park, make_facility, monkeypatch):
    today = business_day()
    made = [
        make_facility(area=area, code=f"PSY-{area}-{n}")
        for area in ("北门", "湖心岛")
        for n in range(3)
    ]
    make_facility(site=park.zylz, area="北门")
    monkeypatch.setattr(inspections, "DUE_LIST_LIMIT", 4)
    due = inspections.due_list([park.psy.id], today)
    assert [f.code for f in due] == [f.code for f in made[:4]]
    assert due[0].type_name == made[0].type.name and due[0].due_on == today
    assert [f.code for f in inspections.due_list([park.psy.id], today, area="湖心岛")] == [
        f.code for f in made[3:]
    ]


def test_both_coverages_come_from_one_walk_of_the_inspections(
    app, park, make_facility, count_queries
):
    for _ in range(3):
        make_facility()
    sites, today = [park.psy.id], business_day()
    with app.test_request_context(), count_queries() as counted:
        day, week = inspections.coverages(sites, today, today)
    assert counted.count == 2, counted.statements
    assert (day.due, week.due) == (3, 3)
