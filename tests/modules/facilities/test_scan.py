"""Scanning a label: the crew's view, the visitor's view and report, unknown tokens."""

import re

import pytest
from sqlalchemy import func, select

from modules.facilities.models import (
    Comment,
    FacilityStatus,
    FaultCategory,
    Inspection,
    OrderState,
    RepairOrder,
    VisitorReport,
)
from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.rectification.models import EvidenceLink
from parkops.visitor_forms import COOKIE
from tests.conftest import PASSWORD
from tests.modules.facilities.conftest import photo


def category_text(category):
    """A category's label in the installation's language, as an order stores it."""
    from flask import current_app
    from flask_babel import force_locale

    from modules.facilities.forms import CATEGORY_LABELS
    from modules.facilities.models import FaultCategory  # noqa: F401

    with current_app.test_request_context(), force_locale(current_app.config["DEFAULT_LOCALE"]):
        return str(CATEGORY_LABELS[category])


def orders_count():
    return db.session.scalar(select(func.count()).select_from(RepairOrder))


@pytest.fixture
def english(client):
    client.post("/language/en")
    return client


def test_visitor_sees_name_and_service_state_and_a_report_form(english, make_facility):
    facility = make_facility(name="湖边座椅")
    response = english.get(f"/q/{facility.token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "湖边座椅" in page and "In service" in page
    assert 'name="description"' in page and 'name="phone"' in page
    assert 'capture="environment"' in page and 'accept="image/*"' in page
    # Nothing of the crew's view: no history, no inspection button.
    assert "Inspected, fine" not in page and "Recent inspections" not in page


def test_crew_of_the_site_sees_the_crew_view(english, as_user, park, make_facility):
    facility = make_facility()
    as_user(park.crew)
    english.post("/language/en")
    page = english.get(f"/q/{facility.token}").get_data(as_text=True)
    assert "Inspected, fine" in page and "Report damage" in page
    assert "Open repair orders" in page and "Recent inspections" in page


def test_crew_of_another_site_gets_the_visitor_view_and_a_404_on_the_facility_page(
    english, as_user, park, make_facility
):
    facility = make_facility(site=park.psy)
    as_user(park.zoo_crew)
    english.post("/language/en")
    page = english.get(f"/q/{facility.token}").get_data(as_text=True)
    assert "Inspected, fine" not in page and 'name="description"' in page
    assert english.get(f"/facilities/{facility.id}").status_code == 404
    response = english.post(f"/facilities/{facility.id}/inspect")
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 0


@pytest.mark.parametrize("token", ["nope", "A" * 22, "A" * 200, "%00", "' OR 1=1 --"])
def test_unknown_or_tampered_tokens_get_a_clear_page(english, make_facility, token):
    facility = make_facility()
    response = english.get(f"/q/{token}")
    assert response.status_code == 404
    assert "This label is not recognised" in response.get_data(as_text=True)
    tampered = facility.token[:-1] + ("A" if facility.token[-1] != "A" else "B")
    assert english.get(f"/q/{tampered}").status_code == 404
    assert english.post(f"/q/{tampered}", data={"description": "x"}).status_code == 404


def test_a_visitor_report_opens_an_order_without_marking_the_facility(
    english, make_facility, ledger
):
    facility = make_facility()
    response = english.post(
        f"/q/{facility.token}",
        data={
            "description": "座椅断了",
            "phone": "13800138000",
            "photo": photo(),
            "idempotency_key": "v1",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert "/thanks" in response.headers["Location"]
    order = db.session.scalar(select(RepairOrder))
    assert order.from_visitor and order.reported_by_id is None
    assert order.reporter_phone == "13800138000" and order.state == OrderState.REPORTED
    # A visitor's report waits for the crew to take it up before the facility counts as damaged.
    db.session.refresh(facility)
    assert facility.status == FacilityStatus.IN_SERVICE
    thanks = english.get(response.headers["Location"]).get_data(as_text=True)
    assert "sent to the repair squad" in thanks
    links = db.session.scalars(select(EvidenceLink)).all()
    assert [(link.kind, link.record_id) for link in links] == [
        ("facilities.repair_order", order.id)
    ]


def post_report(client, facility, category, description="", **fields):
    return client.post(
        f"/q/{facility.token}",
        data={"category": category, "description": description, **fields},
        content_type="multipart/form-data",
    )


def test_a_report_of_the_same_fault_joins_the_open_order_and_keeps_its_own_reference(
    english, make_facility
):
    facility = make_facility()
    post_report(english, facility, "lighting", "灯不亮")
    response = post_report(english, facility, "lighting", "还是不亮", phone="13800138000")
    assert orders_count() == 1
    thanks = english.get(response.headers["Location"]).get_data(as_text=True)
    assert "already reported" in thanks
    second = db.session.scalars(select(VisitorReport).order_by(VisitorReport.id)).all()[1]
    assert not second.opened_order and second.description == "还是不亮"
    assert second.phone == "13800138000"
    assert f"{second.reference[:4]}-{second.reference[4:]}" in thanks


def test_a_report_of_another_fault_opens_its_own_order(english, make_facility):
    """路灯不亮 on a facility with an open order for 围栏立柱松动 was added to that order
    and closed with it: a different fault is a different order."""
    facility = make_facility()
    post_report(english, facility, "fence", "围栏立柱松动")
    response = post_report(english, facility, "lighting", "路灯不亮")
    assert "sent to the repair squad" in english.get(response.headers["Location"]).get_data(
        as_text=True
    )
    orders = db.session.scalars(select(RepairOrder).order_by(RepairOrder.id)).all()
    assert [(o.category.value, o.description) for o in orders] == [
        ("fence", "围栏立柱松动"),
        ("lighting", "路灯不亮"),
    ]
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_something_else_never_joins_an_order(english, make_facility):
    facility = make_facility()
    post_report(english, facility, "other", "有蜂窝")
    post_report(english, facility, "other", "地面塌陷")
    assert orders_count() == 2


def test_the_same_visitor_form_posted_twice_makes_one_report(english, make_facility):
    facility = make_facility()
    data = {"description": "围栏倒了", "idempotency_key": "same-key"}
    first = english.post(f"/q/{facility.token}", data=data)
    second = english.post(f"/q/{facility.token}", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert orders_count() == 1
    assert db.session.scalar(select(func.count()).select_from(VisitorReport)) == 1


def test_a_form_from_a_kept_page_sent_again_lands_on_the_first_confirmation(
    make_app, make_facility
):
    """The scan page as the page cache serves it (a new key per serve) with CSRF on: the
    same form sent twice (a double tap, or Back to a page the browser kept) stores one
    report and both land on its confirmation; the next serve carries a new key."""
    facility = make_facility()
    visitor = make_app(WTF_CSRF_ENABLED=True, PAGE_CACHE=True).test_client()
    url = f"/q/{facility.token}"
    visitor.get(url)  # kept by the page cache
    page = visitor.get(url).get_data(as_text=True)  # served from it
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    sent = [
        visitor.post(
            url,
            data={
                "category": "fence",
                "csrf_token": csrf,
                "idempotency_key": key,
                "photo": photo(),
            },
            content_type="multipart/form-data",
        )
        for _ in range(2)
    ]
    assert [r.status_code for r in sent] == [303, 303]
    assert sent[0].headers["Location"] == sent[1].headers["Location"]
    report = db.session.scalars(select(VisitorReport)).one()
    assert report.reference[4:] in sent[1].headers["Location"]
    assert key not in visitor.get(url).get_data(as_text=True)


def test_visitor_reports_are_rate_limited_per_address_in_the_database(
    make_app, make_facility, park
):
    facility = make_facility()
    # Two app instances stand for two worker processes: the limit holds across them.
    app_a = make_app(FACILITIES_VISITOR_REPORTS_PER_HOUR=2)
    app_b = make_app(FACILITIES_VISITOR_REPORTS_PER_HOUR=2)
    a, b = app_a.test_client(), app_b.test_client()
    url = f"/q/{facility.token}"
    env = {"REMOTE_ADDR": "10.1.2.3"}
    assert a.post(url, data={"description": "1"}, environ_base=env).status_code == 303
    assert b.post(url, data={"description": "2"}, environ_base=env).status_code == 303
    refused = b.post("/language/en") and b.post(url, data={"description": "3"}, environ_base=env)
    assert refused.status_code == 429
    assert "try again later" in refused.get_data(as_text=True)
    other = a.post(url, data={"description": "4"}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 303


def test_a_report_needs_no_description_the_category_says_what_is_wrong(english, make_facility):
    facility = make_facility()
    response = post_report(english, facility, "seating", "   ")
    assert response.status_code == 303
    order = db.session.scalar(select(RepairOrder))
    assert order.category.value == "seating" and order.description == category_text(
        FaultCategory.SEATING
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (photo("notes.jpg", b"this is not an image"), "Not a photo"),
        (photo("empty.jpg", b""), "The file is empty"),
    ],
)
def test_a_bad_visitor_photo_is_refused_and_changes_nothing(
    english, make_facility, upload, message
):
    facility = make_facility()
    response = english.post(
        f"/q/{facility.token}",
        data={"description": "坏了", "photo": upload},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert orders_count() == 0


def test_bad_phone_number_is_refused(english, make_facility):
    facility = make_facility()
    response = english.post(
        f"/q/{facility.token}", data={"description": "坏了", "phone": "<script>"}
    )
    assert response.status_code == 422
    assert orders_count() == 0


def test_reissued_token_stops_the_old_label_and_is_audited(client, as_user, park, make_facility):
    facility = make_facility()
    old = facility.token
    as_user(park.office)
    assert client.post(f"/facilities/{facility.id}/token").status_code == 303
    db.session.refresh(facility)
    assert facility.token != old
    assert client.get(f"/q/{old}").status_code == 404
    assert client.get(f"/q/{facility.token}").status_code == 200
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "facilities.token_reissued")
    )
    assert entry.object_id == facility.id and entry.actor_id == park.office.id


def test_crew_may_not_reissue_tokens(client, as_user, park, make_facility):
    facility = make_facility()
    as_user(park.crew)
    assert client.post(f"/facilities/{facility.id}/token").status_code == 403


def test_scan_pages_are_light_and_take_few_queries(
    client, as_user, park, make_facility, count_queries
):
    facility = make_facility()
    with count_queries() as visitor:
        response = client.get(f"/q/{facility.token}")
    assert len(response.data) < 8000
    assert visitor.count <= 4
    as_user(park.crew)
    with count_queries() as crew:
        response = client.get(f"/q/{facility.token}")
    assert len(response.data) < 12000
    assert crew.count <= 10


def test_nul_characters_are_dropped_not_stored(english, make_facility):
    facility = make_facility()
    response = english.post(f"/q/{facility.token}", data={"description": "座椅\x00坏了"})
    assert response.status_code == 303
    assert db.session.scalar(select(RepairOrder.description)) == "座椅坏了"


def test_concurrent_visitor_reports_from_one_address_keep_to_the_limit(app, make_facility):
    """Ten reports sent at once from one address: exactly the hourly limit is accepted."""
    from tests.core.test_limits import run_at_once

    facility = make_facility()
    url = f"/q/{facility.token}"
    db.session.commit()

    def send(n: int) -> int:
        return (
            app.test_client()
            .post(url, data={"description": f"坏了 {n}"}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
            .status_code
        )

    codes = run_at_once(10, send)
    assert sorted(codes) == [303] * 5 + [429] * 5
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(VisitorReport)) == 5


def test_staff_signed_out_can_sign_in_from_the_scan_page_and_come_back_to_it(
    english, park, make_facility
):
    facility = make_facility(name="湖边座椅")
    scan = f"/q/{facility.token}"
    page = english.get(scan).get_data(as_text=True)
    href = page.split('href="/login?next=', 1)[1].split('"', 1)[0]
    login_url = f"/login?next={href}"
    response = english.post(login_url, data={"username": "crew", "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == scan
    crew_view = english.get(scan).get_data(as_text=True)
    assert "Inspected, fine" in crew_view
    assert "Sign in to work on this facility" not in crew_view


def test_a_first_scan_from_the_cache_signs_nothing_and_its_form_posts_with_its_token(
    make_app, make_facility, monkeypatch
):
    """A visitor's first scan (no cookie) served from the page cache is given a nonce
    cookie and the form token made from it, with no session and nothing signed by
    itsdangerous (a signed token and a signed cookie were a third of that page), and the
    form posts with them."""
    from itsdangerous import Signer

    def refused(*_args, **_kwargs):
        raise AssertionError("signed with itsdangerous")

    facility = make_facility()
    app = make_app(WTF_CSRF_ENABLED=True, PAGE_CACHE=True)
    url = f"/q/{facility.token}"
    app.test_client().get(url)  # kept by the page cache
    monkeypatch.setattr(Signer, "get_signature", refused)
    visitor = app.test_client()
    page = visitor.get(url)  # served from the cache, to a browser without a cookie
    cookies = page.headers.getlist("Set-Cookie")
    assert page.status_code == 200 and [c.split("=", 1)[0] for c in cookies] == [COOKIE]
    monkeypatch.undo()  # the refusal below renders a page that signs its own token
    html = page.get_data(as_text=True)
    form = {
        "category": "fence",
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1),
        "idempotency_key": re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1),
        "photo": photo(),
    }
    stranger = app.test_client()  # the same token from another browser is refused
    assert stranger.post(url, data=form, content_type="multipart/form-data").status_code == 400
    form["photo"] = photo()
    sent = visitor.post(url, data=form, content_type="multipart/form-data")
    assert sent.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(VisitorReport)) == 1
