"""Repair orders: every step, who may take it, conflicts, retries and bad input."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from modules.facilities import orders, photos
from modules.facilities.errors import FacilityError
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
from tests.modules.facilities.conftest import photo


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
    page = client.get(f"/facilities/orders/{order.id}").get_data(as_text=True)
    cost_input = re.search(r'<input[^>]*name="cost"[^>]*>', page).group(0)
    assert 'min="0"' in cost_input and 'type="number"' in cost_input
    assert "pattern=" in re.search(r'<input[^>]*name="quantity"[^>]*>', page).group(0)
    for quantity, cost, message in (
        ("-3", "1", "数量须为大于 0 的数字"),  # the messages in the crew's language
        ("0", "1", "数量须为大于 0 的数字"),
        ("2", "-50", "费用须为 0 或以上的金额"),
    ):
        refused = step(client, order, "part", description="坏数", quantity=quantity, cost=cost)
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Part)) == 2
    with pytest.raises(FacilityError, match="数量须为大于 0 的数字"):
        orders.add_part(order, park.crew, "垫片", "-3", "1", None)
    step(client, order, "part", description="电缆", quantity="3 m", cost="0")
    assert db.session.scalar(select(func.count()).select_from(Part)) == 3
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
