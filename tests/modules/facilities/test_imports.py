"""Import and export of the registry: encodings, Excel, bad rows by line number."""

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from modules.facilities.models import Facility
from parkops.audit import AuditEntry
from parkops.extensions import db
from tests.titled import titled_xlsx

GOOD = [
    ["编号", "名称", "类型", "景区", "区域", "安装日期"],
    ["PSY-0001", "湖心岛旋转木马", "ride", "PSY", "湖心岛", "2019-05-01"],
    ["PSY-0002", "樱花大道路灯", "路灯", "濮上园", "樱花大道", ""],
]


def csv_bytes(rows, encoding="utf-8", bom=False) -> bytes:
    text = "\r\n".join(",".join(r) for r in rows) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data, name):
    return client.post(
        "/facilities/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def office(client, as_user, park):
    as_user(park.office)
    client.post("/language/en")
    return client


def codes():
    return sorted(db.session.scalars(select(Facility.code)))


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (csv_bytes(GOOD), "f.csv"),
        (csv_bytes(GOOD, bom=True), "f.csv"),
        (csv_bytes(GOOD, encoding="gb18030"), "f.csv"),
        (csv_bytes(GOOD, encoding="gb18030").replace(b",", b";"), "f.CSV"),
        (xlsx_bytes(GOOD), "f.xlsx"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "semicolons", "xlsx"],
)
def test_a_good_file_in_every_encoding_is_imported(office, park, data, name):
    response = upload(office, data, name)
    assert response.status_code == 200
    assert "2 added, 0 updated" in response.get_data(as_text=True)
    assert codes() == ["PSY-0001", "PSY-0002"]
    ride = db.session.scalar(select(Facility).where(Facility.code == "PSY-0001"))
    assert ride.name == "湖心岛旋转木马" and ride.type.code == "ride" and ride.area == "湖心岛"
    assert ride.installed_on.isoformat() == "2019-05-01" and len(ride.token) >= 22


def test_valid_rows_are_taken_and_each_bad_row_is_reported_by_line(office, park):
    rows = [
        ["code", "name", "type", "site", "latitude"],
        ["PSY-0001", "好的", "bench", "PSY", "35.1"],  # line 2: fine
        ["", "没有编号", "bench", "PSY", ""],  # line 3
        ["PSY-0003", "类型不对", "spaceship", "PSY", ""],  # line 4
        ["PSY-0004", "景区不对", "bench", "NOPE", ""],  # line 5
        ["PSY-0005", "纬度不对", "bench", "PSY", "north"],  # line 6
        ["PSY-0001", "重复", "bench", "PSY", ""],  # line 7
        ["PSY-0008", "也好", "lamp", "ZYLZ", ""],  # line 8: fine
    ]
    page = upload(office, csv_bytes(rows), "f.csv").get_data(as_text=True)
    assert "2 added, 0 updated" in page and "5 rows were not imported" in page
    for line, words in (
        (3, "code is empty"),
        (4, "unknown facility type spaceship"),
        (5, "unknown site NOPE"),
        (6, "latitude is not a number"),
        (7, "code repeats line 2"),
    ):
        assert f'<td data-label="Line">{line}</td><td data-label="Problem">{words}' in page
    assert codes() == ["PSY-0001", "PSY-0008"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "facilities.imported"))
    assert entry.details["created"] == 2 and entry.details["bad_rows"] == 5


def test_a_known_code_updates_the_facility(office, park, make_facility):
    facility = make_facility(code="PSY-0001", name="旧名字")
    token = facility.token
    rows = [["code", "name", "type", "site"], ["psy-0001", "新名字", "lamp", "PSY"]]
    assert "0 added, 1 updated" in upload(office, csv_bytes(rows), "f.csv").get_data(as_text=True)
    db.session.refresh(facility)
    assert facility.name == "新名字" and facility.type.code == "lamp"
    assert facility.token == token  # printed labels keep working


def test_a_full_width_code_is_the_same_facility(office, park, make_facility):
    """A Chinese input method's "ＰＳＹ－０００１" is PSY-0001 (as a unit's code in the
    merchants' import): it updates that facility, never adds a look-alike second one."""
    facility = make_facility(code="PSY-0001", name="旧名字")
    rows = [["code", "name", "type", "site"], ["ｐｓｙ－０００１", "新名字", "lamp", "PSY"]]
    assert "0 added, 1 updated" in upload(office, csv_bytes(rows), "f.csv").get_data(as_text=True)
    assert codes() == ["PSY-0001"]
    db.session.refresh(facility)
    assert facility.name == "新名字"


def test_a_site_outside_ones_own_is_a_bad_row(client, as_user, park, make_user, make_facility):
    make_facility(code="PSY-0009", name="别人的")
    office_z = make_user("office_z", ["office"], sites=[park.zylz])
    as_user(office_z)
    client.post("/language/en")
    rows = [
        ["code", "name", "type", "site"],
        ["PSY-0100", "x", "bench", "PSY"],
        ["PSY-0009", "改名", "bench", "ZYLZ"],
        ["ZYLZ-0001", "动物园座椅", "bench", "ZYLZ"],
    ]
    page = upload(client, csv_bytes(rows), "f.csv").get_data(as_text=True)
    assert "unknown site PSY" in page and "belongs to another site" in page
    assert codes() == ["PSY-0009", "ZYLZ-0001"]
    assert db.session.scalar(select(Facility.name).where(Facility.code == "PSY-0009")) == "别人的"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"code,name\r\nA,b\r\n", "f.csv", "header row: type/类型, site/景区"),
        (b"", "f.csv", "The file is empty"),
        (b"PK\x03\x04 not a workbook", "f.xlsx", "not a readable workbook"),
        (b"code,name,type,site\n", "f.txt", "Upload a .csv, .xlsx or .xls file"),
        (b"\xff\xfe\x00\x00\x81\x30", "f.csv", "not in an accepted encoding (UTF-8, GB18030)"),
    ],
)
def test_unreadable_files_are_refused_and_change_nothing(office, park, data, name, message):
    response = upload(office, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert codes() == []


def test_export_opens_in_excel_and_imports_back(office, park, make_facility):
    make_facility("ride", code="PSY-0001", name="旋转木马", location="湖心岛东侧")
    make_facility("bench", code="ZYLZ-0001", name="长椅", site=park.zylz)
    xlsx = office.get("/facilities/export.xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["code", "name", "type", "site"]  # English interface, English headers
    assert rows[1][:4] == ["PSY-0001", "旋转木马", "ride", "PSY"]
    csv = office.get("/facilities/export.csv")
    assert csv.data.startswith(b"\xef\xbb\xbf") and "旋转木马".encode() in csv.data
    db.session.execute(Facility.__table__.delete())
    db.session.commit()
    assert "2 added" in upload(office, csv.data, "back.csv").get_data(as_text=True)
    assert "2 updated" in upload(office, xlsx.data, "back.xlsx").get_data(as_text=True)
    assert codes() == ["PSY-0001", "ZYLZ-0001"]


def test_crew_may_export_but_not_import(client, as_user, park):
    as_user(park.crew)
    assert client.get("/facilities/export.csv").status_code == 200
    assert client.get("/facilities/export.pdf").status_code == 404
    assert upload(client, csv_bytes(GOOD), "f.csv").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Facility)) == 0


def test_an_installation_date_outside_2000_to_2100_is_a_bad_row(office, park):
    rows = [
        ["code", "name", "type", "site", "installed_on"],
        ["PSY-0001", "好的", "bench", "PSY", "2019-05-01"],  # line 2: fine
        ["PSY-0002", "占位日期", "bench", "PSY", "1900-01-01"],  # line 3
        ["PSY-0003", "笔误", "bench", "PSY", "9999-12-31"],  # line 4
    ]
    page = upload(office, xlsx_bytes(rows), "f.xlsx").get_data(as_text=True)
    assert "1 added, 0 updated" in page and "2 rows were not imported" in page
    for line, day in ((3, "1900-01-01"), (4, "9999-12-31")):
        words = f"installed_on: date out of range (2000 to 2100): {day}"
        assert f'<td data-label="Line">{line}</td><td data-label="Problem">{words}' in page
    assert codes() == ["PSY-0001"]


def test_a_title_row_above_the_header_is_skipped(office, park):
    response = upload(office, titled_xlsx(GOOD), "f.xlsx")
    assert response.status_code == 200
    assert "2 added, 0 updated" in response.get_data(as_text=True)
    assert codes() == ["PSY-0001", "PSY-0002"]


def test_a_full_width_code_is_imported_as_ascii(office, park):
    rows = [GOOD[0], ["ＰＳＹ－０００１", "湖心岛旋转木马", "ride", "PSY", "", ""]]
    assert "1 added" in upload(office, csv_bytes(rows), "f.csv").get_data(as_text=True)
    assert codes() == ["PSY-0001"]
