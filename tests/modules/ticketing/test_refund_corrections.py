"""Issue 14: a refund typed as a correction names the sale it reverses (its serial or its
original line), cannot exceed it, cannot refund it twice, and is approved by someone else
with a reason, like the other corrections."""

import pytest
from sqlalchemy import select

from modules.ticketing import corrections
from modules.ticketing.errors import TicketingError
from modules.ticketing.models import Payment, SalesLine, SaleStatus
from parkops.extensions import db

from .test_correction_serials import signed_day_missing_5002

pytestmark = pytest.mark.usefixtures("english")

REASON = "Customer came back: zoo closed early."


def refund(world, product, quantity=1, amount=6000, *, serial=None, line=None):
    return corrections.SaleAdjustment(
        office=world.office,
        product=product,
        payment=Payment.CASH,
        status=SaleStatus.REFUND,
        quantity=quantity,
        amount_fen=amount,
        seller=world.seller,
        reverses_serial=serial,
        reverses_line=line,
    )


def test_a_refund_names_a_sale_that_was_made(world):
    day, _shift = signed_day_missing_5002(world)
    with pytest.raises(TicketingError, match="names the sale it reverses"):
        corrections.request_correction(day, refund(world, world.zoo_ticket), REASON, world.auditor)
    # The case: a ¥300 pass refunded that was never sold.
    with pytest.raises(TicketingError, match="No sale of Card to refund"):
        corrections.request_correction(
            day, refund(world, world.card, amount=30_000, line=999_999), REASON, world.auditor
        )
    with pytest.raises(TicketingError, match="No sale of Zoo-A to refund"):
        corrections.request_correction(
            day, refund(world, world.zoo_ticket, serial=5002), REASON, world.auditor
        )  # 5002 is missing, never recorded as sold


def test_a_refund_by_serial_cannot_exceed_its_sale_nor_be_made_twice(world):
    day, _shift = signed_day_missing_5002(world)
    with pytest.raises(TicketingError, match="cannot exceed its sale: 1 left for ¥60.00"):
        corrections.request_correction(
            day, refund(world, world.zoo_ticket, amount=6001, serial=5001), REASON, world.auditor
        )
    first = corrections.request_correction(
        day, refund(world, world.zoo_ticket, serial=5001), REASON, world.auditor
    )
    sale = db.session.scalars(select(SalesLine).where(SalesLine.serial == 5001)).one()
    assert first.reverses_line_id == sale.id
    assert corrections.describe(first) == f"−1 × Zoo-A ← #{sale.id} −¥60.00"
    # A second refund of the same ticket, while the first waits or once approved.
    with pytest.raises(TicketingError, match="already refunded"):
        corrections.request_correction(
            day, refund(world, world.zoo_ticket, line=sale.id), REASON, world.auditor2
        )
    with pytest.raises(TicketingError, match="approved by a second person"):
        corrections.decide_correction(first, True, world.auditor)
    corrections.decide_correction(first, True, world.leader)
    line = db.session.scalars(select(SalesLine).where(SalesLine.correction_id == first.id)).one()
    assert (line.status, line.quantity, line.amount_fen) == (SaleStatus.REFUND, 1, 6000)
    with pytest.raises(TicketingError, match="already refunded"):
        corrections.request_correction(
            day, refund(world, world.zoo_ticket, serial=5001), REASON, world.auditor2
        )


def test_a_sale_refunded_in_parts_is_refunded_up_to_its_total(world):
    day, _shift = signed_day_missing_5002(world)
    sale = db.session.scalars(select(SalesLine).where(SalesLine.serial == 5000)).one()
    sale.quantity, sale.amount_fen = 3, 18_000  # a line of three tickets, as a file may have
    db.session.commit()
    corrections.request_correction(
        day, refund(world, world.zoo_ticket, 2, 12_000, line=sale.id), REASON, world.auditor
    )
    with pytest.raises(TicketingError, match="1 left for ¥60.00"):
        corrections.request_correction(
            day, refund(world, world.zoo_ticket, 2, 12_000, line=sale.id), REASON, world.auditor
        )
    rejected = corrections.request_correction(
        day, refund(world, world.zoo_ticket, 1, 6000, line=sale.id), REASON, world.auditor
    )
    corrections.decide_correction(rejected, False, world.leader)
    corrections.request_correction(  # a rejected refund leaves its part to refund
        day, refund(world, world.zoo_ticket, 1, 6000, line=sale.id), REASON, world.auditor
    )


def test_a_sale_correction_does_not_name_a_sale_to_reverse(world):
    day, _shift = signed_day_missing_5002(world)
    sold = corrections.SaleAdjustment(
        office=world.office,
        product=world.zoo_ticket,
        payment=Payment.CASH,
        status=SaleStatus.SOLD,
        quantity=1,
        amount_fen=6000,
        reverses_serial=5001,
    )
    with pytest.raises(TicketingError, match="Only a refund names"):
        corrections.request_correction(day, sold, REASON, world.auditor)


def test_the_day_page_asks_which_sale_a_refund_reverses(world, as_user):
    day, _shift = signed_day_missing_5002(world)
    client = as_user(world.auditor)
    page = client.get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    assert 'name="reverses_serial"' in page and 'name="reverses_line"' in page
    form = {
        "office_id": world.office.id,
        "product_id": world.zoo_ticket.id,
        "seller_id": world.seller.id,
        "status": "refund",
        "payment": "cash",
        "quantity": "1",
        "amount": "60",
        "reverses_serial": "5003",
        "reason": REASON,
    }
    answer = client.post(f"/ticketing/days/{day.id}/corrections/sale", data=form)
    assert answer.status_code == 303
    (pending,) = corrections.pending_corrections(None)
    assert pending.reverses_line_id is not None
    again = client.post(
        f"/ticketing/days/{day.id}/corrections/sale", data=form, follow_redirects=True
    )
    assert "This sale is already refunded." in again.get_data(as_text=True)
    assert corrections.pending_corrections(None) == [pending]
