"""Repair orders: who sees and works an order, bad photos and amounts refused, photos
served only to those who see the order, the page's query count. Moved from
test_orders.py."""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from modules.facilities.models import (
    FacilityStatus,
    Inspection,
    OrderState,
    Part,
    RepairOrder,
)
from parkops.attachments import Attachment
from parkops.extensions import db
from tests.modules.facilities.conftest import jpeg_bytes, photo
from tests.modules.facilities.test_orders import (
    _reported,
    count,
    report,
    step,
)


@pytest.mark.parametrize(
    ("user", "status"),
    [("cashier", 403), ("zoo_crew", 404), ("leader", 200), ("office", 200), ("inspector", 200)],
)
def test_who_sees_an_order(client, as_user, park, make_facility, user, status):
    order = _reported(client, as_user, park, make_facility)
    as_user(getattr(park, user))
    assert client.get(f"/facilities/orders/{order.id}").status_code == status
    assert client.get(f"/facilities/{order.facility_id}").status_code == status


def test_a_visitor_is_sent_to_sign_in(client, park, make_facility, as_user):
    order = _reported(client, as_user, park, make_facility)
    client.post("/logout")
    for url in (f"/facilities/orders/{order.id}", "/facilities/orders", "/facilities/patrol"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post(f"/facilities/orders/{order.id}/comment", data={"body": "x"})
    assert response.status_code == 302


def test_other_roles_cannot_work_orders(client, as_user, park, make_facility):
    order = _reported(client, as_user, park, make_facility)
    as_user(park.leader)
    assert step(client, order, "assign", assignees=[park.crew.id]).status_code == 403
    assert client.post(f"/facilities/{order.facility_id}/inspect").status_code == 403
    assert client.get(f"/facilities/{order.facility_id}/report").status_code == 403
    # but a leader may comment
    assert step(client, order, "comment", body="请尽快处理").status_code == 303


def test_another_sites_crew_cannot_touch_the_order(client, as_user, park, make_facility):
    order = _reported(client, as_user, park, make_facility)
    as_user(park.zoo_crew)
    for name, data in (("assign", {"assignees": [park.zoo_crew.id]}), ("comment", {"body": "x"})):
        assert step(client, order, name, **data).status_code == 404
    assert client.get(f"/facilities/{order.facility_id}/label.png").status_code == 404


def _bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")  # tiny file, 144 megapixels
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a not really", "Not a photo"),
        (b"%PDF-1.4 a document", "Not a photo"),
        ("bomb", "too many pixels"),
        ("big", "too large"),
    ],
)
def test_bad_photos_are_refused_and_change_nothing(
    make_app, as_user, park, make_facility, data, message
):
    app = make_app(PHOTO_MAX_BYTES=200_000)
    client = app.test_client()
    facility = make_facility()
    as_user(park.crew, test_client=client)
    client.post("/language/en")
    if data == "bomb":
        data = _bomb()
    elif data == "big":
        data = jpeg_bytes() + b"\0" * 300_000
    response = report(client, facility, photos=[photo(), photo("bad.jpg", data)])
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(RepairOrder) == 0 and count(Attachment) == 0 and count(Inspection) == 0
    db.session.refresh(facility)
    assert facility.status == FacilityStatus.IN_SERVICE


def test_bad_part_cost_and_labour_are_refused(client, as_user, park, make_facility):
    order = _reported(client, as_user, park, make_facility)
    assert step(client, order, "part", description="螺栓", cost="abc").status_code == 422
    assert step(client, order, "part", description="螺栓", cost="1.234").status_code == 422
    assert step(client, order, "part", description="", cost="1").status_code == 422
    assert count(Part) == 0
    step(client, order, "assign", assignees=[park.crew.id])
    step(client, order, "start")
    response = step(client, order, "repaired", labour_minutes="-5", note="x")
    assert response.status_code == 422
    db.session.refresh(order)
    assert order.state == OrderState.IN_PROGRESS


def test_photos_are_served_only_to_those_who_see_the_order(client, as_user, park, make_facility):
    facility = make_facility()
    as_user(park.crew)
    report(client, facility, photos=photo())
    attachment = db.session.scalar(select(Attachment))
    response = client.get(f"/facilities/photos/{attachment.id}?thumb=1")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    as_user(park.zoo_crew)
    assert client.get(f"/facilities/photos/{attachment.id}").status_code == 404
    client.post("/logout")
    assert client.get(f"/facilities/photos/{attachment.id}").status_code == 302


def test_order_page_query_count_does_not_grow_with_its_history(
    client, as_user, park, make_facility, count_queries
):
    order = _reported(client, as_user, park, make_facility)
    db.session.expire_all()  # both pages from a cold session: nothing cached by earlier steps
    with count_queries() as small:
        client.get(f"/facilities/orders/{order.id}")
    for i in range(6):
        step(client, order, "comment", body=f"c{i}")
        step(client, order, "part", description=f"p{i}", cost="1")
        step(client, order, "photo", photos=photo())
    db.session.expire_all()
    with count_queries() as big:
        assert client.get(f"/facilities/orders/{order.id}").status_code == 200
    assert big.count == small.count
