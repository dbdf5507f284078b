"""Products, prices valid from a date, combined-ticket allocation, offices and sellers."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.ticketing import catalog
from modules.ticketing.catalog import allocate, price_on
from modules.ticketing.errors import TicketingError
from modules.ticketing.imports import import_sales
from modules.ticketing.models import ProductKind
from parkops.timeutil import business_day

from .conftest import csv_bytes, sale

pytestmark = pytest.mark.usefixtures("english")  # the texts checked are the English ones


@given(
    amount=st.integers(min_value=-(10**9), max_value=10**9),
    weights=st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=6),
)
def test_allocation_adds_up_exactly_and_stays_proportional(amount, weights):
    parts = allocate(amount, weights)
    assert sum(parts) == amount
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - amount * weight / total) < 1  # never more than a fen off its share


def test_combined_ticket_allocation_by_weights():
    assert allocate(8000, [40, 60]) == [3200, 4800]
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]  # the spare fen goes to the first venue
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]  # a refund is split the same way
    assert allocate(1, [1, 2]) == [0, 1]  # … or to the largest remainder


def test_allocation_refuses_nonsense_weights():
    with pytest.raises(ValueError):
        allocate(100, [])
    with pytest.raises(ValueError):
        allocate(100, [1, 0])


def test_price_is_the_one_valid_on_the_business_day(world):
    today = business_day()
    catalog.add_price(world.gate_ticket, today + timedelta(days=10), 5000, world.manager)
    assert price_on(world.gate_ticket.id, today) == 4000
    assert price_on(world.gate_ticket.id, today + timedelta(days=9)) == 4000
    assert price_on(world.gate_ticket.id, today + timedelta(days=10)) == 5000
    assert price_on(world.gate_ticket.id, today - timedelta(days=31)) is None


def test_a_new_price_cannot_rewrite_a_day_with_sales(world):
    world.open()
    assert import_sales("s.csv", csv_bytes([sale(world, world.combo)]), world.seller).ok
    with pytest.raises(TicketingError, match="sales of this product"):
        catalog.add_price(world.combo, business_day(), 9000, world.manager)
    with pytest.raises(TicketingError, match="already exists"):
        catalog.add_price(world.combo, business_day() - timedelta(days=30), 9000, world.manager)
    with pytest.raises(TicketingError, match="negative"):
        catalog.add_price(world.combo, business_day() + timedelta(days=1), -1, world.manager)
    catalog.add_price(world.combo, business_day() + timedelta(days=1), 9000, world.manager)


@pytest.mark.parametrize(
    ("kind", "venues", "message"),
    [
        (ProductKind.COMBINED, ["gate"], "at least two venues"),
        (ProductKind.TICKET, ["gate", "zoo"], "exactly one venue"),
        (ProductKind.TICKET, [], "exactly one venue"),
        (ProductKind.PASS, ["zoo"], "admits no one"),
        (ProductKind.CONCESSION, ["zoo"], "ID check"),
    ],
)
def test_product_kinds_and_their_venues(world, kind, venues, message):
    with pytest.raises(TicketingError, match=message):
        catalog.create_product(
            world.site,
            "NEW",
            "New",
            kind,
            serialised=False,
            id_check="",
            venue_weights=[(getattr(world, v), 1) for v in venues],
            price_fen=100,
            valid_from=business_day(),
            actor=world.manager,
        )


def test_product_codes_and_venues_are_checked(world):
    def create(code="NEW", venues=None, site=None, price=100):
        return catalog.create_product(
            site or world.site,
            code,
            "New",
            ProductKind.TICKET,
            serialised=False,
            id_check="",
            venue_weights=venues or [(world.gate, 1)],
            price_fen=price,
            valid_from=business_day(),
            actor=world.manager,
        )

    with pytest.raises(TicketingError, match="already used"):
        create("GATE-A")
    with pytest.raises(TicketingError, match="code"):
        create("has space")
    with pytest.raises(TicketingError, match="its own site"):
        create(site=world.other_site)
    with pytest.raises(TicketingError, match="negative"):
        create(price=-5)
    with pytest.raises(TicketingError, match="weight"):
        create(venues=[(world.gate, 0)])


def test_offices_windows_and_sellers(world, make_user):
    with pytest.raises(TicketingError, match="already used"):
        catalog.create_office(world.site, "N", "Again", world.manager)
    with pytest.raises(TicketingError, match="already has a window"):
        catalog.add_window(world.office, "W1", world.manager)
    with pytest.raises(TicketingError, match="not a ticket seller"):
        catalog.set_sellers(world.office, [world.auditor], world.manager)
    with pytest.raises(TicketingError, match="does not work at this site"):
        catalog.set_sellers(world.office, [world.outsider], world.manager)
    assert catalog.seller_offices(world.seller) == [world.office]
    catalog.set_active(world.office, False, world.manager)
    assert catalog.seller_offices(world.seller) == []
