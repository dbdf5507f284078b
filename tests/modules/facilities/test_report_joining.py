"""The phone report's field fixes (#15, "On a phone in the park"): which order a report
joins, splitting, a form sent back with an error, and full-width digits."""

import pytest
from sqlalchemy import func, select

from modules.facilities.models import OrderState, RepairOrder, VisitorReport
from parkops.extensions import db
from tests.modules.facilities.conftest import photo
from tests.modules.facilities.test_fault_reports import send


@pytest.fixture
def english(client):
    client.post("/language/en")
    return client


def orders():
    return db.session.scalars(select(RepairOrder).order_by(RepairOrder.id)).all()


@pytest.mark.parametrize(
    ("state", "joins"),
    [
        (OrderState.ASSIGNED, True),
        (OrderState.IN_PROGRESS, True),
        (OrderState.REPAIRED, False),
        (OrderState.VERIFIED, False),
    ],
)
def test_a_visitor_report_joins_only_an_order_still_being_worked_on(
    english, make_facility, state, joins
):
    facility = make_facility(type_code="lamp")
    send(english, facility, "lighting", "灯不亮")
    first = orders()[0]
    first.state = state
    db.session.commit()
    response = send(english, facility, "lighting", "还是不亮")
    assert response.status_code == 303
    db.session.expire_all()
    report = db.session.scalars(select(VisitorReport).order_by(VisitorReport.id.desc())).first()
    assert (report.order_id == first.id) is joins
    assert len(orders()) == (1 if joins else 2)


def test_the_crews_quick_report_joins_the_open_order_for_the_same_fault(
    english, client, as_user, park, make_facility
):
    facility = make_facility(type_code="lamp")
    send(english, facility, "lighting", "灯不亮")
    order = orders()[0]
    as_user(park.crew)
    client.post("/language/en")
    response = client.post(
        f"/facilities/{facility.id}/report",
        data={"category": "lighting", "photos": photo()},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.request.path == f"/facilities/orders/{order.id}"
    assert "already open for this fault" in response.get_data(as_text=True)
    assert len(orders()) == 1
    # Another fault on the same facility is an order of its own.
    client.post(f"/facilities/{facility.id}/report", data={"category": "seating"})
    assert [o.category.value for o in orders()] == ["lighting", "seating"]


def test_a_split_must_choose_another_category(english, client, as_user, park, make_facility):
    facility = make_facility(type_code="lamp")
    send(english, facility, "lighting", "灯不亮")
    send(english, facility, "lighting", "栏杆断了")
    order = orders()[0]
    report = db.session.scalars(select(VisitorReport).order_by(VisitorReport.id.desc())).first()
    as_user(park.crew)
    client.post("/language/en")
    response = client.post(
        f"/facilities/orders/{order.id}/reports/{report.id}/split",
        data={"category": "lighting"},
        follow_redirects=True,
    )
    assert "already about that fault" in response.get_data(as_text=True)
    assert len(orders()) == 1
    assert db.session.get(VisitorReport, report.id).order_id == order.id


def test_a_form_error_says_the_photo_must_be_chosen_again_above_the_buttons(english, make_facility):
    facility = make_facility()
    response = send(english, facility, "seating", phone="abc", photo=photo())
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    buttons_at = page.index('class="btn wide fac-category"')
    assert -1 < page.find("choose it again") < buttons_at
    assert -1 < page.find("Digits only") < buttons_at
    assert db.session.scalar(select(func.count()).select_from(RepairOrder)) == 0
    # Without a photo sent, nothing is said about one.
    again = send(english, facility, "seating", phone="abc").get_data(as_text=True)
    assert "choose it again" not in again


def test_full_width_digits_in_the_phone_are_accepted(english, make_facility):
    facility = make_facility()
    response = send(english, facility, "seating", phone="１３８００１３８０００")
    assert response.status_code == 303
    assert orders()[0].reporter_phone == "13800138000"
