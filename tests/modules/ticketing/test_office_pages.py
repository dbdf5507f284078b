"""The auditor's and manager's pages: reviewing and signing off a day, approvals,
report downloads, the catalog, and the sub-navigation."""

import re

from modules.ticketing import shifts
from modules.ticketing.days.record import day_record
from modules.ticketing.models import Payment, TicketDay
from parkops.extensions import db
from parkops.timeutil import business_day

ZERO = dict.fromkeys(Payment, 0)


def test_the_auditor_reviews_records_a_gate_count_and_signs_off(world, as_user):
    shift = world.open()
    shifts.count_blind(shift, {**ZERO, Payment.CASH: 49_000}, world.seller)
    day = day_record(world.site.id, business_day())
    db.session.commit()
    client = as_user(world.auditor)
    page = client.get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    assert "Seller One" in page and "-¥10.00" in page
    assert (
        client.post(
            f"/ticketing/days/{day.id}/gate", data={"venue_id": world.zoo.id, "entries": 4}
        ).status_code
        == 303
    )
    page = client.get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    assert "4 entries counted at the gate, 0 tickets sold" in page
    keys = re.findall(r'name="reviewed" value="([^"]+)"', page)
    gate_flag = next(k for k in keys if k.startswith("gate:"))
    response = client.post(
        f"/ticketing/days/{day.id}/findings",
        data={
            "text": "Four entered the zoo without a ticket.",
            "flag_key": gate_flag,
            "shift_id": 0,
            "amount": "",
        },
        follow_redirects=True,
    )
    assert "Finding recorded" in response.get_data(as_text=True)
    assert "About: Zoo: 4 entries counted" in response.get_data(as_text=True)
    response = client.post(
        f"/ticketing/days/{day.id}/sign", data={"reviewed": keys[:-1]}, follow_redirects=True
    )
    assert "Tick every flag" in response.get_data(as_text=True)
    response = client.post(
        f"/ticketing/days/{day.id}/sign", data={"reviewed": keys}, follow_redirects=True
    )
    assert "Day signed off and locked" in response.get_data(as_text=True)
    assert db.session.get(TicketDay, day.id).signed


def test_a_seller_cannot_sign_off_and_sees_no_sign_off_form(world, as_user):
    day = day_record(world.site.id, business_day())
    db.session.commit()
    client = as_user(world.seller)
    assert client.post(f"/ticketing/days/{day.id}/sign").status_code == 403
    leader = as_user(world.leader)
    assert "Sign off the day" not in leader.get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    assert leader.post(f"/ticketing/days/{day.id}/sign").status_code == 403


def test_a_day_with_blocking_flags_never_says_nothing_to_flag(world, as_user):
    world.open()  # a shift not closed and a venue with no gate count block the sign-off
    world.open(world.seller2, world.window2)
    day = day_record(world.site.id, business_day())
    db.session.commit()
    page = as_user(world.auditor).get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    flags = page[page.index('id="flags"') : page.index('id="findings"')]
    assert "Nothing to flag" not in flags
    button = re.search(r"<button[^>]*>Sign off the day</button>", flags).group(0)
    assert "disabled" in button and 'aria-describedby="sign-blocked"' in button
    assert re.search(r'id="sign-blocked">\s*<p>Sign-off waits until the \d+ flags', flags)


def test_approvals_page_hides_what_one_asked_for_oneself(world, as_user, void_asked):
    approver = as_user(world.auditor)
    page = approver.get("/ticketing/approvals").get_data(as_text=True)
    assert "1003" in page and "Approve" in page
    void_id = re.search(r"/ticketing/voids/(\d+)/decide", page).group(1)
    assert (
        approver.post(f"/ticketing/voids/{void_id}/decide", data={"approve": "Approve"}).status_code
        == 303
    )
    seller = as_user(world.seller)
    assert seller.post(f"/ticketing/voids/{void_id}/decide").status_code == 403


def test_reports_download_as_xlsx(world, as_user):
    client = as_user(world.auditor)
    for url in (
        "/ticketing/reports/sellers?format=xlsx",
        "/ticketing/reports/sales?by=venue&format=xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype.endswith("spreadsheetml.sheet")
        assert response.data[:2] == b"PK"


def test_catalog_management_through_the_pages(world, as_user):
    client = as_user(world.manager)
    response = client.post(
        "/ticketing/products",
        data={
            "site_id": world.site.id,
            "code": "TRAIN",
            "name": "Train",
            "kind": "combined",
            "venues": "GATE:1, ZOO:2",
            "price": "30",
            "valid_from": business_day().isoformat(),
        },
        follow_redirects=True,
    )
    assert "Product added" in response.get_data(as_text=True)
    response = client.post(
        "/ticketing/products",
        data={
            "site_id": world.site.id,
            "code": "BAD",
            "name": "Bad",
            "kind": "ticket",
            "venues": "NOWHERE",
            "price": "30",
            "valid_from": business_day().isoformat(),
        },
        follow_redirects=True,
    )
    assert "Unknown venue codes at this site: NOWHERE" in response.get_data(as_text=True)
    response = client.post(
        f"/ticketing/offices/{world.office.id}/sellers",
        data={"sellers": [world.seller.id]},
        follow_redirects=True,
    )
    assert "Sellers saved" in response.get_data(as_text=True)
    assert [u.username for u in world.office.sellers] == ["seller1"]
    response = client.post(
        "/ticketing/stock/rolls",
        data={
            "product_id": world.gate_ticket.id,
            "first": 1500,
            "last": 2500,
            "received_on": business_day().isoformat(),
        },
        follow_redirects=True,
    )
    assert "duplicate" in response.get_data(as_text=True)
    lookup = client.get(f"/ticketing/stock?product={world.gate_ticket.id}&serial=1003")
    assert "In the store" in lookup.get_data(as_text=True)
    absurd = client.get(f"/ticketing/stock?product={world.gate_ticket.id}&serial={'9' * 25}")
    # Beyond any serial: the 400 page saying so (parkops.query_args), as every filter.
    assert absurd.status_code == 400 and "lookup-result" not in absurd.get_data(as_text=True)


def test_the_sub_navigation_comes_from_the_spec_with_one_current_tab(world, as_user):
    day = day_record(world.site.id, business_day())
    db.session.commit()
    page = as_user(world.auditor).get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    nav = re.search(r'<nav class="subnav".*?</nav>', page, re.S).group(0)
    assert re.findall(r'aria-current="page">([^<]+)<', nav) == ["Days"]
    assert "Thresholds" in nav and "Import sales" in nav  # she imports a system's export
