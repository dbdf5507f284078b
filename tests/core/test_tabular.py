"""Reading uploads: what every import promises, fed with the files people and attackers send.

CSV text here (encodings, Big5, control characters, limits) and the helpers that make
the hostile files (hand-made workbook parts, zip bombs, old .xls), which other tests
import; the workbooks' own cases are in test_tabular_workbooks.py.
"""

import io
import zipfile
from datetime import date

import pytest
import xlwt
from flask_babel import force_locale
from openpyxl import Workbook

from parkops.tabular import TabularError, decode, read_table

HEADER_CSV = "编号,名称,安装日期\r\n"
UNREADABLE = "The file is not a readable workbook: open it and save it again."


def message(exc_info) -> str:
    with force_locale("en"):
        return str(exc_info.value)


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def replace_parts(data: bytes, **parts: bytes | str | None) -> bytes:
    """The workbook ``data`` with zip parts replaced (None removes one); in the keyword
    names '__' stands for '/' and '_xml' for '.xml'."""
    return _rezip(data, {k.replace("__", "/").replace("_xml", ".xml"): v for k, v in parts.items()})


def _rezip(data: bytes, parts: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in parts:
                continue
            dst.writestr(info, src.read(info.filename))
        for name, content in parts.items():
            if content is None:
                continue
            if isinstance(content, str):
                content = content.encode()
            dst.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PKG = "http://schemas.openxmlformats.org/package/2006"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def handmade(sheet: str, shared_strings: str | None = None) -> bytes:
    """The smallest .xlsx Excel opens: a workbook, one sheet, optional shared strings."""
    ml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = (
        f'<Override PartName="/xl/workbook.xml" ContentType="{ml}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ml}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ml}.sharedStrings+xml"/>'
    )
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>",
        "_rels/.rels": f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="r1" '
        f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="r1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="r1" Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="r2" Type="{OFFICE}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": shared_strings or f'<sst xmlns="{MAIN}"><si><t>名称</t></si></sst>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def sheet_xml(rows: str, dimension: str = "A1") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )


def one_cell_rows(first: int, last: int) -> str:
    return "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(first, last + 1))


def zip_bomb() -> bytes:
    """A workbook under 1 MB whose shared strings inflate to 300 MB."""
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx([["名称"], ["路灯"]]))) as src:
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
            for info in src.infolist():
                if info.filename != "xl/sharedStrings.xml":
                    dst.writestr(info, src.read(info.filename))
            with dst.open("xl/sharedStrings.xml", "w") as part:
                chunk = b"<si><t>" + b"A" * (1024 * 1024) + b"</t></si>"
                for _ in range(300):  # 300 MB once inflated
                    part.write(chunk)
    return bomb.getvalue()


def xls(rows) -> bytes:
    book = xlwt.Workbook()
    sheet = book.add_sheet("aging")
    dates = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(r, c, value, dates)
            else:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- CSV text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        (HEADER_CSV + "A1,路灯,2021/3/5\r\n").encode("utf-8"),
        b"\xef\xbb\xbf" + (HEADER_CSV + "A1,路灯,2021/3/5\r\n").encode("utf-8"),
        (HEADER_CSV + "A1,路灯,2021/3/5\r\n").encode("gb18030"),
    ],
    ids=["utf-8", "utf-8 with BOM", "gb18030"],
)
def test_csv_in_the_accepted_encodings(app, data):
    table = read_table("设施.csv", data)
    assert table.header == ("编号", "名称", "安装日期")
    assert [(r.line, r.cells) for r in table.rows] == [(2, ("A1", "路灯", "2021/3/5"))]


@pytest.mark.parametrize(
    "text",
    ["名稱,地點\n路燈一號,東門廣場\n㛃园,北门\n", "code,name\nA1,灯\n", "名称\n㛃园\n"],
    ids=["traditional and rare", "one character", "a rare name"],
)
def test_gb18030_text_is_read_even_short_or_with_rare_characters(app, text):
    assert decode(text.encode("gb18030")) == text


@pytest.mark.parametrize(
    "text",
    ["名稱,類型,位置\n路燈一號,照明設備,東門廣場\n", "客戶,金額\n東門商鋪,1234\n", "名稱\n路燈\n"],
)
def test_big5_is_refused_naming_the_accepted_encodings(app, text):
    data = text.encode("big5")
    data.decode("gb18030")  # reads as GB18030 without an error: it must not be stored so
    with pytest.raises(TabularError) as refused:
        read_table("x.csv", data)
    assert "UTF-8, GB18030" in message(refused)


def test_bytes_that_are_no_text_are_refused(app):
    with pytest.raises(TabularError) as refused:
        read_table("x.csv", b"\x81\x30\xff\xfe\x00 name\n")
    assert "UTF-8, GB18030" in message(refused)


def test_line_numbers_count_the_lines_of_a_multi_line_cell(app):
    data = b'code,note\nA1,"two\nlines"\n\nA2,ok\n'
    table = read_table("x.csv", data)
    assert [(r.line, r.cells) for r in table.rows] == [(2, ("A1", "two\nlines")), (5, ("A2", "ok"))]


def test_semicolons_as_excel_writes_them_in_some_locales(app):
    table = read_table("x.csv", b"code;amount\nA1;12,5\n")
    assert table.rows[0].cells == ("A1", "12,5")


def test_control_characters_are_removed_from_every_text_cell(app):
    data = "编号,名称\x0b\nA1,路灯\x0b一号\x07\r\nA2,\x00东门\x1f\n".encode()
    table = read_table("x.csv", data)
    assert table.header == ("编号", "名称")
    assert [r.cells for r in table.rows] == [("A1", "路灯一号"), ("A2", "东门")]


def test_control_characters_are_removed_in_workbooks_too(app):
    # Excel writes a \x0b it cannot put in XML as _x000B_; a real "_x" is _x005F_x.
    sheet = sheet_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>2</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>1</v></c>'
        '<c r="B2" t="inlineStr"><is><t>a_x005F_x0041_b</t></is></c></row>'
    )
    data = handmade(
        sheet,
        f'<sst xmlns="{MAIN}"><si><t>名称_x000B_</t></si><si><t>路灯_x000B_一号</t></si>'
        "<si><t>备注</t></si></sst>",
    )
    table = read_table("x.xlsx", data)
    assert table.header == ("名称", "备注")
    assert table.rows[0].cells == ("路灯一号", "a_x0041_b")


def test_a_raw_control_character_in_a_workbook_is_not_readable(app):
    sheet = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>a&#11;b</t></is></c></row>')
    with pytest.raises(TabularError) as refused:
        read_table("x.xlsx", handmade(sheet))
    assert message(refused) == UNREADABLE


def test_the_header_width_bounds_every_row_and_short_rows_are_padded(app):
    table = read_table("x.csv", b"a,b\n1,2,3,4\n5\n")
    assert [r.cells for r in table.rows] == [("1", "2"), ("5", "")]
    assert table.column(" B ") == 1 and table.column("c", "a") == 0 and table.column("z") is None


def test_empty_files_and_files_without_data(app):
    with pytest.raises(TabularError) as empty:
        read_table("x.csv", b"\n,,\n")
    assert message(empty) == "The file is empty."
    with pytest.raises(TabularError) as no_data:
        read_table("x.csv", b"a,b\n")
    assert message(no_data) == "The file has a header row but no data."


def test_unknown_formats_are_refused(app):
    with pytest.raises(TabularError) as refused:
        read_table("x.ods", b"PK")
    assert message(refused) == "Upload a .csv, .xlsx or .xls file."


# --- bounds --------------------------------------------------------------------------------------


def test_the_byte_limit_is_checked_first(make_app):
    app = make_app(UPLOAD_MAX_BYTES=1024)
    with app.app_context(), pytest.raises(TabularError) as refused:
        read_table("x.xlsx", b"\x00" * 1025)  # not even a zip: its size refuses it first
    assert "larger than" in message(refused)


def test_rows_are_capped_in_csv(app):
    data = b"n\n" + b"1\n" * 101
    assert len(read_table("x.csv", data, max_rows=101).rows) == 101
    with pytest.raises(TabularError) as refused:
        read_table("x.csv", data, max_rows=100)
    assert message(refused) == "The file has more than 100 rows: split it."


def test_a_header_named_by_its_columns_skips_the_title_lines_before_it(app):
    """A payment bill: title lines of one cell, then the table (as wide as its header)."""
    text = "#支付宝业务明细查询\n#账号：[2088]\n交易号,终端号,金额\nT1,N-01,30.00\n"
    data = text.encode("gb18030")
    table = read_table("bill.csv", data, header_has=("终端号", "金额"))
    assert table.header == ("交易号", "终端号", "金额")
    assert [(r.line, r.cells) for r in table.rows] == [(4, ("T1", "N-01", "30.00"))]
    with pytest.raises(TabularError) as refused:
        read_table("bill.csv", data, header_has=("设备号",))
    assert message(refused).startswith("No header row naming")
