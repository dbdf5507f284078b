"""Files as people bring them to the ticketing imports: damaged workbooks, Big5 text,
control characters, dates as Excel and WPS write them, decimal commas, a shift still
open after midnight, and the time of an earlier import shown in local time."""

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from modules.ticketing.imports import GATE_COLUMNS, import_gate_counts, import_sales
from modules.ticketing.models import GateCount, SalesImport, SalesLine, Shift
from parkops.extensions import db
from parkops.timeutil import business_day, local_midnight_utc

from .conftest import csv_bytes, sale, xlsx_bytes

pytestmark = pytest.mark.usefixtures("english")


def lines() -> int:
    return db.session.scalar(select(func.count()).select_from(SalesLine))


def upload(data: bytes, name: str) -> dict:
    return {"file": (io.BytesIO(data), name)}


def truncated(book: bytes) -> bytes:
    return book[: len(book) // 2]


def without_sheet(book: bytes) -> bytes:
    """The workbook with its first sheet's part left out: a zip that opens, a workbook
    that does not hold together."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book)) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                new.writestr(item, old.read(item))
    return out.getvalue()


@pytest.mark.parametrize("damage", [truncated, without_sheet])
def test_a_damaged_workbook_is_not_readable_on_both_import_routes(world, as_user, damage):
    world.open()
    sales_book = damage(xlsx_bytes([sale(world, world.combo)]))
    gate_book = damage(
        xlsx_bytes(
            [{"date": business_day().isoformat(), "venue": "ZOO", "entries": "3"}], GATE_COLUMNS
        )
    )
    client = as_user(world.manager)
    for url, data in (
        ("/ticketing/imports/sales", sales_book),
        ("/ticketing/imports/gate", gate_book),
    ):
        form = upload(data, "file.xlsx") | {"site_id": world.site.id}
        response = client.post(url, data=form, content_type="multipart/form-data")
        assert response.status_code == 422, url
        assert "not a readable workbook" in response.get_data(as_text=True)
    assert lines() == 0
    assert db.session.scalar(select(func.count()).select_from(GateCount)) == 0


def test_big5_text_is_refused_naming_the_accepted_encodings(world, as_user):
    world.open()
    row = sale(world, world.combo) | {"cashier": "售票員"}
    client = as_user(world.seller)
    response = client.post(
        "/ticketing/imports/sales",
        data=upload(csv_bytes([row], encoding="big5"), "sales.csv"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "not in an accepted encoding (UTF-8, GB18030)" in response.get_data(as_text=True)
    assert lines() == 0


def test_control_characters_are_cleaned_from_the_cells(world):
    world.open()
    row = sale(world, world.combo) | {"office": "N\x0b", "product": "\x07COMBO"}
    result = import_sales("sales.csv", csv_bytes([row]), world.seller)
    assert (result.ok, result.imported) == (True, 1)


def test_dates_and_times_as_excel_and_wps_write_them(world):
    world.open()
    today = business_day()
    slashed = f"{today.year}/{today.month}/{today.day} 0:05"  # no zero padding
    chinese = f"{today.year}年{today.month}月{today.day}日 0时06分"
    rows = [sale(world, world.combo, when=slashed), sale(world, world.combo, when=chinese)]
    assert import_sales("sales.csv", csv_bytes(rows), world.seller).imported == 2
    gate = [{"date": f"{today.year}/{today.month}/{today.day}", "venue": "ZOO", "entries": "7"}]
    result = import_gate_counts("g.csv", csv_bytes(gate, GATE_COLUMNS), world.site, world.auditor)
    assert (result.ok, result.imported) == (True, 1)


def test_a_decimal_comma_is_refused_with_its_line_never_read_as_more(world):
    world.open()
    rows = [sale(world, world.combo), sale(world, world.combo, amount="12,5")]
    result = import_sales("sales.csv", csv_bytes(rows), world.seller)
    assert [e.line for e in result.errors] == [3]
    assert "not an amount in yuan" in " ".join(result.errors[0].reasons)
    assert lines() == 0


def evening_shift_still_open(world) -> Shift:
    """A shift opened two evenings ago and still open (the lantern festival): its
    "next morning" is yesterday, in the past whatever time the test runs at."""
    shift = world.open()
    shift.business_day = business_day() - timedelta(days=2)
    shift.opened_at = local_midnight_utc(shift.business_day) + timedelta(hours=18)
    db.session.commit()
    return shift


def test_a_shift_open_past_midnight_takes_its_after_midnight_sales(world):
    shift = evening_shift_still_open(world)
    next_day = shift.business_day + timedelta(days=1)
    rows = [
        sale(world, world.combo, when=f"{shift.business_day} 23:50"),
        sale(world, world.combo, when=f"{next_day} 00:20"),
    ]
    result = import_sales("night.csv", csv_bytes(rows), world.seller)
    assert (result.ok, result.imported) == (True, 2), result.errors
    stored = db.session.scalars(select(SalesLine)).all()
    assert {(line.shift_id, line.business_day) for line in stored} == {
        (shift.id, shift.business_day)
    }


def test_the_next_mornings_sales_need_their_own_shift(world):
    shift = evening_shift_still_open(world)
    next_morning = shift.business_day + timedelta(days=1)
    rows = [sale(world, world.combo, when=f"{next_morning} 06:30")]
    result = import_sales("morning.csv", csv_bytes(rows), world.seller)
    assert "no open shift" in " ".join(result.errors[0].reasons)


def test_already_imported_says_when_in_local_time(world, as_user):
    world.open()
    data = csv_bytes([sale(world, world.combo)])
    assert import_sales("sales.csv", data, world.seller).imported == 1
    record = db.session.scalar(select(SalesImport))
    record.imported_at = datetime(2024, 5, 1, 2, 30, tzinfo=UTC)  # 10:30 in Asia/Shanghai
    db.session.commit()
    client = as_user(world.seller)
    again = client.post(
        "/ticketing/imports/sales",
        data=upload(data, "sales.csv"),
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "already imported on 2024-05-01 10:30" in again.get_data(as_text=True)
