"""Issue 14: every void or refund of a sale, in the seller's own file or not, waits for
someone else's approval with its reason; a refund names the sale it reverses and cannot
exceed it; a sale is voided once; a real export's printed voids match approved ones."""

import io
import re

import pytest
from sqlalchemy import select

from modules.ticketing import reversals, shifts, stock, todo
from modules.ticketing.days.record import day_record
from modules.ticketing.errors import TicketingError
from modules.ticketing.imports import import_sales
from modules.ticketing.models import Payment, Reversal, SalesLine, SaleStatus, VoidStatus
from parkops.deciding import AlreadyDecided
from parkops.extensions import db
from parkops.timeutil import business_day

from .conftest import REVERSAL_COLUMNS, csv_bytes, sale

FLOAT = 50_000


def upload(world, rows, actor=None, name="sales.csv"):
    return import_sales(name, csv_bytes(rows, REVERSAL_COLUMNS), actor or world.seller)


def reasons_by_line(result) -> dict[int, str]:
    return {e.line: " ".join(e.reasons) for e in result.errors}


def expected_cash(shift) -> int:
    return shifts.expected_by_method(shift)[Payment.CASH] - FLOAT


def only_reversal() -> Reversal:
    return db.session.scalars(select(Reversal)).one()


def test_an_e_ticket_void_in_her_own_file_keeps_the_sale_expected_until_approved(world):
    shift = world.open()
    result = upload(
        world,
        [{**sale(world, world.combo, quantity=3), "status": "void", "reason": "customer left"}],
    )
    assert result.ok and result.reversals == 1
    assert expected_cash(shift) == 24_000  # the three tickets' money is still expected
    with pytest.raises(TicketingError, match="approve or reject the voids and refunds"):
        shifts.count_blind(shift, {m: 0 for m in Payment}, world.seller)
    reversal = only_reversal()
    with pytest.raises(TicketingError, match="someone other than its importer and the seller"):
        reversals.decide_reversal(reversal, True, world.seller)
    reversals.decide_reversal(reversal, False, world.auditor)
    assert expected_cash(shift) == 24_000  # rejected: the sale stands
    with pytest.raises(AlreadyDecided, match=f"already decided, by {world.auditor.display_name}"):
        reversals.decide_reversal(reversal, True, world.leader)  # a stale page, another person
    shifts.count_blind(shift, {m: 0 for m in Payment} | {Payment.CASH: FLOAT}, world.seller)
    assert shifts.total_difference(shift) == -24_000


def test_approved_voids_of_two_discount_cards_lower_the_takings(world):
    shift = world.open()
    line = {**sale(world, world.card), "status": "void"}
    refused = upload(world, [line, line])
    assert set(reasons_by_line(refused)) == {2, 3}
    assert "needs its reason" in reasons_by_line(refused)[2]
    result = upload(world, [{**line, "reason": "wrong card"}, {**line, "reason": "wrong card"}])
    assert result.ok and result.reversals == 2
    assert expected_cash(shift) == 20_000
    for reversal in db.session.scalars(select(Reversal)).all():
        reversals.decide_reversal(reversal, True, world.auditor)
    assert expected_cash(shift) == 0
    assert {s.status for s in db.session.scalars(select(SalesLine))} == {SaleStatus.VOID}


def test_a_refund_must_name_the_sale_it_reverses(world):
    world.open()
    result = upload(
        world, [{**sale(world, world.card, amount="300"), "status": "refund", "reason": "x"}]
    )
    assert "a refund names the sale it reverses" in reasons_by_line(result)[2]
    assert db.session.scalar(select(SalesLine.id)) is None


def test_a_refund_points_to_its_line_and_cannot_exceed_it(world):
    shift = world.open()
    sold = sale(world, world.combo, quantity=2)
    refund = {**sale(world, world.combo), "status": "refund", "reason": "rain", "reverses": "2"}
    result = upload(
        world,
        [
            sold,
            {**refund, "quantity": "3", "amount": "240"},
            {**refund, "reverses": "5"},
            {**sale(world, world.card), "status": "refund", "reason": "x", "reverses": "2"},
        ],
    )
    reasons = reasons_by_line(result)
    assert "exceeds what is left of the sale: 2 tickets, ¥160.00" in reasons[3]
    assert "line 5 of this file is not a sale of COMBO" in reasons[4]
    assert "line 2 of this file is not a sale of CARD" in reasons[5]
    assert upload(world, [sold, refund, refund]).ok  # two of the two tickets
    assert expected_cash(shift) == 16_000
    again = upload(world, [sold, refund, refund, refund], name="whole-day.csv")
    assert "already refunded" in reasons_by_line(again)[5]
    for reversal in db.session.scalars(select(Reversal)).all():
        reversals.decide_reversal(reversal, True, world.auditor)
    assert expected_cash(shift) == 0


def test_a_sale_is_voided_once(world):
    world.open()
    sold = sale(world, world.combo)
    void = {**sale(world, world.combo), "status": "void", "reason": "x", "reverses": "2"}
    result = upload(world, [sold, void, void])
    assert "already voided" in reasons_by_line(result)[4]
    assert upload(world, [sold, void]).ok
    later = upload(world, [sold, void, void], name="later.csv")
    assert "already voided" in reasons_by_line(later)[4]
    refund = {**void, "status": "refund"}
    assert "already voided" in reasons_by_line(upload(world, [sold, void, refund], name="r.csv"))[4]


def test_a_printed_ticket_refund_is_approved_and_capped_at_its_sale(world):
    shift = world.open()
    world.take(shift, world.zoo_ticket, 5000, 5009)
    sold = sale(world, world.zoo_ticket, serial=5001)
    refund = {**sold, "status": "refund", "reason": "sick child"}
    too_much = upload(world, [sold, {**refund, "amount": "61"}])
    assert "exceeds what is left of the sale" in reasons_by_line(too_much)[3]
    assert upload(world, [sold, refund]).ok
    reversals.decide_reversal(only_reversal(), True, world.leader)
    refunds = db.session.scalars(select(SalesLine).where(SalesLine.status == "refund")).all()
    assert [(r.serial, r.amount_fen) for r in refunds] == [(5001, 6000)]


def test_an_auditor_imports_a_sellers_export_and_another_person_approves(world):
    shift = world.open()
    rows = [{**sale(world, world.combo), "status": "void", "reason": "double booking"}]
    result = upload(world, rows, actor=world.auditor)
    assert result.ok
    reversal = only_reversal()
    assert reversal.requested_by_id == world.auditor.id and reversal.shift_id == shift.id
    with pytest.raises(TicketingError, match="someone other than its importer"):
        reversals.decide_reversal(reversal, True, world.auditor)
    reversals.decide_reversal(reversal, True, world.auditor2)
    assert reversal.status == VoidStatus.APPROVED


def test_a_real_export_with_printed_voids_matches_approved_ones(world):
    shift = world.open()
    world.take(shift, world.gate_ticket, 1000, 1009)
    asked = stock.request_void(shift, world.gate_ticket, 1003, "torn", world.seller)
    stock.decide_void(asked, True, world.auditor)
    stock.request_void(shift, world.gate_ticket, 1004, "torn", world.seller)  # still pending
    rows = [
        sale(world, world.gate_ticket, serial=1000),
        sale(world, world.gate_ticket, serial=1003, status="void"),
        sale(world, world.gate_ticket, serial=1004, status="void"),
        sale(world, world.gate_ticket, serial=1005, status="void"),
    ]
    reasons = reasons_by_line(upload(world, rows))
    assert set(reasons) == {4, 5}
    assert "serial 1004 has no approved void" in reasons[4]
    assert "serial 1005 has no approved void" in reasons[5]
    result = upload(world, rows[:2])
    assert result.ok and result.confirmed_voids == 1
    assert db.session.scalars(select(SalesLine.serial)).all() == [1000]


def test_the_approver_decides_on_the_approvals_page_not_the_seller(world, as_user):
    shift = world.open()
    upload(world, [{**sale(world, world.combo), "status": "void", "reason": "gone"}])
    seller = as_user(world.seller)
    assert "gone" in seller.get(f"/ticketing/shifts/{shift.id}").get_data(as_text=True)
    reversal_id = only_reversal().id
    assert seller.post(f"/ticketing/reversals/{reversal_id}/decide").status_code == 403
    approver = as_user(world.auditor)
    page = approver.get("/ticketing/approvals").get_data(as_text=True)
    assert re.search(rf"/ticketing/reversals/{reversal_id}/decide", page)
    response = approver.post(
        f"/ticketing/reversals/{reversal_id}/decide", data={"approve": "Approve"}
    )
    assert response.status_code == 303
    assert db.session.get(Reversal, reversal_id).status == VoidStatus.APPROVED


def test_the_auditor_imports_a_sellers_export_and_the_day_shows_who_imported_what(world, as_user):
    world.open()
    rows = [sale(world, world.combo), {**sale(world, world.combo), "status": "void"}]
    rows[1]["reason"] = "customer left"
    auditor = as_user(world.auditor)
    response = auditor.post(
        "/ticketing/imports/sales",
        data={"file": (io.BytesIO(csv_bytes(rows, REVERSAL_COLUMNS)), "system-export.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "1 void or refund waits for approval" in response.get_data(as_text=True)
    day = day_record(world.site.id, business_day())
    page = auditor.get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    imports = page[page.index('id="imports"') :]
    imports = imports[: imports.index("</section>")]
    assert "system-export.csv" in imports
    assert "Auditor One" in imports and "Seller One" in imports


def test_the_approvers_home_counts_the_voids_and_refunds_she_may_decide(world):
    world.open()
    upload(world, [{**sale(world, world.combo), "status": "void", "reason": "gone"}])
    assert todo.waiting_counts(world.auditor)["reversals"] == 1
    assert todo.waiting_counts(world.seller)["reversals"] == 0
    texts = [item.text for item in todo.todo(world.leader)]
    assert "1 void or refund of a sale waits for approval" in texts


def test_a_sale_of_an_earlier_shift_is_refunded_not_voided(world):
    first = world.open()
    sold = sale(world, world.combo)
    assert upload(world, [sold]).ok
    shifts.count_blind(first, {m: 0 for m in Payment} | {Payment.CASH: FLOAT + 8000}, world.seller)
    world.open(window=world.window2)
    void = {**sale(world, world.combo), "status": "void", "reason": "x", "reverses": "2"}
    result = upload(world, [sold, void], name="later.csv")
    assert "a void cancels a sale of the same shift" in reasons_by_line(result)[3]
    assert upload(world, [sold, {**void, "status": "refund"}], name="refund.csv").ok
