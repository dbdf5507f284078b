"""Issue 14: voids, refunds and free entries per seller as patterns, like the shortfalls:
count, share, running total, a test against her colleagues' rate and one on her own days,
highlighted, the auditors told once a month; the pattern report's .xlsx in words."""

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from modules.ticketing import jobs, reversals
from modules.ticketing.imports import import_sales
from modules.ticketing.reports import share_patterns
from modules.ticketing.reports.share_patterns import binomial_tail
from parkops.extensions import db
from parkops.notify import Notification
from parkops.timeutil import business_day

from .conftest import REVERSAL_COLUMNS, csv_bytes, sale

pytestmark = pytest.mark.usefixtures("english")


def test_the_binomial_tail():
    assert binomial_tail(0, 10, 0.1) == 1.0
    assert binomial_tail(1, 10, 0.5) == pytest.approx(1 - 0.5**10)
    assert binomial_tail(10, 10, 0.5) == pytest.approx(0.5**10)
    assert binomial_tail(3, 2, 0.5) == 0.0
    assert binomial_tail(600, 20_000, 0.02) == pytest.approx(0.0, abs=1e-6)  # 3 % against 2 %


@pytest.fixture
def voiding(world):
    """Seller One: 30 combined tickets and 12 free children; 8 more tickets cancelled
    after the customers left (voids approved by the auditor: 8 of the 50 she issued).
    Seller Two: 60 combined tickets, one void, 2 free children."""
    world.open()
    world.open(seller=world.seller2, window=world.window2)
    void = {"status": "void", "reason": "customer left"}
    one = [sale(world, world.combo, quantity=30)]
    one += [{**sale(world, world.combo), **void} for _n in range(8)]
    one += [sale(world, world.child, quantity=12)]
    two = [sale(world, world.combo, quantity=60, cashier="seller2")]
    two += [{**sale(world, world.combo, cashier="seller2"), **void}]
    two += [sale(world, world.child, quantity=2, cashier="seller2")]
    assert import_sales("one.csv", csv_bytes(one, REVERSAL_COLUMNS), world.seller).ok
    assert import_sales("two.csv", csv_bytes(two, REVERSAL_COLUMNS), world.seller2).ok
    for reversal in reversals.pending_reversals(None):
        reversals.decide_reversal(reversal, True, world.auditor)
    return world


def test_her_voids_and_free_entries_stand_out_and_her_colleague_does_not(voiding):
    today = business_day()
    found = {(p.seller.username, p.kind): p for p in share_patterns(None, today, today)}
    voids = found[("seller1", "void")]
    assert (voids.tally.count, voids.tally.base, voids.tally.amount_fen) == (8, 50, 64_000)
    assert voids.tally.share == 16.0 and voids.colleagues.share == 1.6  # 1 of 63
    assert voids.p_colleagues < 0.001 and voids.stands_out
    assert (voids.days_above, voids.days_below, voids.longest_above) == (1, 0, 1)
    free = found[("seller1", "free")]
    assert (free.tally.count, free.tally.base, free.stands_out) == (12, 42, True)
    assert not found[("seller1", "refund")].stands_out
    assert not any(p.stands_out for (who, _k), p in found.items() if who == "seller2")
    assert share_patterns({voiding.other_site.id}, today, today) == []


def notes_for(user) -> list[str]:
    return list(
        db.session.scalars(select(Notification.subject).where(Notification.user_id == user.id))
    )


def test_the_auditors_hear_of_each_kind_once_a_month(voiding):
    tomorrow = business_day() + timedelta(days=1)
    assert jobs.notify_shortfall_patterns(today=tomorrow) == 2  # her voids, her free entries
    subjects = notes_for(voiding.auditor)
    assert any(s.startswith("Voids of Seller One stand out") and "8 of 50" in s for s in subjects)
    assert any(s.startswith("Free entries of Seller One stand out") for s in subjects)
    assert notes_for(voiding.seller) == []
    assert jobs.notify_shortfall_patterns(today=tomorrow) == 0
    count = select(func.count()).select_from(Notification)
    assert db.session.scalar(count.where(Notification.user_id == voiding.auditor.id)) == 2


def test_the_pattern_page_and_its_workbook_name_things_in_words(voiding, as_user, count_queries):
    client = as_user(voiding.auditor)
    with count_queries() as few:
        page = client.get("/ticketing/reports/patterns").get_data(as_text=True)
    voids = page[page.index('id="pattern-void"') : page.index('id="pattern-refund"')]
    assert 'class="stands-out" data-seller="seller1"' in voids and "16.0%" in voids
    assert "¥640.00" in voids  # the running total of her voids
    response = client.get("/ticketing/reports/patterns?format=xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["Shortfalls", "Voids", "Refunds", "Free entries"]
    sheet = book["Voids"]
    header = [c.value for c in sheet[1]]
    first = [c.value for c in sheet[2]]
    assert first[0] == "Seller One" and first[header.index("Stands out")] == "stands out"
    assert float(first[header.index("Running total (¥)")]) == 640.0
    assert "void" not in " ".join(str(h) for h in header)  # words, not internal keys
    more = [sale(voiding, voiding.child, quantity=3, cashier="seller2")]
    assert import_sales("more.csv", csv_bytes(more), voiding.seller2).ok
    db.session.expire_all()
    with count_queries() as again:
        assert client.get("/ticketing/reports/patterns").status_code == 200
    assert again.count == few.count
    assert as_user(voiding.seller).get("/ticketing/reports/patterns?format=xlsx").status_code == 403
