"""Ticket stock by serial ranges: where every serial is, and the invariant behind it."""

import itertools
from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.ticketing import catalog, shifts, stock
from modules.ticketing.errors import TicketingError
from modules.ticketing.imports import import_sales
from modules.ticketing.models import Payment, ProductKind
from modules.ticketing.stock import SerialState, issue_counts, range_counts, serial_status
from parkops.db import utcnow
from parkops.deciding import AlreadyDecided
from parkops.extensions import db
from parkops.timeutil import business_day

from .conftest import csv_bytes, sale

pytestmark = pytest.mark.usefixtures("english")  # the texts checked are the English ones

ZERO = dict.fromkeys(Payment, 0)


def test_a_roll_overlapping_another_is_a_duplicate(world):
    with pytest.raises(TicketingError, match="duplicate"):
        stock.receive_roll(world.gate_ticket, 1990, 2100, business_day(), "", world.manager)
    with pytest.raises(TicketingError, match="not sold from printed stock"):
        stock.receive_roll(world.combo, 1, 10, business_day(), "", world.manager)
    with pytest.raises(TicketingError, match="first serial"):
        stock.receive_roll(world.gate_ticket, 3000, 2999, business_day(), "", world.manager)


def test_gaps_between_rolls_are_reported(world):
    stock.receive_roll(world.gate_ticket, 2501, 2600, business_day(), "", world.manager)
    rolls, gaps = stock.product_stock(world.gate_ticket)
    assert gaps == [(2000, 2500)]
    assert [r.store for r in rolls] == [1000, 100]


def test_issuing_only_what_is_in_the_store(world):
    shift = world.open()
    with pytest.raises(TicketingError, match="not inside one roll"):
        world.take(shift, world.gate_ticket, 1990, 2010)
    world.take(shift, world.gate_ticket, 1000, 1099)
    other = world.open(world.seller2, world.window2)
    with pytest.raises(TicketingError, match="already with Seller One"):
        world.take(other, world.gate_ticket, 1050, 1150)
    with pytest.raises(TicketingError, match="not sold at this site|not sold from printed"):
        world.take(other, world.combo, 1, 2)


def test_a_returned_remainder_can_be_issued_again(world):
    shift = world.open()
    issue = world.take(shift, world.gate_ticket, 1000, 1099)
    stock.return_range(issue, 1040, world.seller)
    other = world.open(world.seller2, world.window2)
    again = world.take(other, world.gate_ticket, 1040, 1099)
    assert serial_status(world.gate_ticket, 1045).issue.id == again.id
    with pytest.raises(TicketingError, match="already with"):
        world.take(other, world.gate_ticket, 1039, 1039)


def test_return_cannot_hide_a_sold_or_voided_ticket(world):
    shift = world.open()
    issue = world.take(shift, world.gate_ticket, 1000, 1049)
    rows = [sale(world, world.gate_ticket, serial=1010)]
    assert import_sales("s.csv", csv_bytes(rows), world.seller).ok
    with pytest.raises(TicketingError, match="1010 is recorded as sold"):
        stock.return_range(issue, 1005, world.seller)
    stock.request_void(shift, world.gate_ticket, 1020, "torn", world.seller)
    with pytest.raises(TicketingError, match="1020 is voided"):
        stock.return_range(issue, 1015, world.seller)
    with pytest.raises(TicketingError, match="between 1000 and 1050"):
        stock.return_range(issue, 1051, world.seller)
    stock.return_range(issue, 1050, world.seller)  # everything used
    assert issue.returned_from == 1050


def test_voids_need_a_reason_and_someone_else_to_approve(world):
    shift = world.open()
    world.take(shift, world.gate_ticket, 1000, 1009)
    with pytest.raises(TicketingError, match="why"):
        stock.request_void(shift, world.gate_ticket, 1001, " ", world.seller)
    with pytest.raises(TicketingError, match="not in a range"):
        stock.request_void(shift, world.gate_ticket, 1010, "torn", world.seller)
    void = stock.request_void(shift, world.gate_ticket, 1001, "printer jam", world.seller)
    with pytest.raises(TicketingError, match="already voided"):
        stock.request_void(shift, world.gate_ticket, 1001, "again", world.seller)
    with pytest.raises(TicketingError, match="not by the seller"):
        stock.decide_void(void, True, world.seller)
    assert serial_status(world.gate_ticket, 1001).state == SerialState.WITH_SELLER
    stock.decide_void(void, True, world.auditor)
    assert serial_status(world.gate_ticket, 1001).state == SerialState.VOIDED
    with pytest.raises(AlreadyDecided, match=f"already decided, by {world.auditor.display_name}"):
        stock.decide_void(void, False, world.auditor)


def test_serial_status_through_a_shift_and_at_an_earlier_time(world):
    before_issue = utcnow()
    shift = world.open()
    issue = world.take(shift, world.gate_ticket, 1000, 1009)
    assert serial_status(world.gate_ticket, 1003, before_issue).state == SerialState.STORE
    assert serial_status(world.gate_ticket, 1003).state == SerialState.WITH_SELLER
    assert serial_status(world.gate_ticket, 999).state == SerialState.NOT_RECEIVED
    stock.return_range(issue, 1005, world.seller)
    assert serial_status(world.gate_ticket, 1007).state == SerialState.RETURNED_UNCONFIRMED
    stock.confirm_return(issue, 1005, 1009, world.manager)
    assert serial_status(world.gate_ticket, 1007).state == SerialState.STORE
    assert (
        serial_status(world.gate_ticket, 1003).state == SerialState.WITH_SELLER
    )  # not counted yet
    shifts.count_blind(shift, {**ZERO, Payment.CASH: 50_000 + 5 * 4000}, world.seller)
    assert serial_status(world.gate_ticket, 1003).state == SerialState.SOLD  # sold by the range
    assert serial_status(world.gate_ticket, 1003, before_issue).state == SerialState.STORE


def test_range_counts_arithmetic():
    c = range_counts(1, 100, 61, voided=2, sold_lines=50, range_sold=0, settled=True)
    assert (c.issued, c.returned, c.voided, c.sold, c.missing) == (100, 40, 2, 50, 8)
    c = range_counts(1, 100, None, voided=2, sold_lines=50, range_sold=0, settled=False)
    assert (c.returned, c.with_seller, c.missing) == (0, 48, 0)


_names = itertools.count()


@st.composite
def range_histories(draw):
    size = draw(st.integers(min_value=1, max_value=30))
    first_unsold = draw(st.integers(min_value=0, max_value=size))
    used = list(range(first_unsold))
    sold = draw(st.lists(st.sampled_from(used), unique=True) if used else st.just([]))
    rest = [s for s in used if s not in sold]
    voids = draw(st.lists(st.sampled_from(rest), unique=True) if rest else st.just([]))
    approved = [v for v in voids if draw(st.booleans())]
    returned = draw(st.booleans())
    counted = returned and draw(st.booleans())
    return size, first_unsold, sold, voids, approved, returned, counted


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=range_histories())
def test_every_serial_is_somewhere_exactly_once(world, make_user, history):
    """sold + returned + voided + missing (+ with the seller) == issued, serial by serial too."""
    size, first_unsold, sold, voids, approved, returned, counted = history
    n = next(_names)
    seller = make_user(f"prop{n}", ["cashier"], sites=[world.site])
    world.office.sellers.append(seller)
    product = catalog.create_product(
        world.site,
        f"P{n}",
        "Printed",
        ProductKind.TICKET,
        serialised=True,
        id_check="",
        venue_weights=[(world.gate, 1)],
        price_fen=1000,
        valid_from=business_day() - timedelta(days=1),
        actor=world.manager,
    )
    stock.receive_roll(product, 100, 199, business_day(), "", world.manager)
    shift = shifts.open_shift(seller, world.window, 0)
    issue = stock.issue_range(shift, product, 100, 100 + size - 1, world.manager)
    if sold:
        rows = [
            {
                **sale(world, world.combo, cashier=seller.username),
                "product": product.code,
                "serial": str(100 + s),
                "amount": "10",
            }
            for s in sold
        ]
        result = import_sales(f"p{n}.csv", csv_bytes(rows), world.manager)
        assert result.ok, result.errors
    for v in voids:
        void = stock.request_void(shift, product, 100 + v, "spoiled", seller)
        stock.decide_void(void, v in approved, world.auditor)
    if returned:
        stock.return_range(issue, 100 + first_unsold, seller)
    if counted:
        shifts.count_blind(shift, ZERO, seller)
    db.session.refresh(issue)
    c = issue_counts([issue])[issue.id]
    assert c.sold + c.returned + c.voided + c.missing + c.with_seller == c.issued == size
    states = Counter(serial_status(product, 100 + s).state for s in range(size))
    assert states[SerialState.SOLD] == c.sold
    # returned: declared by the seller, not yet counted back by the stock keeper
    assert states[SerialState.RETURNED_UNCONFIRMED] == c.returned
    assert states[SerialState.STORE] == 0
    assert states[SerialState.VOIDED] == c.voided == len(approved)
    assert states[SerialState.MISSING] == c.missing
    assert states[SerialState.WITH_SELLER] == c.with_seller
    if counted and not sold:  # recorded by the range: every serial used was sold or voided
        assert c.missing == 0 and c.sold == first_unsold - len(approved)
    if counted and sold:  # recorded line by line: the gaps are missing
        assert c.missing == first_unsold - len(sold) - len(approved)
