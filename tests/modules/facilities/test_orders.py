"""Repair orders: every step, who may take it, conflicts, retries and bad input."""

import io
import threading
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from modules.facilities import orders, photos, reports
from modules.facilities.models import (
    FacilityStatus,
    FaultCategory,
    Inspection,
    OrderState,
    Part,
    Priority,
    RejectReason,
    RepairOrder,
    SquadLead,
    Transition,
)
from parkops.attachments import Attachment
from parkops.extensions import db
from parkops.notify import Notification
from parkops.rectification.models import EvidenceLink, Problem
from parkops.timeutil import business_day
from tests.modules.facilities.conftest import jpeg_bytes, photo


def category_text(category):
    """A category's label in the installation's language, as an order stores it."""
    from flask import current_app
    from flask_babel import force_locale

    from modules.facilities.forms import CATEGORY_LABELS
    from modules.facilities.models import FaultCategory  # noqa: F401

    with current_app.test_request_context(), force_locale(current_app.config["DEFAULT_LOCALE"]):
        return str(CATEGORY_LABELS[category])


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def report(client, facility, key="k1", **fields):
    data = {
        "description": "旋转木马安全带卡扣损坏",
        "priority": "high",
        "idempotency_key": key,
        **fields,
    }
    return client.post(
        f"/facilities/{facility.id}/report", data=data, content_type="multipart/form-data"
    )


def step(client, order, name, **data):
    db.session.refresh(order)
    data.setdefault("version", str(order.version))
    return client.post(
        f"/facilities/orders/{order.id}/{name}", data=data, content_type="multipart/form-data"
    )


def states(order):
    return [
        (t.from_state, t.to_state)
        for t in db.session.scalars(
            select(Transition).where(Transition.order_id == order.id).order_by(Transition.id)
        )
    ]


def test_the_whole_life_of_an_order(client, as_user, park, make_facility, ledger):
    facility = make_facility("ride", name="旋转木马")
    as_user(park.crew)
    response = report(client, facility, photos=photo())
    assert response.status_code == 303
    order = db.session.scalar(select(RepairOrder))
    assert response.headers["Location"].endswith(f"/facilities/orders/{order.id}")
    assert order.priority == Priority.HIGH and order.reported_by_id == park.crew.id
    assert order.deadline_at - order.reported_at == timedelta(hours=24)
    db.session.refresh(facility)
    assert facility.status == FacilityStatus.DAMAGED
    assert count(Inspection) == 1  # reporting damage on patrol counts as the inspection
    assert facility.last_inspected_at is not None

    assert step(client, order, "assign", assignees=[park.crew.id, park.crew2.id]).status_code == 303
    assert {u.id for u in order.assignees} == {park.crew.id, park.crew2.id}
    assert step(client, order, "start", photos=photo()).status_code == 303
    db.session.refresh(facility)
    assert facility.status == FacilityStatus.UNDER_REPAIR
    step(client, order, "part", description="安全带卡扣", quantity="2", cost="35.50")
    step(client, order, "part", description="螺栓", quantity="8", cost="1,200")
    assert sorted(p.cost_fen for p in db.session.scalars(select(Part))) == [3550, 120000]
    response = step(
        client, order, "repaired", labour_minutes="90", note="更换卡扣", photos=photo("after.jpg")
    )
    assert response.status_code == 303
    db.session.refresh(order)
    assert order.state == OrderState.REPAIRED and order.labour_minutes == 90
    assert order.repaired_by_id == park.crew.id and order.completion_note == "更换卡扣"

    as_user(park.inspector)
    assert step(client, order, "verify").status_code == 303
    db.session.refresh(order)
    db.session.refresh(facility)
    assert order.state == OrderState.VERIFIED and order.verified_by_id == park.inspector.id
    assert order.closed_at is not None
    assert facility.status == FacilityStatus.IN_SERVICE
    assert states(order) == [
        (None, OrderState.REPORTED),
        (OrderState.REPORTED, OrderState.ASSIGNED),
        (OrderState.ASSIGNED, OrderState.IN_PROGRESS),
        (OrderState.IN_PROGRESS, OrderState.REPAIRED),
        (OrderState.REPAIRED, OrderState.VERIFIED),
    ]
    whos = [t.by_id for t in db.session.scalars(select(Transition).order_by(Transition.id))]
    assert whos == [park.crew.id] * 4 + [park.inspector.id]
    kinds = {
        owner_kind for (owner_kind,) in db.session.execute(select(Attachment.owner_kind).distinct())
    }
    assert kinds == {photos.PHOTO_BEFORE, photos.PHOTO_AFTER}
    problem14 = db.session.scalar(select(Problem).where(Problem.code == "14"))
    linked = {
        (link.kind, link.record_id)
        for link in db.session.scalars(
            select(EvidenceLink).where(EvidenceLink.problem_id == problem14.id)
        )
    }
    inspection = db.session.scalar(select(Inspection))
    assert linked == {
        ("facilities.repair_order", order.id),
        ("facilities.inspection", inspection.id),
    }
    page = client.get(f"/facilities/orders/{order.id}").get_data(as_text=True)
    assert "¥1,235.50" in page  # the parts' total


def test_a_hazard_on_a_safety_critical_facility_puts_it_out_of_service_at_once(
    client, as_user, park, make_facility
):
    ride = make_facility("ride")
    bench = make_facility("bench")
    as_user(park.crew)
    report(client, ride, key="a", hazardous="y", priority="low")
    report(client, bench, key="b", hazardous="y", priority="low")
    db.session.refresh(ride)
    db.session.refresh(bench)
    assert ride.status == FacilityStatus.OUT_OF_SERVICE
    assert bench.status == FacilityStatus.DAMAGED  # a bench is not safety-critical
    ride_order = db.session.scalar(select(RepairOrder).where(RepairOrder.facility_id == ride.id))
    assert ride_order.priority == Priority.URGENT and ride_order.takes_out_of_service
    # It stays out of service while being repaired, until the repair is verified.
    step(client, ride_order, "assign", assignees=[park.crew.id])
    step(client, ride_order, "start")
    step(client, ride_order, "repaired", labour_minutes="30", note="修好")
    db.session.refresh(ride)
    assert ride.status == FacilityStatus.OUT_OF_SERVICE
    as_user(park.inspector)
    step(client, ride_order, "verify")
    db.session.refresh(ride)
    assert ride.status == FacilityStatus.IN_SERVICE


def test_the_same_damage_report_posted_twice_makes_one_order(client, as_user, park, make_facility):
    facility = make_facility()
    as_user(park.crew)
    first = report(client, facility, key="retry-1")
    second = report(client, facility, key="retry-1")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count(RepairOrder) == 1 and count(Inspection) == 1
    report(client, facility, key="retry-2")
    assert count(RepairOrder) == 2


def test_inspected_fine_twice_with_one_key_logs_one_inspection(
    client, as_user, park, make_facility, ledger
):
    facility = make_facility("toilet")
    as_user(park.crew)
    for _ in range(2):
        response = client.post(f"/facilities/{facility.id}/inspect", data={"idempotency_key": "x"})
        assert response.status_code == 303
    assert count(Inspection) == 1
    db.session.refresh(facility)
    assert facility.due_on > business_day()
    assert count(EvidenceLink) == 1


def test_a_step_repeated_by_a_retry_is_taken_once(client, as_user, park, make_facility):
    facility = make_facility()
    as_user(park.crew)
    report(client, facility)
    order = db.session.scalar(select(RepairOrder))
    first = step(client, order, "assign", assignees=[park.crew.id], idempotency_key="s1")
    second = client.post(
        f"/facilities/orders/{order.id}/assign",
        data={"assignees": [park.crew.id], "version": "1", "idempotency_key": "s1"},
    )
    assert first.status_code == second.status_code == 303
    assert len(states(order)) == 2


def test_two_people_on_one_order_the_second_gets_a_conflict(
    client, make_app, as_user, park, make_facility
):
    facility = make_facility()
    as_user(park.crew)
    report(client, facility)
    order = db.session.scalar(select(RepairOrder))
    seen = order.version
    other = client.application.test_client()
    as_user(park.crew2, test_client=other)
    other.post("/language/en")
    # Both opened the order at version `seen`; crew assigns first.
    client.post(
        f"/facilities/orders/{order.id}/assign",
        data={"assignees": [park.crew.id], "version": str(seen)},
    )
    response = other.post(
        f"/facilities/orders/{order.id}/reject",
        data={"reason": "duplicate", "note": "重复", "version": str(seen)},
    )
    assert response.status_code == 409
    assert "Someone else changed repair order" in response.get_data(as_text=True)
    db.session.refresh(order)
    assert order.state == OrderState.ASSIGNED
    assert [u.id for u in order.assignees] == [park.crew.id]


def test_a_concurrent_write_between_check_and_commit_is_a_conflict(park, make_facility, app):
    facility = make_facility()
    with app.test_request_context():
        order = reports.report_damage(
            facility, park.crew, "坏了", Priority.NORMAL, False, [], None
        ).order
        version = order.version
        # Someone else's transaction bumps the row behind this session's back.
        db.session.execute(
            RepairOrder.__table__.update()
            .where(RepairOrder.id == order.id)
            .values(version=version + 1)
        )
        with pytest.raises(orders.Conflict):
            orders.assign(order, park.crew, version, [park.crew.id], None)
    db.session.rollback()


def test_missing_version_is_a_conflict_not_an_overwrite(client, as_user, park, make_facility):
    facility = make_facility()
    as_user(park.crew)
    report(client, facility)
    order = db.session.scalar(select(RepairOrder))
    response = client.post(
        f"/facilities/orders/{order.id}/assign", data={"assignees": [park.crew.id], "version": "x"}
    )
    assert response.status_code == 409
    db.session.refresh(order)
    assert order.state == OrderState.REPORTED


def _reported(client, as_user, park, make_facility, **kw):
    facility = make_facility(**kw)
    as_user(park.crew)
    report(client, facility)
    return db.session.scalar(select(RepairOrder).where(RepairOrder.facility_id == facility.id))


def test_reject_needs_a_supervisor_and_a_reason(client, as_user, park, make_facility, app):
    order = _reported(client, as_user, park, make_facility)
    assert step(client, order, "reject", reason="duplicate", note="重复").status_code == 403
    as_user(park.inspector)
    response = step(client, order, "reject", reason="not_a_fault", note="")
    assert response.status_code == 422
    assert step(client, order, "reject", reason="not_a_fault", note="正常磨损").status_code == 303
    db.session.refresh(order)
    assert order.state == OrderState.REJECTED and order.reject_reason == RejectReason.NOT_A_FAULT
    assert order.facility.status == FacilityStatus.IN_SERVICE
    assert states(order)[-1] == (OrderState.REPORTED, OrderState.REJECTED)


def test_the_squad_lead_may_reject_at_their_site(client, as_user, park, make_facility):
    order = _reported(client, as_user, park, make_facility)
    db.session.add(SquadLead(site_id=park.psy.id, user_id=park.crew.id))
    db.session.commit()
    assert step(client, order, "reject", reason="duplicate", note="重复").status_code == 303


def _repaired_by(client, as_user, park, make_facility, worker):
    order = _reported(client, as_user, park, make_facility)
    step(client, order, "assign", assignees=[worker.id])
    as_user(worker)
    step(client, order, "start")
    step(client, order, "repaired", labour_minutes="10", note="好了")
    db.session.refresh(order)
    assert order.state == OrderState.REPAIRED
    return order


def test_whoever_repaired_does_not_verify(client, as_user, park, make_facility):
    order = _repaired_by(client, as_user, park, make_facility, park.crew)
    # crew reported it and repaired it: the reporter's right to verify does not cover own work
    assert step(client, order, "verify").status_code == 403


def test_the_reporter_may_verify_a_repair_done_by_someone_else(
    client, as_user, park, make_facility
):
    order = _repaired_by(client, as_user, park, make_facility, park.crew2)
    as_user(park.crew)
    assert step(client, order, "verify").status_code == 303
    db.session.refresh(order)
    assert order.state == OrderState.VERIFIED and order.verified_by_id == park.crew.id


def test_a_refused_verification_sends_the_order_back(client, as_user, park, make_facility):
    order = _repaired_by(client, as_user, park, make_facility, park.crew)
    as_user(park.inspector)
    assert step(client, order, "reopen", note="").status_code == 422
    assert step(client, order, "reopen", note="仍然松动").status_code == 303
    db.session.refresh(order)
    assert order.state == OrderState.IN_PROGRESS and order.repaired_by_id is None
    assert states(order)[-1] == (OrderState.REPAIRED, OrderState.IN_PROGRESS)


def test_steps_out_of_order_are_refused(client, as_user, park, make_facility):
    order = _reported(client, as_user, park, make_facility)
    assert step(client, order, "start").status_code == 403
    assert step(client, order, "repaired", labour_minutes="5", note="x").status_code == 403
    as_user(park.inspector)
    assert step(client, order, "verify").status_code == 403
    assert client.post(f"/facilities/orders/{order.id}/explode").status_code == 404
    db.session.refresh(order)
    assert order.state == OrderState.REPORTED


def test_only_the_sites_crew_can_be_assigned(client, as_user, park, make_facility):
    order = _reported(client, as_user, park, make_facility)
    response = step(client, order, "assign", assignees=[park.zoo_crew.id])
    assert response.status_code == 422
    assert step(client, order, "assign", assignees=[park.office.id]).status_code == 422
    db.session.refresh(order)
    assert order.state == OrderState.REPORTED and order.assignees == []


def test_assignment_notifies_the_assignee(client, as_user, park, make_facility):
    order = _reported(client, as_user, park, make_facility)
    step(client, order, "assign", assignees=[park.crew2.id])
    notes = db.session.scalars(select(Notification)).all()
    assert [n.user_id for n in notes] == [park.crew2.id]
    assert f"/facilities/orders/{order.id}" in notes[0].link


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


def test_a_crew_report_needs_no_description_the_category_says_what_is_wrong(
    client, as_user, park, make_facility
):
    facility = make_facility()
    as_user(park.crew)
    response = report(client, facility, description="  ", category="water_electric")
    assert response.status_code == 303
    order = db.session.scalar(select(RepairOrder))
    assert order.category.value == "water_electric" and order.description == category_text(
        FaultCategory.WATER_ELECTRIC
    )
    assert count(Inspection) == 1


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


def test_the_repair_steps_belong_to_the_crew_not_to_supervisors(
    client, as_user, park, make_facility
):
    order = _reported(client, as_user, park, make_facility)
    assert step(client, order, "assign", assignees=[park.crew.id]).status_code == 303
    for supervisor in (park.inspector, park.leader):
        as_user(supervisor)
        db.session.refresh(order)
        assert "start" not in orders.allowed(supervisor, order)
        assert step(client, order, "start").status_code == 403
    as_user(park.crew)
    assert step(client, order, "start").status_code == 303
    as_user(park.inspector)
    db.session.refresh(order)
    assert "repaired" not in orders.allowed(park.inspector, order)
    assert step(client, order, "repaired", labour_minutes="5", note="修好了").status_code == 403
    page = client.get(f"/facilities/orders/{order.id}").get_data(as_text=True)
    assert "Mark repaired" not in page
    db.session.refresh(order)
    assert order.state == OrderState.IN_PROGRESS and order.repaired_by_id is None


def test_a_sent_back_repair_note_is_history_not_the_current_repair(
    client, as_user, park, make_facility
):
    order = _repaired_by(client, as_user, park, make_facility, park.crew)
    db.session.refresh(order)
    old_note = order.completion_note
    as_user(park.inspector)
    client.post("/language/en")
    assert step(client, order, "reopen", note="仍然松动").status_code == 303
    db.session.refresh(order)
    assert order.completion_note == ""
    page = client.get(f"/facilities/orders/{order.id}").get_data(as_text=True)
    facts, history = page.split("History", 1)
    assert "Work done" not in facts and old_note not in facts
    assert old_note in history and "repair sent back" in history


def test_each_step_is_confirmed(client, as_user, park, make_facility):
    order = _reported(client, as_user, park, make_facility)
    client.post("/language/en")
    client.get(f"/facilities/orders/{order.id}")  # shows the report's own message

    def confirmed(name, **data):
        response = step(client, order, name, **data)
        assert response.status_code == 303
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        return page.split('class="flash flash-success" role="status">', 1)[1].split("<", 1)[0]

    assert confirmed("assign", assignees=[park.crew.id]) == "Assigned."
    assert confirmed("start") == "Repair started."
    assert confirmed("comment", body="配件已订") == "Comment added."
    assert confirmed("repaired", labour_minutes="5", note="换了卡扣").startswith("Marked repaired")


def test_a_concurrent_change_flushed_by_the_audit_write_is_a_conflict(park, make_facility, app):
    """Verify and reject write an audit entry before committing: the stale row shows there."""
    facility = make_facility()
    with app.test_request_context():
        order = reports.report_damage(
            facility, park.crew, "坏了", Priority.NORMAL, False, [], None
        ).order
        version = order.version
        db.session.execute(
            RepairOrder.__table__.update()
            .where(RepairOrder.id == order.id)
            .values(version=version + 1)
        )
        with pytest.raises(orders.Conflict):
            orders.reject(order, park.inspector, version, RejectReason.DUPLICATE, "重复", None)
    db.session.refresh(order)
    assert order.state == OrderState.REPORTED


def _at_once(requests):
    """Run the (client, url, data) posts in threads released together; their (status, page)."""
    barrier = threading.Barrier(len(requests))
    answers = [None] * len(requests)

    def post(i, test_client, url, data):
        barrier.wait()
        response = test_client.post(url, data=data)
        answers[i] = (response.status_code, response.get_data(as_text=True))

    threads = [threading.Thread(target=post, args=(i, *r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def test_three_steps_at_the_same_moment_one_wins_the_others_get_the_conflict_page(
    app, client, as_user, park, make_facility
):
    """Real threads, real database: never a 500, and each loser gets back what they typed."""
    posts = [
        (park.crew, "assign", {"assignees": [park.crew.id]}),
        (park.crew2, "assign", {"assignees": [park.crew2.id]}),
        (park.inspector, "reject", {"reason": "duplicate", "note": "与另一单重复"}),
    ]
    clients = []
    for user, _name, _data in posts:
        clients.append(app.test_client())
        as_user(user, test_client=clients[-1])
        clients[-1].post("/language/en")
    as_user(park.crew)
    for race in range(3):
        facility = make_facility()
        report(client, facility, key=f"race{race}")
        order = db.session.scalar(select(RepairOrder).where(RepairOrder.facility_id == facility.id))
        order_id, version = order.id, str(order.version)
        answers = _at_once(
            [
                (c, f"/facilities/orders/{order_id}/{name}", {**data, "version": version})
                for c, (_user, name, data) in zip(clients, posts, strict=True)
            ]
        )
        assert sorted(status for status, _page in answers) == [303, 409, 409]
        for (status, page), (_user, name, _data) in zip(answers, posts, strict=True):
            if status == 409:
                assert "Someone else changed repair order" in page
                if name == "reject":
                    assert "与另一单重复" in page
        db.session.expire_all()
        assert len(states(db.session.get(RepairOrder, order_id))) == 2
