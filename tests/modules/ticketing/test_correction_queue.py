"""The approver's queue of corrections names the seller of each, loaded in one statement
(no query per row)."""

import re
from dataclasses import replace

import pytest

from modules.ticketing import corrections

from .test_correction_serials import adjustment, signed_day_missing_5002

pytestmark = pytest.mark.usefixtures("english")

REASON = "Sold and not exported; booked by a correction."


def sale(world, seller, serial: int) -> corrections.SaleAdjustment:
    return replace(adjustment(world, (serial, serial)), seller=seller)


def _queue(client, count_queries) -> tuple[list[str], int]:
    with count_queries() as q:
        page = client.get("/ticketing/approvals").get_data(as_text=True)
    section = page[page.index('id="corrections"') :]
    return re.findall(r"<td[^>]*data-seller>([^<]*)</td>", section), q.count


def test_the_queue_shows_each_corrections_seller_without_a_query_per_row(
    world, as_user, count_queries
):
    day, _shift = signed_day_missing_5002(world)
    corrections.request_correction(day, sale(world, world.seller, 5002), REASON, world.auditor)
    client = as_user(world.leader)
    sellers, one_row = _queue(client, count_queries)
    assert sellers == ["Seller One"]

    corrections.request_correction(day, sale(world, world.seller2, 7001), REASON, world.auditor2)
    corrections.request_correction(
        day, corrections.GateCorrection(world.zoo, 3), REASON, world.auditor
    )
    sellers, three_rows = _queue(client, count_queries)
    assert sellers == ["Seller One", "Seller Two", "—"]
    assert three_rows == one_row
