"""Issue 14: a ticket serial sold twice — in one seller's sales line and in another seller's
range sold by count — is a serious flag on the day: the sign-off waits for a finding."""

import pytest

from modules.ticketing import shifts
from modules.ticketing.days import reconciliation, signoff
from modules.ticketing.days.record import day_record
from modules.ticketing.imports import import_sales
from modules.ticketing.models import Payment
from parkops.timeutil import business_day

from .conftest import csv_bytes, sale

pytestmark = pytest.mark.usefixtures("english")

FLOAT = 50_000
ZERO = dict.fromkeys(Payment, 0)


def two_sellers(world, line_serials: list[int]):
    """Seller Two sells gate tickets 1000–1004 of her range 1000–1009 by count; Seller One's
    file names ``line_serials`` of the gate ticket."""
    by_count = world.open(seller=world.seller2, window=world.window2)
    issue = world.take(by_count, world.gate_ticket, 1000, 1009)
    world.give_back(issue, 1005)
    shifts.count_blind(by_count, {**ZERO, Payment.CASH: FLOAT + 5 * 4000}, world.seller2)
    by_line = world.open()
    rows = [sale(world, world.gate_ticket, serial=s) for s in line_serials]
    assert import_sales("one.csv", csv_bytes(rows), world.seller).ok
    shifts.count_blind(by_line, {**ZERO, Payment.CASH: FLOAT + len(rows) * 4000}, world.seller)
    return by_line, by_count


def test_a_serial_in_a_sales_line_and_in_another_range_sold_by_count_is_serious(world):
    by_line, by_count = two_sellers(world, [1003, 1004, 1500])
    day = day_record(world.site.id, business_day())
    figures = reconciliation.day_figures(day)
    (twice,) = [f for f in figures.flags if f.key.startswith("sold-twice:")]
    assert twice.key == f"sold-twice:{by_line.id}:{by_count.id}:2"
    assert twice.serious and "1003–1004" in twice.text and "1500" not in twice.text
    assert "Seller One" in twice.text and "Seller Two" in twice.text
    # The sign-off waits for a finding about it, resolved with its outcome.
    assert twice.key in {f.key for f in signoff.without_outcome(day, figures)}


def test_a_serial_returned_to_the_store_is_not_sold_twice(world):
    two_sellers(world, [1007])  # 1007 came back to the store: only the line sold it
    day = day_record(world.site.id, business_day())
    keys = [f.key for f in reconciliation.day_figures(day).flags]
    assert not [k for k in keys if k.startswith("sold-twice:")]
