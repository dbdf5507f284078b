"""The pages: who may do what, what a seller sees before and after her blind count, the
auditor's sign-off, bad input answered clearly, and downloads."""

import io
import re

import pytest
from sqlalchemy import func, select

from modules.ticketing import shifts
from modules.ticketing.days.record import day_record
from modules.ticketing.models import Payment, SalesLine, Shift, ShiftStatus, TicketDay
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.conftest import PASSWORD

from .conftest import csv_bytes, sale

ZERO = dict.fromkeys(Payment, 0)


def upload(data: bytes, name="sales.csv"):
    return {"file": (io.BytesIO(data), name)}


def test_every_ticketing_route_needs_a_signed_in_user(app, client):
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("ticketing."):
            continue
        url = re.sub(r"<int:\w+>", "1", rule.rule)
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


@pytest.mark.parametrize(
    ("who", "url", "method", "status"),
    [
        ("seller", "/ticketing/days", "GET", 403),
        ("seller", "/ticketing/catalog", "GET", 403),
        ("seller", "/ticketing/stock", "GET", 403),
        ("seller", "/ticketing/reports/sellers", "GET", 403),
        ("seller", "/ticketing/approvals", "GET", 403),
        ("seller", "/settings/ticketing", "GET", 403),
        ("seller", "/ticketing/imports/gate", "GET", 403),
        ("seller", "/ticketing/imports/sales", "GET", 200),
        ("auditor", "/ticketing/shifts/open", "POST", 403),
        ("auditor", "/ticketing/imports/sales", "GET", 200),  # a ticketing system's export
        ("auditor", "/ticketing/days", "GET", 200),
        ("auditor", "/ticketing/catalog", "GET", 200),
        ("auditor", "/ticketing/stock/rolls", "POST", 403),
        ("leader", "/ticketing/catalog", "GET", 200),
        ("leader", "/ticketing/products", "POST", 403),
        ("leader", "/ticketing/reports/sales", "GET", 200),
        ("manager", "/ticketing/catalog", "GET", 200),
        ("manager", "/settings/ticketing", "GET", 403),
        ("manager", "/settings/ticketing", "POST", 403),
        ("auditor", "/settings/ticketing", "GET", 200),
        ("manager", "/ticketing/approvals", "GET", 403),
    ],
)
def test_permissions_by_role(world, as_user, who, url, method, status):
    client = as_user(getattr(world, who))
    assert client.open(url, method=method).status_code == status


def test_a_seller_sees_only_her_own_shifts(world, as_user):
    mine = world.open()
    theirs = world.open(world.seller2, world.window2)
    client = as_user(world.seller)
    assert client.get(f"/ticketing/shifts/{mine.id}").status_code == 200
    for url, method in [
        (f"/ticketing/shifts/{theirs.id}", "GET"),
        (f"/ticketing/shifts/{theirs.id}/close", "GET"),
        (f"/ticketing/shifts/{theirs.id}/ranges", "POST"),
        (f"/ticketing/shifts/{theirs.id}/voids", "POST"),
        (f"/ticketing/shifts/{theirs.id}/explain", "POST"),
    ]:
        assert client.open(url, method=method).status_code == 404, url
    listing = client.get("/ticketing/shifts").get_data(as_text=True)
    assert "Seller One" in listing and "Seller Two" not in listing


def test_another_sites_staff_see_nothing_of_this_site(world, as_user, make_user):
    shift = world.open()
    day = db.session.scalar(select(TicketDay))
    stranger = make_user("auditor9", ["auditor"], sites=[world.other_site])
    client = as_user(stranger)
    assert client.get(f"/ticketing/shifts/{shift.id}").status_code == 404
    assert client.get(f"/ticketing/days/{day.id}").status_code == 404
    assert "中原绿色庄园" not in client.get("/ticketing/days").get_data(as_text=True)


def test_the_sellers_day_through_the_pages(world, as_user):
    client = as_user(world.seller)
    page = client.get("/ticketing/").get_data(as_text=True)
    assert "Open a shift" in page and "North office · W1" in page
    response = client.post(
        "/ticketing/shifts/open", data={"window_id": world.window.id, "opening_float": "500"}
    )
    assert response.status_code == 303
    shift = db.session.scalar(select(Shift))
    assert response.headers["Location"].endswith(f"/ticketing/shifts/{shift.id}")
    response = client.post(
        f"/ticketing/shifts/{shift.id}/ranges",
        data={"product_id": world.gate_ticket.id, "first": 1000, "last": 1099},
    )
    assert response.status_code == 303
    rows = [sale(world, world.combo, quantity=2, payment="wechat")]
    response = client.post(
        "/ticketing/imports/sales",
        data=upload(csv_bytes(rows)),
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "1 line imported" in response.get_data(as_text=True)
    issue = shift.issues[0]
    assert (
        client.post(f"/ticketing/issues/{issue.id}/return", data={"first_unsold": 1020}).status_code
        == 303
    )
    close = client.get(f"/ticketing/shifts/{shift.id}/close").get_data(as_text=True)
    assert "Submit my count" in close
    assert "Expected" not in close and "¥800.00" not in close and "¥160.00" not in close
    response = client.post(
        f"/ticketing/shifts/{shift.id}/close",
        data={"cash": "1,250", "card": "0", "wechat": "160", "alipay": "0", "other": "0"},
    )
    assert response.status_code == 303
    page = client.get(f"/ticketing/shifts/{shift.id}").get_data(as_text=True)
    assert "Expected" in page and "¥1,300.00" in page and "-¥50.00" in page  # 500 + 20 × 40
    assert "explain it before the shift can close" in page
    response = client.post(
        f"/ticketing/shifts/{shift.id}/explain",
        data={"explanation": "A ¥50 note was counterfeit; kept it."},
    )
    assert response.status_code == 303
    db.session.refresh(shift)
    assert shift.status == ShiftStatus.CLOSED


def test_a_repeated_post_lands_on_the_first_result(world, as_user):
    client = as_user(world.seller)
    form = {"window_id": world.window.id, "opening_float": "500", "idempotency_key": "k-open"}
    first = client.post("/ticketing/shifts/open", data=form)
    again = client.post("/ticketing/shifts/open", data=form, follow_redirects=False)
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Shift)) == 1
    shift = db.session.scalar(select(Shift))
    count = {
        "cash": "500",
        "card": "0",
        "wechat": "0",
        "alipay": "0",
        "other": "0",
        "idempotency_key": "k-count",
    }
    client.post(f"/ticketing/shifts/{shift.id}/close", data=count)
    again = client.post(f"/ticketing/shifts/{shift.id}/close", data=count, follow_redirects=True)
    assert "already counted" not in again.get_data(as_text=True)
    assert again.request.path == f"/ticketing/shifts/{shift.id}"


def test_a_bad_count_is_answered_and_changes_nothing(world, as_user):
    shift = world.open()
    client = as_user(world.seller)
    response = client.post(
        f"/ticketing/shifts/{shift.id}/close",
        data={"cash": "12.345", "card": "", "wechat": "-1", "alipay": "0", "other": "0"},
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Not an amount in yuan" in text and "cannot be negative" in text
    huge = client.post(
        f"/ticketing/shifts/{shift.id}/close",
        data={"cash": "99999999999", "card": "0", "wechat": "0", "alipay": "0", "other": "0"},
    )
    assert huge.status_code == 422 and "too large" in huge.get_data(as_text=True)
    assert client.get("/ticketing/stock?product=1&serial=1").status_code == 403
    db.session.refresh(shift)
    assert shift.status == ShiftStatus.OPEN and shift.tallies == []


def test_a_bad_file_lists_its_rows_and_imports_nothing(world, as_user):
    world.open()
    client = as_user(world.seller)
    rows = [sale(world, world.combo), {**sale(world, world.combo), "product": "NOPE"}]
    response = client.post(
        "/ticketing/imports/sales", data=upload(csv_bytes(rows)), content_type="multipart/form-data"
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Nothing was imported" in text and "unknown product NOPE" in text and ">3<" in text
    assert db.session.scalar(select(func.count()).select_from(SalesLine)) == 0
    refused = client.post(
        "/ticketing/imports/sales",
        data=upload(b"x", "sales.pdf"),
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and "Upload a .csv, .xlsx or .xls file" in refused.get_data(
        as_text=True
    )


def test_the_same_file_twice_says_so(world, as_user):
    world.open()
    client = as_user(world.seller)
    data = csv_bytes([sale(world, world.combo)])
    client.post("/ticketing/imports/sales", data=upload(data), content_type="multipart/form-data")
    again = client.post(
        "/ticketing/imports/sales",
        data=upload(data),
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "already imported" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SalesLine)) == 1


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
    assert absurd.status_code == 200 and "lookup-result" not in absurd.get_data(as_text=True)


def token(response) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text).group(1)


def test_forms_carry_csrf_protection(make_app, world):
    """Signed in for real (with the login form's token): the seller's post without a token
    is refused (400) and opens nothing; the same post with the page's token opens the shift."""
    app = make_app(WTF_CSRF_ENABLED=True, DEFAULT_LOCALE="en")
    data = {"window_id": world.window.id, "opening_float": "500"}
    with app.app_context(), app.test_client() as client:
        login = {
            "username": "seller1",
            "password": PASSWORD,
            "csrf_token": token(client.get("/login")),
        }
        assert client.post("/login", data=login).status_code == 303
        assert client.post("/ticketing/shifts/open", data=data).status_code == 400
        assert db.session.scalar(select(func.count()).select_from(Shift)) == 0
        data["csrf_token"] = token(client.get("/ticketing/"))
        opened = client.post("/ticketing/shifts/open", data=data)
        assert opened.status_code == 303 and "/ticketing/shifts/" in opened.headers["Location"]
        assert db.session.scalar(select(func.count()).select_from(Shift)) == 1


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


@pytest.mark.parametrize("blank", ["", "  "])
def test_the_blind_count_refuses_an_empty_method_and_changes_nothing(world, as_user, blank):
    shift = world.open(float_fen=50_000)
    client = as_user(world.seller)
    form = client.get(f"/ticketing/shifts/{shift.id}/close").get_data(as_text=True)
    for name in ("cash", "card", "wechat", "alipay", "other"):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*required', form), name
    for data in ({}, {"cash": "500"}, {m.value: "0" for m in Payment} | {"cash": blank}):
        response = client.post(f"/ticketing/shifts/{shift.id}/close", data=data)
        assert response.status_code == 422
        text = response.get_data(as_text=True)
        assert "Type the amount counted; 0 if none." in text
        assert "Expected" not in text and "¥500.00" not in text  # still blind
    db.session.expire_all()
    assert db.session.get(Shift, shift.id).status == ShiftStatus.OPEN
    assert db.session.get(Shift, shift.id).tallies == []
    zero = {m.value: "0" for m in Payment} | {"cash": "500"}
    assert client.post(f"/ticketing/shifts/{shift.id}/close", data=zero).status_code == 303
    db.session.expire_all()
    tallies = {t.method: t.counted_fen for t in db.session.get(Shift, shift.id).tallies}
    assert tallies == {**ZERO, Payment.CASH: 50_000}


def test_the_sub_navigation_comes_from_the_spec_with_one_current_tab(world, as_user):
    day = day_record(world.site.id, business_day())
    db.session.commit()
    page = as_user(world.auditor).get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    nav = re.search(r'<nav class="subnav".*?</nav>', page, re.S).group(0)
    assert re.findall(r'aria-current="page">([^<]+)<', nav) == ["Days"]
    assert "Thresholds" in nav and "Import sales" in nav  # she imports a system's export


def test_invalid_forms_answer_422_on_the_page_that_holds_them(world, as_user):
    shift = world.open()
    shifts.count_blind(shift, {**ZERO, Payment.CASH: 30_000}, world.seller)  # ¥200 short
    day = day_record(world.site.id, business_day())
    db.session.commit()
    seller = as_user(world.seller)
    short = seller.post(f"/ticketing/shifts/{shift.id}/explain", data={"explanation": "no"})
    assert short.status_code == 422
    assert "between 5 and 2000 characters" in short.get_data(as_text=True)
    auditor = as_user(world.auditor)
    deposit = auditor.post(
        f"/ticketing/days/{day.id}/deposit", data={"amount": "12,5", "slip_number": "S1"}
    )
    assert deposit.status_code == 422
    assert "Not an amount in yuan" in deposit.get_data(as_text=True)
    manager = as_user(world.manager)
    price = manager.post(f"/ticketing/products/{world.combo.id}/prices", data={"price": "x"})
    assert price.status_code == 422
    assert "Not an amount in yuan" in price.get_data(as_text=True)
