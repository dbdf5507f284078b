"""Issue 14: a sale correction names the serials it books, so a confirmed "missing" flag
closes and the serials count as sold; a serial already sold is refused."""

import pytest

from modules.ticketing import corrections
from modules.ticketing.days import findings, reconciliation, signoff
from modules.ticketing.errors import TicketingError
from modules.ticketing.models import Payment, SalesLine, SaleStatus
from parkops.extensions import db

from .test_signoff_findings import day_with_missing_serials

pytestmark = pytest.mark.usefixtures("english")


def signed_day_missing_5002(world):
    day, shift = day_with_missing_serials(world)
    figures = reconciliation.day_figures(day)
    (missing,) = [f for f in figures.flags if f.key.startswith("missing:")]
    finding = findings.add_finding(
        day, "5002 not found", world.auditor, shift=shift, flag_key=missing.key
    )
    findings.resolve_finding(
        finding, "Sold and not exported; booked by a correction.", world.auditor2
    )
    signoff.sign_off(day, {f.key for f in figures.flags}, world.auditor)
    return day, shift


def adjustment(world, serials, quantity=1, amount=6000, status=SaleStatus.SOLD):
    return corrections.SaleAdjustment(
        office=world.office,
        product=world.zoo_ticket,
        payment=Payment.CASH,
        status=status,
        quantity=quantity,
        amount_fen=amount,
        seller=world.seller,
        serials=serials,
    )


def test_a_sale_correction_naming_the_missing_serial_closes_the_flag(world):
    day, _shift = signed_day_missing_5002(world)
    correction = corrections.request_correction(
        day,
        adjustment(world, (5002, 5002)),
        "Sold at 16:05, left out of the export.",
        world.auditor,
    )
    assert corrections.describe(correction) == "+1 × Zoo-A (5002–5002) +¥60.00"
    corrections.decide_correction(correction, True, world.leader)
    line = db.session.query(SalesLine).filter_by(correction_id=correction.id).one()
    assert (line.serial, line.amount_fen, line.status) == (5002, 6000, SaleStatus.SOLD)
    keys = [f.key for f in reconciliation.day_figures(day).flags]
    assert not [k for k in keys if k.startswith("missing:")]


def test_serials_already_sold_or_not_matching_the_quantity_are_refused(world):
    day, _shift = signed_day_missing_5002(world)
    with pytest.raises(TicketingError, match="Serial 5003 is already sold"):
        corrections.request_correction(
            day,
            adjustment(world, (5002, 5003), quantity=2, amount=12_000),
            "Two tickets",
            world.auditor,
        )
    with pytest.raises(TicketingError, match="are not 2 tickets"):
        corrections.request_correction(
            day, adjustment(world, (5002, 5002), quantity=2), "Two tickets", world.auditor
        )
    with pytest.raises(TicketingError, match="Only a sale of printed tickets"):
        corrections.request_correction(
            day, adjustment(world, (5002, 5002), status=SaleStatus.REFUND), "Refund", world.auditor
        )
