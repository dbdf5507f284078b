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
        assert served.count == 2, served.statements  # the account, the data version: kept

    other = app.test_client()
    login(park.crew2, test_client=other)
    assert step(other, order, "assign", assignees=[park.crew2.id]).status_code == 303

    for path in paths:  # the state's badge moved on, on both pages
        page = _page(client, path)
        assert "st-assigned" in page and "st-reported" not in page
