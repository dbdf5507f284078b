"""A visitor's report after #15: a reference to look its status up by (nothing personal
shown), and the crew splitting a report that joined an order into an order of its own."""

import pytest
from sqlalchemy import select

from modules.facilities.models import OrderState, RepairOrder, VisitorReport
from modules.facilities.photos import PHOTO_BEFORE
from parkops.attachments import Attachment
from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.rectification.models import EvidenceLink
from parkops.rectification.services import load_notice
from tests.modules.facilities.conftest import photo


@pytest.fixture
def english(client):
    client.post("/language/en")
    return client


def send(client, facility, category, description="", **fields):
    return client.post(
        f"/q/{facility.token}",
        data={"category": category, "description": description, **fields},
        content_type="multipart/form-data",
    )


def reports_in_order():
    return db.session.scalars(select(VisitorReport).order_by(VisitorReport.id)).all()


def shown(report):
    return f"{report.reference[:4]}-{report.reference[4:]}"


def test_the_confirmation_shows_a_reference_and_its_status_page_shows_nothing_personal(
    english, make_facility
):
    facility = make_facility(name="湖边路灯")
    response = send(english, facility, "lighting", "张三家门口的路灯不亮", phone="13800138000")
    report = reports_in_order()[0]
    thanks = english.get(response.headers["Location"]).get_data(as_text=True)
    assert shown(report) in thanks
    english.post("/logout")
    status = english.get(f"/r?ref={shown(report).lower()}")
    page = status.get_data(as_text=True)
    assert status.status_code == 200
    assert "湖边路灯" in page and "Lighting" in page and "Reported" in page
    assert "13800138000" not in page and "张三" not in page


def test_the_status_page_follows_the_repair(english, make_facility, park, as_user):
    facility = make_facility()
    send(english, facility, "seating")
    report = reports_in_order()[0]
    order = db.session.get(RepairOrder, report.order_id)
    order.state = OrderState.VERIFIED
    db.session.commit()
    page = english.get(f"/r?ref={report.reference}").get_data(as_text=True)
    assert "Verified (closed)" in page


@pytest.mark.parametrize("ref", ["ABCD-EFGH", "nonsense", "' OR 1=1 --", "x" * 19])
def test_an_unknown_reference_says_so(english, make_facility, ref):
    send(english, make_facility(), "seating")
    response = english.get("/r", query_string={"ref": ref})
    assert response.status_code == 404
    assert "No report has this reference number" in response.get_data(as_text=True)


def test_a_reference_is_only_confirmed_on_its_own_facilitys_label(english, make_facility):
    first, second = make_facility(), make_facility()
    send(english, first, "seating")
    report = reports_in_order()[0]
    assert english.get(f"/q/{second.token}/thanks/{shown(report)}").status_code == 404


def joined_pair(client, facility):
    """A lighting order, and a second lighting report (with a photo) that joined it."""
    send(client, facility, "lighting", "灯不亮")
    send(client, facility, "lighting", "栏杆也断了", phone="13900000000", photo=photo())
    first, second = reports_in_order()
    return db.session.get(RepairOrder, first.order_id), second


def test_the_crew_splits_a_report_into_its_own_order_with_its_photo_audited(
    english, client, as_user, park, make_facility
):
    facility = make_facility()
    order, report = joined_pair(english, facility)
    as_user(park.crew)
    client.post("/language/en")
    page = client.get(f"/facilities/orders/{order.id}").get_data(as_text=True)
    assert "栏杆也断了" in page and "Split into its own order" in page
    response = client.post(
        f"/facilities/orders/{order.id}/reports/{report.id}/split", data={"category": "fence"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    new = db.session.scalar(select(RepairOrder).where(RepairOrder.id != order.id))
    assert response.headers["Location"].endswith(f"/facilities/orders/{new.id}")
    assert new.category.value == "fence" and new.description == "栏杆也断了"
    assert new.reporter_phone == "13900000000" and new.reported_at == report.at
    report = db.session.get(VisitorReport, report.id)
    assert report.order_id == new.id and report.opened_order
    assert db.session.get(Attachment, report.photo_id).owner_id == new.id
    assert (
        db.session.scalar(
            select(Attachment.id).where(
                Attachment.owner_kind == PHOTO_BEFORE, Attachment.owner_id == order.id
            )
        )
        is None
    )
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "facilities.report_split")
    )
    assert entry.object_id == new.id and entry.actor_id == park.crew.id
    # The visitor's reference now follows the new order.
    assert "Fence or railing" in client.get(f"/r?ref={report.reference}").get_data(as_text=True)
    # Split once: a second try changes nothing.
    again = client.post(
        f"/facilities/orders/{order.id}/reports/{report.id}/split", data={"category": "fence"}
    )
    assert again.status_code == 303
    assert len(db.session.scalars(select(RepairOrder)).all()) == 2


def test_splitting_needs_the_crews_permission_and_the_site(
    english, client, as_user, park, make_facility
):
    facility = make_facility(site=park.psy)
    order, report = joined_pair(english, facility)
    url = f"/facilities/orders/{order.id}/reports/{report.id}/split"
    as_user(park.office)  # sees orders, does not work on them
    assert client.post(url, data={"category": "fence"}).status_code == 403
    as_user(park.zoo_crew)  # another site's crew
    assert client.post(url, data={"category": "fence"}).status_code == 404
    english.post("/logout")
    assert english.post(url, data={"category": "fence"}).status_code == 302  # to sign-in
    db.session.expire_all()
    assert len(db.session.scalars(select(RepairOrder)).all()) == 1
    assert db.session.get(VisitorReport, report.id).order_id == order.id


def fault_buttons(page: str) -> list[str]:
    """The fault buttons' values, in order (not the hidden, disabled default button)."""
    values = [part.split('"', 1)[0] for part in page.split('name="category" value="')[1:]]
    return [value for value in values if value]


@pytest.mark.parametrize(
    ("type_code", "first"),
    [("lamp", "lighting"), ("fence", "fence"), ("toilet", "sanitation"), ("ride", "lighting")],
)
def test_the_facility_types_usual_fault_comes_first(
    english, client, as_user, park, make_facility, type_code, first
):
    facility = make_facility(type_code=type_code)
    buttons = fault_buttons(english.get(f"/q/{facility.token}").get_data(as_text=True))
    assert buttons[0] == first and len(buttons) == 7 and buttons[-1] == "other"
    as_user(park.crew)
    crew_page = client.get(f"/q/{facility.token}").get_data(as_text=True)
    assert fault_buttons(crew_page)[0] == first


def test_an_english_visitors_report_is_named_in_the_ledger_as_every_order_is(
    english, make_facility
):
    load_notice()  # the ledger's problems: a link needs problem 14 to exist
    facility = make_facility()
    send(english, facility, "fence", "Seat loose")
    order = db.session.scalars(select(RepairOrder)).one()
    summary = db.session.scalars(
        select(EvidenceLink.summary).where(EvidenceLink.kind == "facilities.repair_order")
    ).one()
    assert summary == f"维修单 {order.id}：{facility.code} Seat loose"


@pytest.mark.parametrize(
    "fields",
    [{"phone": ""}, {"category": "other"}, {"category": "other", "description": "  "}],
)
def test_a_report_that_says_nothing_is_refused(english, make_facility, fields):
    facility = make_facility()
    response = english.post(f"/q/{facility.token}", data=fields, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Say what is wrong" in response.get_data(as_text=True)
    assert reports_in_order() == []
    assert db.session.scalars(select(RepairOrder)).all() == []


@pytest.mark.parametrize(
    "fields",
    [
        {"category": "lighting"},
        {"category": "other", "description": "门锁坏了"},
        {"description": "门锁坏了"},
        {"category": "other", "photo": photo()},
    ],
)
def test_a_button_a_photo_or_words_are_enough(english, make_facility, fields):
    facility = make_facility()
    response = english.post(f"/q/{facility.token}", data=fields, content_type="multipart/form-data")
    assert response.status_code == 303
    assert len(reports_in_order()) == 1
