"""The four-eyes rule: for each decision, the predicate in ``four_eyes`` is what the page
shows (the button) and what the route enforces (the refusal), for the same two people.

The person refused here holds the permission the route asks for (an auditor who also
sells), so the refusal can only come from the predicate, not from the permission."""

from datetime import timedelta

import pytest

from modules.ticketing import catalog, corrections, four_eyes, shifts, stock
from modules.ticketing.days import findings, signoff
from modules.ticketing.days.record import day_record
from modules.ticketing.models import (
    Correction,
    CorrectionStatus,
    Finding,
    FindingStatus,
    Payment,
    SerialVoid,
    Shift,
    ShiftStatus,
    TicketDay,
    VoidStatus,
)
from parkops.extensions import db
from parkops.timeutil import business_day

ZERO = dict.fromkeys(Payment, 0)
COUNTED = {m.value: "0" for m in Payment} | {"cash": "500"}


@pytest.fixture
def selling_auditor(world, make_user):
    """An auditor (approve and audit) who also sells at the world's office."""
    user = make_user("sellaud", ["cashier", "auditor"], sites=[world.site])
    catalog.set_sellers(world.office, [world.seller, world.seller2, user], world.manager)
    return user


def refused(client, url, data, message):
    """Post as ``client``: the answer is the way back (303) and the page then says why."""
    response = client.post(url, data=data)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash flash-error"' in page and message in page, page


def test_a_void_is_decided_by_someone_other_than_its_seller(world, as_user, selling_auditor):
    shift = world.open(selling_auditor)
    world.take(shift, world.gate_ticket, 1000, 1009)
    void = stock.request_void(shift, world.gate_ticket, 1003, "torn", selling_auditor)
    url = f"/ticketing/voids/{void.id}/decide"
    assert not four_eyes.may_decide_void(selling_auditor, void)
    assert four_eyes.may_decide_void(world.auditor, void)

    own = as_user(selling_auditor)
    for page in (f"/ticketing/shifts/{shift.id}", "/ticketing/approvals"):
        assert url not in own.get(page).get_data(as_text=True)
    refused(own, url, {"approve": "Approve"}, "approved by a supervisor, not by the seller")
    assert db.session.get(SerialVoid, void.id).status == VoidStatus.PENDING

    other = as_user(world.auditor)
    for page in (f"/ticketing/shifts/{shift.id}", "/ticketing/approvals"):
        assert url in other.get(page).get_data(as_text=True)
    assert other.post(url, data={"approve": "Approve"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(SerialVoid, void.id).status == VoidStatus.APPROVED


def test_a_second_count_is_made_by_someone_other_than_the_seller(world, as_user, selling_auditor):
    shift = world.open(selling_auditor)
    shifts.count_blind(shift, ZERO, selling_auditor)  # ¥500 short: beyond the second threshold
    shifts.explain(shift, "The float was never put in the drawer.", selling_auditor)
    assert shift.status == ShiftStatus.SECOND_COUNT
    url = f"/ticketing/shifts/{shift.id}/second-count"
    assert not four_eyes.may_second_count(selling_auditor, shift)
    assert four_eyes.may_second_count(world.auditor, shift)

    own = as_user(selling_auditor)
    assert url not in own.get(f"/ticketing/shifts/{shift.id}").get_data(as_text=True)
    refused(own, url, COUNTED, "made by someone other than the seller")
    assert db.session.get(Shift, shift.id).status == ShiftStatus.SECOND_COUNT

    other = as_user(world.auditor)
    assert url in other.get(f"/ticketing/shifts/{shift.id}").get_data(as_text=True)
    assert other.post(url, data=COUNTED).status_code == 303
    db.session.expire_all()
    assert db.session.get(Shift, shift.id).second_counter_id == world.auditor.id


def _signed_day(world) -> TicketDay:
    day = day_record(world.site.id, business_day() - timedelta(days=1))
    db.session.commit()
    signoff.sign_off(day, set(), world.auditor2)
    return day


def test_a_correction_is_approved_by_someone_other_than_its_requester(world, as_user):
    day = _signed_day(world)
    change = corrections.GateCorrection(world.zoo, 3)
    correction = corrections.request_correction(day, change, "Counted twice.", world.auditor)
    url = f"/ticketing/corrections/{correction.id}/decide"
    assert not four_eyes.may_decide_correction(world.auditor, correction)
    assert four_eyes.may_decide_correction(world.leader, correction)

    own = as_user(world.auditor)
    for page in (f"/ticketing/days/{day.id}", "/ticketing/approvals"):
        assert url not in own.get(page).get_data(as_text=True)
    refused(own, url, {"approve": "Approve"}, "approved by a second person")
    assert db.session.get(Correction, correction.id).status == CorrectionStatus.PENDING

    other = as_user(world.leader)
    for page in (f"/ticketing/days/{day.id}", "/ticketing/approvals"):
        assert url in other.get(page).get_data(as_text=True)
    assert other.post(url, data={"approve": "Approve"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Correction, correction.id).status == CorrectionStatus.APPROVED


def test_a_finding_is_resolved_by_someone_other_than_its_seller(world, as_user, selling_auditor):
    shift = world.open(selling_auditor)
    day = day_record(world.site.id, business_day())
    finding = findings.add_finding(day, "Two tickets unaccounted.", world.auditor, shift=shift)
    url = f"/ticketing/findings/{finding.id}/resolve"
    data = {"resolution": "Found in the drawer."}
    assert not four_eyes.may_resolve_finding(selling_auditor, finding)
    assert four_eyes.may_resolve_finding(world.auditor, finding)

    own = as_user(selling_auditor)
    assert url not in own.get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    refused(own, url, data, "Nobody resolves a finding about her own shift.")
    assert db.session.get(Finding, finding.id).status == FindingStatus.OPEN

    other = as_user(world.auditor)
    assert url in other.get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    assert other.post(url, data=data).status_code == 303
    db.session.expire_all()
    assert db.session.get(Finding, finding.id).status == FindingStatus.RESOLVED


def test_a_day_is_signed_off_by_an_auditor_who_did_not_sell_on_it(world, as_user, selling_auditor):
    shift = world.open(selling_auditor)
    shifts.count_blind(shift, {**ZERO, Payment.CASH: 50_000}, selling_auditor)  # exact
    day = day_record(world.site.id, business_day())
    db.session.commit()
    url = f"/ticketing/days/{day.id}/sign"
    assert not four_eyes.may_sign_off(selling_auditor, day)
    assert four_eyes.may_sign_off(world.auditor, day)

    own = as_user(selling_auditor)
    page = own.get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    assert url not in page and "another auditor signs it off" in page
    refused(own, url, {}, "another auditor must sign it off")
    assert not db.session.get(TicketDay, day.id).signed

    other = as_user(world.auditor)
    page = other.get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    assert url in page and "another auditor signs it off" not in page
    assert other.post(url, data={}).status_code == 303
    db.session.expire_all()
    assert db.session.get(TicketDay, day.id).signed_by_id == world.auditor.id
