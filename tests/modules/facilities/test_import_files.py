"""Issue 15's imports and exports, on the facilities routes: the files people and
attackers send, and exports that stay safe whatever is stored."""

import csv
import io
import tracemalloc
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from modules.facilities.models import Facility, FacilityStatus
from parkops.extensions import db
from tests.core.test_tabular import replace_parts, sheet_xml, xlsx, zip_bomb
from tests.modules.facilities.test_imports import codes, csv_bytes, upload

FORMULA = '=HYPERLINK("http://example.invalid","open")'


@pytest.fixture
def office(client, as_user, park):
    as_user(park.office)
    client.post("/language/en")
    return client


def stored(code: str) -> Facility:
    return db.session.scalar(select(Facility).where(Facility.code == code))


def with_peak_memory(work):
    """(what ``work()`` returned, the peak of memory Python allocated meanwhile, bytes)."""
    tracemalloc.start()
    try:
        return work(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def sheet_rows(data: bytes) -> list[list]:
    return [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


def test_a_control_character_in_a_name_is_removed_on_the_way_in(office, park):
    rows = [["code", "name", "type", "site"], ["PSY-0001", "樱花\x0b大道路灯", "lamp", "PSY"]]
    assert "1 added" in upload(office, csv_bytes(rows), "f.csv").get_data(as_text=True)
    assert stored("PSY-0001").name == "樱花大道路灯"


@pytest.mark.parametrize(
    "query",
    ["", "?status=in_service", "?q=%E8%B7%AF", "?area=%E6%B9%96%E5%BF%83%E5%B2%9B", "?type=1"],
)
def test_the_export_never_fails_on_control_characters_already_stored(
    office, park, make_facility, query
):
    facility = make_facility("lamp", name="路灯")
    facility.name, facility.notes = "路\x0b灯", "备\x01注\x1f"
    db.session.commit()
    response = office.get(f"/facilities/export.xlsx{query}")
    assert response.status_code == 200
    if query in ("", "?status=in_service", "?q=%E8%B7%AF"):
        assert ["PSY-0001", "路灯"] == sheet_rows(response.data)[1][:2]
    assert office.get(f"/facilities/export.csv{query}").status_code == 200


def test_dates_as_chinese_excel_writes_them_are_accepted(office, park):
    rows = [
        ["code", "name", "type", "site", "installed_on"],
        ["PSY-0001", "路灯", "lamp", "PSY", "2021/3/5"],
        ["PSY-0002", "座椅", "bench", "PSY", "2021年3月6日"],
    ]
    assert "2 added" in upload(office, csv_bytes(rows), "f.csv").get_data(as_text=True)
    assert str(stored("PSY-0001").installed_on) == "2021-03-05"
    assert str(stored("PSY-0002").installed_on) == "2021-03-06"


def test_a_sheet_claiming_every_column_is_read_as_wide_as_its_header(office, park):
    header = "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for col, name in zip("ABCD", ("code", "name", "type", "site"), strict=True)
    )
    body = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>PSY-{n:04d}</t></is></c>'
        f'<c r="B{n}" t="inlineStr"><is><t>路灯</t></is></c>'
        f'<c r="C{n}" t="inlineStr"><is><t>lamp</t></is></c>'
        f'<c r="D{n}" t="inlineStr"><is><t>PSY</t></is></c><c r="XFD{n}"><v>1</v></c></row>'
        for n in range(2, 502)
    )
    rows = f'<row r="1">{header}<c r="XFD1"><v>1</v></c></row>{body}'
    data = replace_parts(xlsx([["x"]]), xl__worksheets__sheet1_xml=sheet_xml(rows, "A1:XFD501"))
    response, peak = with_peak_memory(lambda: upload(office, data, "wide.xlsx"))
    assert response.status_code == 200
    assert "500 added" in response.get_data(as_text=True)
    assert peak < 60 * 1024 * 1024  # padding 500 rows to 16,384 columns takes far more


def test_a_zip_bomb_is_refused_without_being_inflated(office, park):
    data = zip_bomb()
    response, peak = with_peak_memory(lambda: upload(office, data, "bomb.xlsx"))
    assert response.status_code == 422
    assert "too large once unpacked" in response.get_data(as_text=True)
    assert peak < 40 * 1024 * 1024
    assert codes() == []


def test_a_truncated_workbook_is_not_readable(office, park):
    good = xlsx([["code", "name", "type", "site"], ["PSY-0001", "路灯", "lamp", "PSY"]])
    response = upload(office, good[: len(good) // 2], "cut.xlsx")
    assert response.status_code == 422
    assert "not a readable workbook" in response.get_data(as_text=True)
    assert codes() == []


def test_big5_is_refused_naming_the_accepted_encodings(office, park):
    text = (
        "code,name,type,site\r\nPSY-0001,櫻花大道路燈,lamp,PSY\r\nPSY-0002,湖心島長椅,bench,PSY\r\n"
    )
    response = upload(office, text.encode("big5"), "big5.csv")
    assert response.status_code == 422
    assert "accepted encoding (UTF-8, GB18030)" in response.get_data(as_text=True)
    assert codes() == []


def test_a_formula_name_comes_out_as_text(office, park, make_facility):
    make_facility("lamp", name=FORMULA)
    book = load_workbook(io.BytesIO(office.get("/facilities/export.xlsx").data))
    cell = book.active["B2"]
    assert cell.value == FORMULA and cell.data_type == "s" and cell.quotePrefix
    data = office.get("/facilities/export.csv").data.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(data)))[1][1] == "'" + FORMULA


def test_the_export_shows_status_words_and_local_dates(office, park, make_facility):
    facility = make_facility("lamp", name="路灯")
    facility.status = FacilityStatus.UNDER_REPAIR
    facility.last_inspected_at = datetime(2026, 3, 4, 17, 30, tzinfo=UTC)  # 01:30 on the 5th
    db.session.commit()
    row = sheet_rows(office.get("/facilities/export.xlsx").data)[1]
    assert row[11] == "Under repair"
    assert row[12].date().isoformat() == "2026-03-05"
    line = list(
        csv.reader(io.StringIO(office.get("/facilities/export.csv").data.decode("utf-8-sig")))
    )[1]
    assert line[11:13] == ["Under repair", "2026-03-05"]
