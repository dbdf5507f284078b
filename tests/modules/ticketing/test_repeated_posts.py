"""A form posted twice (a double click, a retry on a weak connection) makes one record:
the repeat carries the same idempotency key and lands on the page the first post led to,
with no refusal. A refused post keeps nothing, its key neither."""

import re
import threading

import pytest
from sqlalchemy import func, select

from modules.ticketing import shifts
from modules.ticketing.days.record import day_record
from modules.ticketing.models import (
    Correction,
    Deposit,
    Finding,
    GateCount,
    Payment,
    SerialVoid,
    ShiftStatus,
    StockIssue,
    StockRoll,
    TicketDay,
)
from parkops.extensions import db
from parkops.timeutil import business_day

ZERO = dict.fromkeys(Payment, 0)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def post_twice(client, url: str, data: dict, key: str):
    """Post, then post the same form again; both answers, the second one followed."""
    data = {**data, "idempotency_key": key}
    first = client.post(url, data=data)
    again = client.post(url, data=data)
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    followed = client.get(again.headers["Location"]).get_data(as_text=True)
    assert 'class="flash flash-error"' not in followed, followed
    return first


def test_the_sellers_forms_once_each(world, as_user):
    shift = world.open()
    client = as_user(world.seller)
    base = f"/ticketing/shifts/{shift.id}"
    take = {"product_id": world.gate_ticket.id, "first": 1000, "last": 1049}
    post_twice(client, f"{base}/ranges", take, "k-take")
    assert count(StockIssue) == 1
    void = {"product_id": world.gate_ticket.id, "serial": 1003, "reason": "torn in the printer"}
    post_twice(client, f"{base}/voids", void, "k-void")
    assert count(SerialVoid) == 1
    approver = as_user(world.auditor)
    void_id = db.session.scalar(select(SerialVoid.id))
    post_twice(approver, f"/ticketing/voids/{void_id}/decide", {"approve": "Approve"}, "k-dv")
    client = as_user(world.seller)
    issue = db.session.scalar(select(StockIssue))
    post_twice(client, f"/ticketing/issues/{issue.id}/return", {"first_unsold": 1040}, "k-ret")
    counted = {m.value: "0" for m in Payment} | {"cash": "1000"}  # far short of ¥500 + ¥1,560
    post_twice(client, f"{base}/close", counted, "k-close")
    db.session.refresh(shift)
    assert shift.status == ShiftStatus.EXPLAINING
    explanation = {"explanation": "The drawer was opened by a stranger."}
    post_twice(client, f"{base}/explain", explanation, "k-explain")
    db.session.refresh(shift)
    assert shift.status == ShiftStatus.SECOND_COUNT
    counter = as_user(world.auditor)
    post_twice(counter, f"{base}/second-count", counted, "k-second")
    db.session.refresh(shift)
    assert shift.status == ShiftStatus.CLOSED and shift.second_counter_id == world.auditor.id


def test_the_auditors_forms_once_each(world, as_user):
    shift = world.open()
    shifts.count_blind(shift, {**ZERO, Payment.CASH: 50_000}, world.seller)
    day = day_record(world.site.id, business_day())
    db.session.commit()
    client = as_user(world.auditor)
    url = f"/ticketing/days/{day.id}"
    post_twice(client, f"{url}/gate", {"venue_id": world.zoo.id, "entries": 4}, "k-gate")
    assert count(GateCount) == 1
    post_twice(client, f"{url}/deposit", {"amount": "0", "slip_number": "B-1"}, "k-dep")
    assert count(Deposit) == 1
    finding = {"text": "Four entered the zoo unticketed.", "shift_id": 0, "amount": ""}
    post_twice(client, f"{url}/findings", finding, "k-find")
    assert count(Finding) == 1
    finding_id = db.session.scalar(select(Finding.id))
    resolution = {"resolution": "The gate counter was repaired."}
    post_twice(client, f"/ticketing/findings/{finding_id}/resolve", resolution, "k-res")
    page = client.get(url).get_data(as_text=True)
    reviewed = re.findall(r'name="reviewed" value="([^"]+)"', page)
    post_twice(client, f"{url}/sign", {"reviewed": reviewed}, "k-sign")
    assert db.session.get(TicketDay, day.id).signed
    correction = {"venue_id": world.zoo.id, "entries": 3, "reason": "Counted twice by the gate."}
    post_twice(client, f"{url}/corrections/gate", correction, "k-corr")
    assert count(Correction) == 1
    leader = as_user(world.leader)
    correction_id = db.session.scalar(select(Correction.id))
    decide = {"approve": "Approve"}
    post_twice(leader, f"/ticketing/corrections/{correction_id}/decide", decide, "k-dc")


def test_a_roll_received_twice_is_one_roll(world, as_user):
    client = as_user(world.manager)
    before = count(StockRoll)
    roll = {
        "product_id": world.gate_ticket.id,
        "first": 8000,
        "last": 8999,
        "received_on": business_day().isoformat(),
        "note": "",
    }
    post_twice(client, "/ticketing/stock/rolls", roll, "k-roll")
    assert count(StockRoll) == before + 1


def test_a_refused_post_keeps_nothing_and_its_key_stays_free(world, as_user):
    shift = world.open()
    client = as_user(world.seller)
    url = f"/ticketing/shifts/{shift.id}/ranges"
    outside = {
        "product_id": world.gate_ticket.id,
        "first": 9000,
        "last": 9010,
        "idempotency_key": "k",
    }
    refused = client.post(url, data=outside, follow_redirects=True)
    assert "not inside one roll" in refused.get_data(as_text=True)
    assert count(StockIssue) == 0
    corrected = {**outside, "first": 1000, "last": 1010}
    accepted = client.post(url, data=corrected, follow_redirects=True)
    assert "Range recorded" in accepted.get_data(as_text=True)
    assert count(StockIssue) == 1


def test_the_way_back_after_a_void_decision_stays_on_this_site(world, as_user, void_asked):
    shift = void_asked
    approver = as_user(world.auditor)
    void_id = db.session.scalar(select(SerialVoid.id))
    for back in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        response = approver.post(
            f"/ticketing/voids/{void_id}/decide",
            data={"reject": "Reject", "back": back},
            headers={"Referer": back},
        )
        # The first decides; the others hear it was decided, with no way back off-site.
        assert response.status_code in (303, 409)
        assert response.headers.get("Location", "/ticketing/approvals") == "/ticketing/approvals"
        assert "evil.example" not in response.get_data(as_text=True)
    own_page = f"/ticketing/shifts/{shift.id}"
    response = approver.post(
        f"/ticketing/voids/{void_id}/decide",
        data={"back": own_page},
        headers={"Referer": f"http://localhost{own_page}"},
    )
    assert response.status_code == 409 and f'href="{own_page}"' in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["shift", "day", "approvals", "stock"])
def test_every_form_that_records_carries_a_key(world, as_user, void_asked, page):
    shift = void_asked
    day = day_record(world.site.id, business_day())
    db.session.commit()
    client = as_user(world.manager if page == "stock" else world.auditor)
    url = {
        "shift": f"/ticketing/shifts/{shift.id}",
        "day": f"/ticketing/days/{day.id}",
        "approvals": "/ticketing/approvals",
        "stock": "/ticketing/stock",
    }[page]
    html = client.get(url).get_data(as_text=True)
    forms = re.findall(r'<form method="post" action="/ticketing/.*?</form>', html, flags=re.S)
    assert forms
    for form in forms:
        assert 'name="idempotency_key"' in form, form[:200]


def test_a_deposit_repeated_while_the_first_is_still_saving_is_one_deposit(
    app, world, as_user, login
):
    """Two threads post the same deposit form at once (real threads, real database):
    one deposit, and both answers lead to the first post's page, neither to an error."""
    shift = world.open()
    shifts.count_blind(shift, {**ZERO, Payment.CASH: 50_000}, world.seller)
    day = day_record(world.site.id, business_day())
    db.session.commit()
    url, page = f"/ticketing/days/{day.id}/deposit", f"/ticketing/days/{day.id}#money"
    clients = [app.test_client() for _ in range(2)]
    for c in clients:
        login(world.auditor, test_client=c)
    data = {"amount": "500", "slip_number": "B-7", "idempotency_key": "k-race"}
    barrier = threading.Barrier(len(clients))
    answers = [None] * len(clients)

    def post(i):
        barrier.wait()
        answers[i] = clients[i].post(url, data=data)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [303, 303]
    assert {a.headers["Location"] for a in answers} == {page}
    assert count(Deposit) == 1


def test_a_deposit_or_finding_posted_again_from_a_fresh_page_is_recorded_once(world, as_user):
    """Back, then submit again: the page comes back with a new key (a content form's,
    ``t-``); the very same deposit or finding is answered "already recorded", another
    slip is a new deposit."""
    day = day_record(world.site.id, business_day())
    db.session.commit()
    client = as_user(world.auditor)
    url = f"/ticketing/days/{day.id}"
    deposit = {"amount": "500", "slip_number": "B-8"}
    finding = {"text": "Two entered unticketed.", "shift_id": 0, "amount": ""}
    for path, data in (("deposit", deposit), ("findings", finding)):
        for key in ("t-1", "t-2"):
            answer = client.post(f"{url}/{path}", data={**data, "idempotency_key": key + path})
            assert answer.status_code == 303
    assert "Already recorded a moment ago" in client.get(url).get_data(as_text=True)
    assert count(Deposit) == 1 and count(Finding) == 1
    client.post(f"{url}/deposit", data={**deposit, "slip_number": "B-9", "idempotency_key": "t-3"})
    assert count(Deposit) == 2
