"""The crew's order lists and the order page: kept by the page cache until anyone
writes, and made with statements that do not grow with the order's history or the
list's rows."""

from sqlalchemy import select

from modules.facilities.models import RepairOrder
from parkops.extensions import db
from tests.modules.facilities.test_orders import report, step


def _page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_kept_order_page_shows_another_users_step_on_the_next_load(
    app, client, login, park, make_facility, count_queries
):
    facility = make_facility("ride", name="旋转木马")
    login(park.crew)
    assert report(client, facility).status_code == 303
    order = db.session.scalar(select(RepairOrder))
    paths = [f"/facilities/orders/{order.id}", "/facilities/orders?view=open"]
    client.get(paths[0])  # shows the report's confirmation once: a page not kept
    for path in paths:
        assert "st-reported" in _page(client, path)
        with count_queries(page_cache=True) as served:
            assert "st-reported" in _page(client, path)
        assert served.count == 0, served.statements  # kept: nothing through SQLAlchemy

    other = app.test_client()
    login(park.crew2, test_client=other)
    assert step(other, order, "assign", assignees=[park.crew2.id]).status_code == 303

    for path in paths:  # the state's badge moved on, on both pages
        page = _page(client, path)
        assert "st-assigned" in page and "st-reported" not in page


def _statements(client, count_queries, path) -> tuple[int, str]:
    """A server's request starts from an empty session: so does this one."""
    db.session.remove()
    with count_queries() as q:
        page = _page(client, path)
    return q.count, page


def test_the_order_page_takes_the_same_statements_whatever_its_history(
    app, client, login, park, make_facility, count_queries
):
    facility = make_facility("ride", name="旋转木马")
    login(park.crew)
    assert report(client, facility).status_code == 303
    order = db.session.scalar(select(RepairOrder))
    path = f"/facilities/orders/{order.id}"
    client.get(path)  # the report's confirmation; warms per-process caches
    fresh, _page_text = _statements(client, count_queries, path)
    order = db.session.get(RepairOrder, order.id)

    other = app.test_client()
    login(park.crew2, test_client=other)
    step(client, order, "assign", assignees=[park.crew.id, park.crew2.id])
    step(other, order, "comment", body="我去拿工具")
    step(client, order, "start")
    for n in range(3):
        step(other, order, "part", description=f"螺栓{n}", quantity="2", cost="1.50")
        step(client, order, "comment", body=f"进度{n}")
    step(client, order, "repaired", labour_minutes="30", note="更换卡扣")
    busy, page = _statements(client, count_queries, path)

    assert "螺栓2" in page and "进度2" in page and "我去拿工具" in page and "Crew Two" in page
    # the account; the order with its reporter, repairer, verifier; its assignees; the
    # squad lead; the site's crew and which are administrators; history; comments;
    # joined reports; parts; photos
    assert busy == fresh == 11
