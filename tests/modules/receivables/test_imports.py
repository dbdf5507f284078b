"""Import: an Excel list and an old .xls aging report (made here), bad rows named by
line with nothing stored, a repeat that takes nothing, the mapping kept, opening
balances with their date."""

import io
from datetime import date

import pytest
from flask_babel import force_locale
from openpyxl import Workbook
from sqlalchemy import func, select

from modules.receivables import imports, statements
from modules.receivables.models import Debtor, Receivable, ReceivableKind
from parkops.extensions import db
from tests.core.test_tabular import xls


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


LIST = [
    ["债务人", "类别", "凭证号", "金额", "发生日期", "到期日", "景区"],
    ["濮上园茶社", "租金", "ZL-2019-03", "12,000.00", date(2019, 3, 1), date(2019, 3, 31), "PSY"],
    ["濮上园茶社", "水电费", "", 1050.07, "2020/7/1", "2020年7月31日", "濮上园"],
    ["动物园小卖部", "期初余额", "", "8800", date(2017, 12, 31), None, "ZYLZ"],
]


def post(client, name, data, site, **mapping):
    form = {"file": (io.BytesIO(data), name), "site_id": str(site.id)}
    form.update({f"map_{k}": v for k, v in mapping.items()})
    return client.post("/receivables/import", data=form, content_type="multipart/form-data")


def test_an_excel_list_is_imported_with_its_dates_and_a_repeat_takes_nothing(client, login, park):
    login(park.finance)
    data = xlsx(LIST)

    first = post(client, "应收款.xlsx", data, park.psy)
    again = post(client, "应收款.xlsx", data, park.psy)

    assert first.status_code == again.status_code == 303
    rows = db.session.scalars(select(Receivable).order_by(Receivable.raised_on)).all()
    assert [
        (r.debtor.name, r.site.code, r.kind, r.amount_fen, r.raised_on, r.due_on) for r in rows
    ] == [
        (
            "动物园小卖部",
            "ZYLZ",
            ReceivableKind.OPENING,
            8800_00,
            date(2017, 12, 31),
            date(2017, 12, 31),
        ),
        ("濮上园茶社", "PSY", ReceivableKind.RENT, 12000_00, date(2019, 3, 1), date(2019, 3, 31)),
        (
            "濮上园茶社",
            "PSY",
            ReceivableKind.UTILITIES,
            1050_07,
            date(2020, 7, 1),
            date(2020, 7, 31),
        ),
    ]
    assert count(Debtor) == 2
    page = client.get("/receivables/").get_data(as_text=True)
    assert "0 receivables imported (0 new debtors); 3 were imported before." in page


def test_bad_rows_are_each_named_and_nothing_is_stored(client, login, park):
    login(park.finance)
    bad = [
        *LIST,
        ["", "租金", "", "100", date(2020, 1, 1), None, "PSY"],
        ["某公司", "租金", "", "12,5", date(2020, 1, 1), None, "PSY"],
        ["某公司", "租金", "", "-100", date(2020, 1, 1), None, "PSY"],
        ["某公司", "租金", "", "100", date(2999, 1, 1), None, "PSY"],
        ["某公司", "租金", "", "100", date(2020, 1, 1), date(2019, 1, 1), "PSY"],
        ["某公司", "租金", "", "100", date(2020, 1, 1), None, "北京园"],
    ]

    response = post(client, "应收款.xlsx", xlsx(bad), park.psy)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for line in range(5, 11):
        assert f"Line {line}:" in page
    assert "Line 2:" not in page
    assert (count(Receivable), count(Debtor)) == (0, 0)


def test_an_xls_aging_report_with_its_own_headers_and_the_mapping_kept(client, login, park):
    login(park.finance)
    report = [
        ["往来单位名称", "未收余额", "单据日期", "账期截止"],
        ["濮阳市园林工程公司", 56000.5, date(2018, 5, 20), date(2018, 6, 30)],
        ["濮上园游船队", "3,000", date(2021, 1, 4), date(2021, 2, 4)],
    ]
    mapping = {
        "debtor": "往来单位名称",
        "amount": "未收余额",
        "raised_on": "单据日期",
        "due_on": "账期截止",
    }

    missing = post(client, "账龄分析.xls", xls(report), park.zylz)
    assert missing.status_code == 422
    page = missing.get_data(as_text=True)
    assert "No column for: Debtor (债务人 / 往来单位 / 单位名称 / 客户名称 / debtor)," in page
    assert "Amount owed (yuan) (金额 / 欠款金额 / 未收金额 / 余额 / amount / 欠款金额（元）" in page

    done = post(client, "账龄分析.xls", xls(report), park.zylz, **mapping)

    assert done.status_code == 303
    amounts = db.session.scalars(select(Receivable.amount_fen).order_by(Receivable.id)).all()
    assert amounts == [56000_50, 3000_00]
    assert {r.site.code for r in db.session.scalars(select(Receivable))} == {"ZYLZ"}
    assert imports.kept_mapping() == mapping
    form = client.get("/receivables/import").get_data(as_text=True)
    assert 'value="往来单位名称"' in form


def test_the_statement_shows_an_opening_balance_as_such(client, login, park):
    login(park.finance)
    post(client, "应收款.xlsx", xlsx(LIST), park.psy)
    debtor = db.session.scalar(select(Debtor).where(Debtor.name == "动物园小卖部"))

    st = statements.statement(park.finance, debtor, date(2017, 1, 1), date(2018, 12, 31))

    assert [(line.day, line.text, line.raised_fen) for line in st.lines] == [
        (date(2017, 12, 31), "Opening balance", 8800_00)
    ]


def test_only_finance_imports(client, login, park):
    login(park.leader)

    assert client.get("/receivables/import").status_code == 403


def test_a_one_site_clerk_imports_nothing_into_another_site(client, login, park):
    login(park.psy_finance)

    response = post(client, "应收款.xlsx", xlsx(LIST), park.psy)

    assert response.status_code == 422
    assert "Line 4: unknown site zylz." in response.get_data(as_text=True)
    assert count(Receivable) == 0


def test_a_csv_saved_by_wps_in_gbk_is_imported_and_a_repeat_takes_nothing(client, login, park):
    login(park.finance)
    lines = [
        "往来单位,未收金额,业务日期,到期日,类别",
        '濮上园游船队,"3,200.50",2021-05-01,2021-05-31,租金',
        "王某(职工),2000,2024/1/5,2024/2/5,借款",
    ]
    data = "\r\n".join(lines).encode("gbk")

    first = post(client, "应收款.csv", data, park.psy)
    again = post(client, "应收款.csv", data, park.psy)

    assert first.status_code == again.status_code == 303
    rows = db.session.scalars(select(Receivable).order_by(Receivable.raised_on)).all()
    assert [(r.debtor.name, r.kind, r.amount_fen, r.due_on) for r in rows] == [
        ("濮上园游船队", ReceivableKind.RENT, 3200_50, date(2021, 5, 31)),
        ("王某(职工)", ReceivableKind.ADVANCE, 2000_00, date(2024, 2, 5)),
    ]
    assert {r.site_id for r in rows} == {park.psy.id}


def test_a_bad_date_names_its_line_once_in_chinese(app, client, login, park):
    """An Excel serial typed as text is no date; the line is named once ("第 2 行："), not twice."""
    app.config["DEFAULT_LOCALE"] = "zh"
    login(park.finance)
    data = "债务人,金额,发生日期,到期日,类别\n测试导入甲,100.00,45500,2026-10-31,租金\n".encode()

    page = post(client, "应收款.csv", data, park.psy).get_data(as_text=True)

    assert "第 2 行：" in page and "45500" in page
    assert page.count("第 2 行") == 1
    assert count(Receivable) == 0


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_file_headed_with_the_fields_own_labels_is_imported(client, login, park, locale):
    """The page and its errors name each field by its label ("欠款金额（元）"): a file
    using those headers, in either language, comes in."""
    fields = ["debtor", "kind", "origin", "amount", "raised_on", "due_on", "site"]
    with force_locale(locale):
        header = [str(imports.FIELDS[f][0]) for f in fields]
    login(park.finance)

    response = post(client, "应收款.xlsx", xlsx([header, *LIST[1:]]), park.psy)

    assert response.status_code == 303, response.get_data(as_text=True)
    assert count(Receivable) == 3


def test_the_short_header_and_half_width_brackets_are_read(client, login, park):
    header = ["债务人", "欠款金额", "发生日期"]
    login(park.finance)
    assert (
        post(
            client, "a.xlsx", xlsx([header, ["茶社", "100", date(2024, 1, 1)]]), park.psy
        ).status_code
        == 303
    )
    header = ["债务人", "欠款金额(元)", "发生日期"]
    assert (
        post(
            client, "b.xlsx", xlsx([header, ["茶社", "200", date(2024, 1, 2)]]), park.psy
        ).status_code
        == 303
    )
    assert count(Receivable) == 2


def test_a_missing_column_names_the_headers_looked_for(client, login, park):
    login(park.finance)
    response = post(
        client, "a.xlsx", xlsx([["债务人", "发生日期"], ["茶社", date(2024, 1, 1)]]), park.psy
    )
    assert response.status_code == 422
    assert "金额 / 欠款金额 / 未收金额 / 余额 / amount" in response.get_data(as_text=True)


@pytest.mark.parametrize("due", [date(9999, 12, 31), "2101/1/1", 2958465])
def test_a_due_date_past_2100_names_its_line_and_nothing_is_stored(client, login, park, due):
    # The raised date was already kept after 2000 and not in the future; the due date
    # (a cell, text or an Excel serial) went in as typed.
    login(park.finance)
    rows = [*LIST, ["某公司", "租金", "", "100", date(2020, 1, 1), due, "PSY"]]

    response = post(client, "应收款.xlsx", xlsx(rows), park.psy)

    assert response.status_code == 422
    assert "Line 5: date out of range (2000 to 2100): " in response.get_data(as_text=True)
    assert (count(Receivable), count(Debtor)) == (0, 0)


def test_an_exported_report_with_its_title_lines_above_the_header_is_imported(client, login, park):
    # 用友 and 金蝶 put the report's title (merged across the columns), the unit and
    # the date above the header; they were taken for the header, and every column
    # was "missing".
    book = Workbook()
    sheet = book.active
    sheet.append(["应收账款账龄分析表"])
    sheet.merge_cells("A1:D1")
    sheet.append(["编制单位：濮上园", None, "单位：元"])
    sheet.append([])
    sheet.append(["往来单位", "未收金额", "业务日期", "到期日"])
    sheet.append(["濮上园茶社", "1,200.00", date(2024, 1, 5), date(2024, 2, 5)])
    sheet.append(["濮上园茶社", "-5", date(2024, 1, 6), date(2024, 2, 6)])
    out = io.BytesIO()
    book.save(out)
    login(park.finance)

    refused = post(client, "账龄.xlsx", out.getvalue(), park.psy)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "No column for" not in page
    assert "Line 6" in page  # the sheet's own row number, title lines counted

    sheet.delete_rows(6)
    out = io.BytesIO()
    book.save(out)
    assert post(client, "账龄.xlsx", out.getvalue(), park.psy).status_code == 303
    [row] = db.session.scalars(select(Receivable)).all()
    expected = ("濮上园茶社", 1200_00, date(2024, 1, 5))
    assert (row.debtor.name, row.amount_fen, row.raised_on) == expected


def test_a_blank_or_uncalculated_amount_is_called_empty_not_below_zero(client, login, park):
    # A formula no spreadsheet program has calculated (a list made by a script) reads
    # as blank, as an empty cell does: both were "must be more than zero".
    rows = [LIST[0], ["茶社", "租金", "", None, date(2024, 1, 1), None, "PSY"]]
    rows.append(["茶社", "租金", "", "=1000*2", date(2024, 1, 2), None, "PSY"])
    login(park.finance)

    response = post(client, "a.xlsx", xlsx(rows), park.psy)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Line 2: the amount is empty." in page
    assert "Line 3: the amount is empty." in page
    assert "more than zero" not in page
    assert count(Receivable) == 0
