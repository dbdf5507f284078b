"""Repair orders under retries and concurrency: a report or step posted twice is taken
once, two people on one order get a conflict, never an overwrite. Moved from
test_orders.py."""

import threading

import pytest
from sqlalchemy import select

from modules.facilities import orders, reports
from modules.facilities.models import (
    Inspection,
    OrderState,
    Priority,
    RejectReason,
    RepairOrder,
)
from parkops.extensions import db
from parkops.rectification.models import EvidenceLink
from parkops.timeutil import business_day
from tests.modules.facilities.test_orders import (
    count,
    report,
    states,
    step,
)


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


def test_a_damage_report_posted_again_from_a_fresh_page_makes_one_order(
    client, as_user, park, make_facility
):
    """Back, then submit again: the form's new key is a content form's (``t-``), so the
    very same report is answered "already recorded"; a different one is a new order."""
    facility = make_facility()
    as_user(park.crew)
    first = report(client, facility, key="t-1")
    again = report(client, facility, key="t-2")
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    assert count(RepairOrder) == 1
    report(client, facility, key="t-3", description="旋转木马座椅松动")
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
