"""The order lists: mine, open, overdue, the supervisors' filters, keyset pages, indexes."""

from datetime import timedelta

import pytest
from flask_login import login_user
from sqlalchemy import insert, select, text

from modules.facilities import queries
from modules.facilities.models import (
    OrderState,
    Priority,
    RepairOrder,
    order_assignees,
)
from parkops.extensions import db
from parkops.timeutil import utcnow


@pytest.fixture
def orders(park, make_facility):
    """A spread of orders at both sites, inserted in bulk."""
    bench = make_facility("bench", name="座椅")
    lamp = make_facility("lamp", name="路灯")
    zoo = make_facility("bench", name="动物园座椅", site=park.zylz)
    now = utcnow()
    rows = []
    plan = [
        (bench, OrderState.REPORTED, Priority.NORMAL, 1, 10),
        (bench, OrderState.ASSIGNED, Priority.HIGH, 2, -5),  # overdue
        (lamp, OrderState.IN_PROGRESS, Priority.URGENT, 3, 2),
        (lamp, OrderState.VERIFIED, Priority.LOW, 40, -100),  # closed, past deadline: not overdue
        (bench, OrderState.REJECTED, Priority.NORMAL, 50, -200),
        (zoo, OrderState.REPORTED, Priority.NORMAL, 1, -1),  # overdue, other site
    ]
    for facility, state, priority, days_ago, deadline_hours in plan:
        rows.append(
            {
                "facility_id": facility.id,
                "site_id": facility.site_id,
                "state": state.value,
                "priority": priority.value,
                "description": f"{facility.name} {state.value}",
                "reported_at": now - timedelta(days=days_ago),
                "deadline_at": now + timedelta(hours=deadline_hours),
                "version": 1,
            }
        )
    db.session.execute(insert(RepairOrder), rows)
    ids = db.session.scalars(select(RepairOrder.id).order_by(RepairOrder.id)).all()
    db.session.execute(insert(order_assignees), [{"order_id": ids[1], "user_id": park.crew.id}])
    db.session.commit()
    return ids


def listed(client, **args):
    page = client.get("/facilities/orders", query_string=args)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    return [i for i in range(1, 200) if f'href="/facilities/orders/{i}"' in body]


def test_crew_lists_mine_open_and_overdue(client, as_user, park, orders):
    as_user(park.crew)
    assert listed(client, view="mine") == [orders[1]]
    assert listed(client, view="open") == [orders[0], orders[1], orders[2]]
    assert listed(client, view="overdue") == [orders[1]]  # the zoo's overdue order is not theirs
    assert listed(client, view="all") == orders[:5]


def test_supervisors_filter_by_site_type_priority_state_and_age(client, as_user, park, orders):
    as_user(park.inspector)
    assert listed(client, view="overdue") == [orders[1], orders[5]]
    assert listed(client, view="all", site=park.zylz.id) == [orders[5]]
    assert listed(client, view="all", type=park.types["lamp"].id) == [orders[2], orders[3]]
    assert listed(client, view="all", priority="urgent") == [orders[2]]
    assert listed(client, view="all", state="rejected") == [orders[4]]
    assert listed(client, view="all", age=30) == [orders[3], orders[4]]
    assert listed(client, view="nonsense") == listed(client, view="open")


def test_a_cursor_past_the_end_shows_the_oldest_page(client, as_user, park, orders):
    as_user(park.crew)
    # The older open orders were closed since the link was made: the last page, not none.
    assert listed(client, view="open", before=orders[0]) == [orders[0], orders[1], orders[2]]


def test_keyset_pages_walk_every_order_once(app, client, as_user, park, make_facility):
    facility = make_facility()
    now = utcnow()
    db.session.execute(
        insert(RepairOrder),
        [
            {
                "facility_id": facility.id,
                "site_id": facility.site_id,
                "state": "reported",
                "priority": "normal",
                "description": f"o{i}",
                "reported_at": now,
                "deadline_at": now + timedelta(days=1),
                "version": 1,
            }
            for i in range(60)
        ],
    )
    db.session.commit()
    as_user(park.crew)
    seen, before = [], None
    while True:
        args = {"view": "open"} | ({"before": before} if before else {})
        body = client.get("/facilities/orders", query_string=args).get_data(as_text=True)
        page = [i for i in range(1, 100) if f'href="/facilities/orders/{i}">#' in body]
        seen.extend(sorted(page, reverse=True))
        if "before=" not in body.split('class="pager"')[1]:
            break
        before = min(page)
    assert seen == list(range(60, 0, -1))


def test_list_query_count_does_not_grow_with_orders(
    client, as_user, park, make_facility, count_queries
):
    facility = make_facility()
    as_user(park.crew)

    def add(n):
        now = utcnow()
        db.session.execute(
            insert(RepairOrder),
            [
                {
                    "facility_id": facility.id,
                    "site_id": facility.site_id,
                    "state": "assigned",
                    "priority": "normal",
                    "description": "x",
                    "reported_at": now,
                    "deadline_at": now,
                    "version": 1,
                }
                for _ in range(n)
            ],
        )
        ids = db.session.scalars(select(RepairOrder.id).order_by(RepairOrder.id)).all()
        db.session.execute(
            insert(order_assignees).prefix_with("OR IGNORE")
            if db.engine.dialect.name == "sqlite"
            else insert(order_assignees),
            [{"order_id": i, "user_id": u.id} for i in ids[-n:] for u in (park.crew, park.crew2)],
        )
        db.session.commit()
        db.session.expire_all()

    add(2)
    with count_queries() as few:
        client.get("/facilities/orders?view=all")
    add(40)
    with count_queries() as many:
        client.get("/facilities/orders?view=all")
    assert many.count == few.count


@pytest.mark.parametrize("view", ["open", "overdue", "mine", "all"])
def test_the_list_queries_walk_an_index_in_page_order(app, park, view):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics")
    with app.test_request_context():
        login_user(park.crew)  # the lists are limited to the signed-in user's sites
        query = queries.order_query(queries.OrderFilter(view=view), park.crew, utcnow())
    compiled = (
        query.order_by(RepairOrder.id.desc())
        .limit(26)
        .compile(db.engine, compile_kwargs={"literal_binds": True})
    )
    plan = " ".join(
        str(row[-1]) for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
    )
    # No full scan and no sort: the page's ids come from walking an index of the site's
    # orders newest first, stopping after a page, however many orders there are.
    assert "SEARCH fac_orders USING" in plan and "ix_fac_orders_site" in plan, plan
    assert "SCAN fac_orders" not in plan and "TEMP B-TREE" not in plan, plan
