"""The seller's pages: her day before and after her blind count, repeated posts, and bad
input (a count, a file, a form) answered clearly without changing anything."""

import io
import re

import pytest
from sqlalchemy import func, select

from modules.ticketing import shifts
from modules.ticketing.days.record import day_record
from modules.ticketing.models import Payment, SalesLine, Shift, ShiftStatus
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.flashes import confirmation

from .conftest import csv_bytes, sale

ZERO = dict.fromkeys(Payment, 0)


def upload(data: bytes, name="sales.csv"):
    return {"file": (io.BytesIO(data), name)}


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
    assert confirmation(client, response) == "Count recorded."
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


@pytest.mark.usefixtures("english")
def test_a_second_tabs_count_is_told_it_was_not_recorded(world, as_user):
    shift = world.open()
    client = as_user(world.seller)
    count = {"card": "0", "wechat": "0", "alipay": "0", "other": "0"}
    client.post(f"/ticketing/shifts/{shift.id}/close", data={**count, "cash": "500"})
    other_tab = client.post(
        f"/ticketing/shifts/{shift.id}/close",
        data={**count, "cash": "800", "idempotency_key": "k-tab-2"},
        follow_redirects=True,
    )
    text = other_tab.get_data(as_text=True)
    assert other_tab.request.path == f"/ticketing/shifts/{shift.id}"
    assert "already submitted at" in text and "(cash ¥500.00)" in text
    assert "this count was not recorded" in text
    db.session.expire_all()
    assert [t.counted_fen for t in shift.tallies if t.method == Payment.CASH] == [50_000]


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
