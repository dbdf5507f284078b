"""What the home page lists for ticketing: the seller's own shift, the auditor's days and
the approver's decisions, never a decision the approver may not take herself."""

import re
from datetime import timedelta

from modules.ticketing import corrections, shifts, todo
from modules.ticketing.days import reconciliation, signoff
from modules.ticketing.days.record import day_record
from modules.ticketing.models import Payment
from parkops.extensions import db
from parkops.timeutil import business_day, utcnow

ZERO = dict.fromkeys(Payment, 0)


def texts(user) -> list[tuple[str, bool]]:
    return [(item.text, item.overdue) for item in todo.todo(user)]


def test_the_seller_sees_her_shift_in_each_state(world):
    assert texts(world.seller) == []
    shift = world.open()
    where = f"{world.office.name} · {world.window.name}"
    assert texts(world.seller) == [(f"Your shift at {where} of {business_day()} is open.", False)]
    shift.business_day -= timedelta(days=1)  # left open overnight
    db.session.commit()
    assert texts(world.seller)[0][1] is True
    shift.business_day += timedelta(days=1)
    shifts.count_blind(shift, {**ZERO, Payment.CASH: 30_000}, world.seller)  # ¥200 short
    item = todo.todo(world.seller)[0]
    assert item.text == f"Your count at {where} is off: explain the difference."
    assert item.url == f"/ticketing/shifts/{shift.id}"
    shifts.explain(shift, "A note went missing.", world.seller)
    assert texts(world.seller) == [(f"Your takings at {where} wait for a second count.", False)]
    assert texts(world.seller2) == []  # another seller sees nothing of it
    assert ("1 shift waits for a second count", False) in texts(world.auditor)
    shifts.second_count(shift, {**ZERO, Payment.CASH: 30_000}, world.auditor)
    assert texts(world.seller) == [] and texts(world.auditor) == []


def test_the_auditor_sees_past_days_late_once_escalated(world):
    yesterday = day_record(world.site.id, business_day() - timedelta(days=1))
    day_record(world.site.id, business_day())  # today's is still being worked
    db.session.commit()
    assert texts(world.auditor) == [("1 past ticket day not signed off", False)]
    yesterday.escalated_at = utcnow()
    db.session.commit()
    assert texts(world.auditor) == [("1 past ticket day not signed off", True)]
    assert texts(world.outsider) == []  # another site's seller
    assert texts(world.leader) == []  # approves, but signs no day off


def test_an_approver_is_not_asked_to_decide_her_own_void(world, void_asked):
    assert ("1 void waits for approval", False) in texts(world.auditor)
    assert not any("void" in text for text, _late in texts(world.seller))


def test_an_approver_is_not_asked_to_decide_her_own_correction(world):
    day = day_record(world.site.id, business_day() - timedelta(days=1))
    to_review = {f.key for f in reconciliation.day_figures(day).to_review}
    signoff.sign_off(day, to_review, world.auditor)
    correction = corrections.request_correction(
        day, corrections.GateCorrection(world.zoo, 3), "Counted twice.", world.auditor
    )
    assert ("1 correction waits for approval", False) in texts(world.leader)
    assert not any("correction" in text for text, _late in texts(world.auditor))
    corrections.decide_correction(correction, True, world.leader)
    assert not any("correction" in text for text, _late in texts(world.leader))


def test_the_home_page_lists_them_with_links(world, as_user):
    shift = world.open()
    shifts.count_blind(shift, {**ZERO, Payment.CASH: 30_000}, world.seller)
    html = as_user(world.seller).get("/").get_data(as_text=True)
    waiting = html[html.index('id="waiting"') :]
    assert re.search(rf'href="/ticketing/shifts/{shift.id}">Your count at .* is off', waiting)


def test_the_home_page_costs_the_same_however_much_waits(world, as_user, count_queries):
    client = as_user(world.auditor)
    day_record(world.site.id, business_day() - timedelta(days=1))
    db.session.commit()
    with count_queries() as few:
        assert "1 past ticket day" in client.get("/").get_data(as_text=True)
    for back in range(2, 12):
        day_record(world.site.id, business_day() - timedelta(days=back))
    db.session.commit()
    with count_queries() as many:
        assert "11 past ticket days" in client.get("/").get_data(as_text=True)
    assert many.count == few.count
