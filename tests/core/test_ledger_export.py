"""The .xlsx export, read back with openpyxl as Excel or WPS would read it."""

import re
import zipfile
from datetime import date, datetime
from io import BytesIO
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from parkops.auth.models import Department
from parkops.extensions import db
from parkops.rectification.models import (
    Measure,
    Problem,
    ProgressReport,
    Regulation,
    Source,
    Status,
)

HEADERS = [
    "No.",
    "Problem category",
    "Problem",
    "Measures",
    "Responsible leader",
    "Responsible department",
    "Responsible person",
    "Deadline",
    "Status",
    "Completed on",
    "Latest progress",
    "Regulations",
]


def problem(code: str) -> Problem:
    return db.session.scalar(select(Problem).where(Problem.code == code))


@pytest.fixture
def office(ledger, make_user, login, client):
    user = make_user("office1", ["office"], display_name="Li Min")
    login(user)
    client.post("/language/en")
    return user


@pytest.fixture
def worked(office, make_user):
    """Problem 14 filled in as the office keeps it; two more completed; one self-found."""
    crew = make_user("zhao", ["crew"], display_name="Zhao Qiang")
    leader = make_user("wang", ["leader"], display_name="Director Wang")
    department = Department(name="Engineering")
    p = problem("14")
    p.leader, p.person, p.department = leader, crew, department
    p.deadline, p.status, p.completed_on = date(2020, 12, 26), Status.COMPLETED, date(2020, 11, 3)
    p.measures.extend(
        [
            Measure(text="Form a repair squad", owner=crew, status=Status.COMPLETED),
            Measure(text='=HYPERLINK("http://x")', owner=crew, deadline=date(2020, 12, 1)),
        ]
    )
    p.regulations.append(
        Regulation(title="设施维修管理办法", revised=True, adopted_on=date(2020, 10, 30))
    )
    p.reports.extend(
        [
            ProgressReport(reported_on=date(2020, 10, 5), text="Squad formed", author=office),
            ProgressReport(
                reported_on=date(2020, 10, 12), text="Daily patrols\x07 run", author=office
            ),
            # recorded last, dated earliest: the newest report is the one of the latest date
            ProgressReport(reported_on=date(2020, 10, 1), text="Survey done", author=office),
        ]
    )
    problem("1").status = Status.COMPLETED
    problem("2").status = Status.COMPLETED
    db.session.add(
        Problem(
            code="S1",
            sort_key=1001,
            source=Source.SELF,
            category_number=10,
            title="=SUM(1,2) blind spots in the ticket office cameras",
            status=Status.COMPLETED,
        )
    )
    db.session.commit()
    return p


def download(client, query=""):
    response = client.get(f"/ledger/export.xlsx{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    return load_workbook(BytesIO(response.data))


def rows(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_one_row_per_problem_with_the_ledger_columns(worked, client):
    book = download(client)
    assert book.sheetnames == ["Ledger", "Summary"]
    sheet = book["Ledger"]
    table = rows(sheet)
    assert table[0] == HEADERS
    assert [r[0] for r in table[1:]] == [*range(1, 40), "S1"]
    row = table[14]
    assert row[0] == 14
    assert row[1] == "4. 创新发展能力不足,景区经营管理水平较低"
    assert row[2] == "设施维护不及时。"
    assert row[3].splitlines() == [
        "1. Form a repair squad (Zhao Qiang, Completed)",
        '2. =HYPERLINK("http://x") (Zhao Qiang, 2020-12-01, Not started)',
    ]
    assert row[4:7] == ["Director Wang", "Engineering", "Zhao Qiang"]
    assert row[7] == datetime(2020, 12, 26)  # a real date, not text
    assert row[8] == "Completed"
    assert row[9] == datetime(2020, 11, 3)
    assert row[10] == "2020-10-12 Daily patrols run"  # newest; the control character dropped
    assert row[11] == "《设施维修管理办法》 Revised 2020-10-30"


def test_the_file_is_formatted_for_reading_and_printing(worked, client):
    sheet = download(client)["Ledger"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["H15"].number_format == "yyyy-mm-dd" and sheet["H15"].is_date
    assert sheet["D15"].alignment.wrap_text
    assert sheet.column_dimensions["C"].width >= 20 and sheet.column_dimensions["A"].width < 10
    assert sheet.auto_filter.ref == "A1:L41"
    # Text typed by a user stays text: no formula reaches the file.
    assert sheet["C41"].value == "=SUM(1,2) blind spots in the ticket office cameras"
    assert sheet["C41"].data_type == "s"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_the_summary_sheet_has_the_computed_rates(worked, client):
    summary = rows(download(client)["Summary"])
    assert summary[0] == ["Completion", "Problems", "Completed", "Completion rate"]
    assert summary[1] == ["Problems found by the inspection", 39, 3, pytest.approx(3 / 39)]
    assert summary[2] == ["Self-found problems", 1, 1, 1]
    by_category = {r[0]: r[1:4] for r in summary[5:16]}
    assert by_category["1. 学习贯彻习近平总书记两山论不深入问题"] == [2, 2, 1]
    assert by_category["4. 创新发展能力不足,景区经营管理水平较低"] == [9, 1, pytest.approx(1 / 9)]
    assert by_category["11. 违反财经纪律和中央八项规定精神问题依然存在"] == [4, 0, 0]


def test_the_list_filters_apply_to_the_export(worked, client):
    table = rows(download(client, "?status=completed")["Ledger"])
    assert [r[0] for r in table[1:]] == [1, 2, 14, "S1"]
    table = rows(download(client, "?source=self")["Ledger"])
    assert [r[0] for r in table[1:]] == ["S1"]
    table = rows(download(client, "?category=99")["Ledger"])  # a bad filter is ignored
    assert len(table) == 41


def test_headers_follow_the_interface_language(worked, client):
    client.post("/language/zh")
    book = download(client)
    assert book.sheetnames[0] == "整改台账"
    headers = [c.value for c in book.active[1]]
    # The msgids the Chinese catalog already holds; the rest follow when it is filled.
    assert (headers[0], headers[2]) == ("序号", "问题")
    assert headers[7:9] == ["整改时限", "状态"]
    assert book.active["I15"].value == "已完成"
    # A regulation's kind is a word of the reader's language, not the internal key.
    assert book.active["L15"].value == "《设施维修管理办法》 修订 2020-10-30"
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert not [c for c in cells if " new " in c or " revised " in c]


def test_every_page_prints_readably(worked, client):
    """A4 landscape, fit to the width, the header row on every page, title and date."""
    for sheet in download(client).worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.oddHeader.center.text == "Rectification ledger"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", sheet.oddHeader.right.text)


def test_leaders_export_and_other_staff_may_not(ledger, make_user, login, client):
    login(make_user("wang", ["leader"]))
    assert client.get("/ledger/export.xlsx").status_code == 200
    client.post("/logout")
    login(make_user("zhao", ["crew"]))
    assert client.get("/ledger/export.xlsx").status_code == 403


def test_the_file_is_a_well_formed_workbook(worked, client):
    data = client.get("/ledger/export.xlsx").data
    with zipfile.ZipFile(BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert {"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= set(names)
        for name in names:
            if name.endswith(".xml") or name.endswith(".rels"):
                # Our own file, just written: parsing it raises on malformed XML.
                ElementTree.fromstring(archive.read(name))  # noqa: S314
