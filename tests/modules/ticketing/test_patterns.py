"""Issue 14: a seller ¥4.50 short on every one of 28 shifts (¥126, each shortfall within
the ¥10 tolerance) stands out by a sign test and a run of shortfalls; the auditors hear of
it once per month."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from modules.ticketing import jobs, shifts
from modules.ticketing.models import Payment, ShiftStatus
from modules.ticketing.reports import shortfall_patterns
from modules.ticketing.reports.patterns import runs, sign_test
from parkops.extensions import db
from parkops.notify import Notification
from parkops.timeutil import business_day

pytestmark = pytest.mark.usefixtures("english")

FLOAT = 50_000
ZERO = dict.fromkeys(Payment, 0)


def closed_shifts(world, seller, differences: list[int], window=None) -> None:
    """One closed shift per difference (fen), counted blind against the float alone."""
    for fen in differences:
        shift = world.open(seller=seller, window=window)
        shifts.count_blind(shift, {**ZERO, Payment.CASH: FLOAT + fen}, seller)
        assert shift.status == ShiftStatus.CLOSED


def test_the_sign_test_and_the_runs():
    assert sign_test(28, 0) == 1 / 2**28
    assert sign_test(5, 5) == pytest.approx(0.623, abs=0.001)
    assert sign_test(0, 0) == 1.0
    assert runs([-1] * 28) == (1, 28)
    assert runs([-1, 1, -1, -1, -1, 1]) == (4, 3)


def test_a_steady_small_shortage_stands_out_and_honest_noise_does_not(world):
    closed_shifts(world, world.seller, [-450] * 28)
    closed_shifts(world, world.seller2, [-200, 300, 0, -100, 500, -300, 200, 100], world.window2)
    today = business_day()
    steady, noisy = shortfall_patterns({world.site.id}, today, today)
    assert steady.seller == world.seller and steady.stands_out
    assert (steady.shifts, steady.short, steady.total_fen) == (28, 28, -12_600)
    assert (steady.longest_short_run, steady.runs) == (28, 1)
    assert steady.colleagues_short_share == 37.5  # 3 of Seller Two's 8
    assert noisy.seller == world.seller2 and not noisy.stands_out
    assert shortfall_patterns({world.other_site.id}, today, today) == []


def notes_for(user) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.user_id == user.id)
    )


def test_the_auditors_hear_of_it_once_a_month(world):
    closed_shifts(world, world.seller, [-450] * 8)
    tomorrow = business_day() + timedelta(days=1)
    assert jobs.notify_shortfall_patterns(today=tomorrow) == 1
    assert notes_for(world.auditor) == 1 and notes_for(world.auditor2) == 1
    assert notes_for(world.seller) == 0
    note = db.session.scalars(
        select(Notification).where(Notification.user_id == world.auditor.id)
    ).one()
    assert "Seller One was short on 8 of 8 shifts" in note.subject
    assert note.link.startswith("/ticketing/reports/patterns?")
    closed_shifts(world, world.seller, [-450] * 3)
    assert jobs.notify_shortfall_patterns(today=tomorrow) == 0  # once per month
    assert notes_for(world.auditor) == 1


def test_the_pattern_page_highlights_her_at_a_constant_cost(world, as_user, count_queries):
    closed_shifts(world, world.seller, [-450] * 8)
    client = as_user(world.auditor)
    with count_queries() as few:
        page = client.get("/ticketing/reports/patterns").get_data(as_text=True)
    assert 'class="stands-out"' in page and "Seller One" in page and "-¥36.00" in page
    closed_shifts(world, world.seller2, [-100, 200, 300], world.window2)
    db.session.expire_all()
    with count_queries() as more:
        assert client.get("/ticketing/reports/patterns").status_code == 200
    assert more.count == few.count
    assert as_user(world.seller).get("/ticketing/reports/patterns").status_code == 403
