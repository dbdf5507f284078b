"""Issue 14, "stock returns on the seller's word": a remainder is "returned, unconfirmed"
until the stock keeper counts it; her count, not the seller's declaration, puts serials back
in the store, and a count that differs is a serious flag on the day."""

import pytest

from modules.ticketing import shifts, stock
from modules.ticketing.days import reconciliation
from modules.ticketing.days.record import day_record
from modules.ticketing.errors import TicketingError
from modules.ticketing.models import Payment
from modules.ticketing.stock import SerialState, serial_status
from parkops.timeutil import business_day

pytestmark = pytest.mark.usefixtures("english")

ZERO = dict.fromkeys(Payment, 0)


def test_a_declared_remainder_is_not_in_the_store_until_the_keeper_counts_it(world):
    """Gate serials 1000–1049: 40 sold (1000–1039); the seller declares her remainder from
    1035, five tickets off the truth."""
    shift = world.open()
    issue = world.take(shift, world.gate_ticket, 1000, 1049)
    stock.return_range(issue, 1035, world.seller)
    # A ticket a customer holds is not said to be in the store on her word.
    assert serial_status(world.gate_ticket, 1037).state == SerialState.RETURNED_UNCONFIRMED
    shifts.count_blind(shift, {**ZERO, Payment.CASH: 50_000 + 35 * 4000}, world.seller)
    day = day_record(world.site.id, business_day())
    blocking = [f.key for f in reconciliation.day_figures(day).blocking]
    assert f"return-unconfirmed:{issue.id}" in blocking
    with pytest.raises(TicketingError, match="Someone other than the seller"):
        stock.confirm_return(issue, 1035, 1049, world.seller)
    with pytest.raises(TicketingError, match="between 1000 and 1050"):
        stock.confirm_return(issue, 1051, None, world.manager)
    stock.confirm_return(issue, 1040, 1049, world.manager)  # what finance has in hand
    assert serial_status(world.gate_ticket, 1037).state != SerialState.STORE
    assert serial_status(world.gate_ticket, 1040).state == SerialState.STORE
    with pytest.raises(TicketingError, match="already been counted"):
        stock.confirm_return(issue, 1035, 1049, world.manager)
    flags = {f.key.split(":")[0]: f for f in reconciliation.day_figures(day).flags}
    assert "return-unconfirmed" not in flags
    differs = flags["return-differs"]
    assert differs.serious
    assert "declared 1035–1049" in differs.text and "counted 1040–1049" in differs.text


def test_a_remainder_short_at_its_end_is_flagged_and_only_what_was_seen_is_stored(world):
    shift = world.open()
    issue = world.take(shift, world.gate_ticket, 1000, 1049)
    stock.return_range(issue, 1040, world.seller)
    stock.confirm_return(issue, 1040, 1045, world.manager)  # 1046–1049 not handed in
    assert serial_status(world.gate_ticket, 1047).state != SerialState.STORE
    assert issue.return_differs


def test_the_keeper_confirms_on_the_shift_page(world, as_user):
    shift = world.open()
    issue = world.take(shift, world.gate_ticket, 1000, 1049)
    stock.return_range(issue, 1040, world.seller)
    seller = as_user(world.seller)
    page = seller.get(f"/ticketing/shifts/{shift.id}").get_data(as_text=True)
    assert "Returned, unconfirmed" in page
    assert "confirm-return" not in page  # not hers to count
    assert (
        seller.post(
            f"/ticketing/issues/{issue.id}/confirm-return", data={"first_seen": "1040"}
        ).status_code
        == 403
    )
    keeper = as_user(world.manager)
    answer = keeper.post(
        f"/ticketing/issues/{issue.id}/confirm-return",
        data={"first_seen": "1040", "last_seen": "1049"},
    )
    assert answer.status_code == 303
    assert issue.confirmed_by_id == world.manager.id
    page = keeper.get(f"/ticketing/shifts/{shift.id}").get_data(as_text=True)
    assert "1040–1049" in page and "differs from the declaration" not in page
