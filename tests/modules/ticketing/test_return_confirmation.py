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
from parkops.deciding import AlreadyDecided
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
    with pytest.raises(AlreadyDecided, match="counted already, by "):
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


def test_a_count_after_the_close_re_prices_a_range_sold_by_range(world, as_user):
    """The issue's case, counted after the close: 40 gate tickets sold (1000–1039), the seller
    declares 1035 and counts blind the money of 35. The keeper's 1040–1049 makes the range's
    sale 40 tickets: her expected cash grows by ¥200 and the day shows it."""
    shift = world.open()
    issue = world.take(shift, world.gate_ticket, 1000, 1049)
    stock.return_range(issue, 1035, world.seller)
    shifts.count_blind(shift, {**ZERO, Payment.CASH: 50_000 + 35 * 4000}, world.seller)
    assert shifts.total_difference(shift) == 0
    keeper = as_user(world.manager)
    page = keeper.get("/ticketing/stock").get_data(as_text=True)
    assert 'data-store="950"' in page and 'data-unconfirmed="15"' in page  # not in the store
    stock.confirm_return(issue, 1040, 1049, world.manager)
    assert shifts.expected_by_method(shift)[Payment.CASH] == 50_000 + 40 * 4000
    assert shifts.total_difference(shift) == -20_000
    counts = stock.issue_counts([issue])[issue.id]
    assert (counts.sold, counts.returned, counts.missing, counts.unconfirmed) == (40, 10, 0, 0)
    day = day_record(world.site.id, business_day())
    flags = {f.key.split(":")[0]: f for f in reconciliation.day_figures(day).flags}
    assert "+5 tickets, ¥200.00" in flags["return-differs"].text
    assert "shift-diff" in flags
    page = keeper.get("/ticketing/stock").get_data(as_text=True)
    assert 'data-store="960"' in page and 'data-unconfirmed="0"' in page


def test_a_bundle_short_at_its_end_is_sold_by_range_and_one_longer_is_given_back(world):
    shift = world.open()
    short = world.take(shift, world.gate_ticket, 1000, 1049)
    longer = world.take(shift, world.gate_ticket, 1050, 1059)
    stock.return_range(short, 1040, world.seller)
    stock.return_range(longer, 1055, world.seller)
    shifts.count_blind(shift, {**ZERO, Payment.CASH: 50_000 + 45 * 4000}, world.seller)
    stock.confirm_return(short, 1040, 1045, world.manager)  # 1046–1049 never handed in
    stock.confirm_return(longer, 1053, 1059, world.manager)  # two more came back
    assert shifts.expected_by_method(shift)[Payment.CASH] == 50_000 + (44 + 3) * 4000
    counts = stock.issue_counts([short, longer])
    assert (counts[short.id].sold, counts[short.id].returned, counts[short.id].missing) == (
        44,
        6,
        0,
    )
    assert (counts[longer.id].sold, counts[longer.id].returned) == (3, 7)
