"""Issue 14: who caused a gate gap. The day shows, per venue with a gap, the sellers and
windows that sold tickets admitting there and their share; a seller alone on a venue
carries it, a share among several is never booked to one of them as if proven."""

import pytest

from modules.ticketing.days import gate_and_deposit, reconciliation
from modules.ticketing.days.record import day_record
from modules.ticketing.imports import import_sales
from parkops.timeutil import business_day

from .conftest import csv_bytes, sale

pytestmark = pytest.mark.usefixtures("english")


def zoo_sales(world, seller, product, quantity):
    rows = [sale(world, product, quantity=quantity, cashier=seller.username)]
    assert import_sales(f"{seller.username}.csv", csv_bytes(rows), seller).ok


def test_a_zoo_gap_shows_both_sellers_and_their_windows_with_their_share(world, as_user):
    world.open()
    world.open(seller=world.seller2, window=world.window2)
    zoo_sales(world, world.seller, world.card_entry, 14)
    zoo_sales(world, world.seller2, world.child, 5)
    day = day_record(world.site.id, business_day())
    gate_and_deposit.record_gate_count(day, world.zoo, 23, world.auditor)  # 4 unticketed
    (zoo,) = [v for v in reconciliation.day_figures(day).venues if v.venue == world.zoo]
    assert [(s.name, s.windows, s.sold, s.share) for s in zoo.sellers] == [
        ("Seller One", ["North office W1"], 14, 73.7),
        ("Seller Two", ["North office W2"], 5, 26.3),
    ]
    assert zoo.carried_by is None
    page = as_user(world.auditor).get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    venues = page[page.index('id="venues"') : page.index('id="money"')]
    assert "proven against none" in venues and "North office W2" in venues
    assert "26.3%" in venues


def test_a_seller_alone_on_a_venue_carries_its_gap(world):
    world.open()
    zoo_sales(world, world.seller, world.card_entry, 10)
    day = day_record(world.site.id, business_day())
    gate_and_deposit.record_gate_count(day, world.zoo, 13, world.auditor)
    (zoo,) = [v for v in reconciliation.day_figures(day).venues if v.venue == world.zoo]
    assert zoo.gap == 3 and zoo.carried_by == "Seller One"
