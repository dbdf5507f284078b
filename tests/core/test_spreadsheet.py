"""The spreadsheet writer, read back as Excel or WPS would read it."""

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum

import pytest
from openpyxl import load_workbook

from parkops.spreadsheet import Book, Column, csv_bytes

INJECTIONS = [
    '=HYPERLINK("http://example.invalid","open")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
COLUMNS = [
    Column("Name", 30),
    Column("Count", 8, "number"),
    Column("Amount", 12, "fen"),
    Column("Day", 12, "date"),
    Column("Reported", 16, "datetime"),
]
# 2026-03-01 16:30 UTC is 2026-03-02 00:30 in the park
REPORTED = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)


def workbook(rows, columns=COLUMNS, title="Facilities"):
    book = Book(title, when=REPORTED)
    sheet = book.sheet("Facilities", columns)
    for row in rows:
        sheet.append(row)
    sheet.filter()
    return load_workbook(io.BytesIO(book.to_bytes()))


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # Excel opens Chinese text right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_text_that_looks_like_a_formula_stays_text_in_xlsx(app):
    sheet = workbook([[text] for text in INJECTIONS]).active
    cells = [sheet.cell(row=r, column=1) for r in range(2, 2 + len(INJECTIONS))]
    # A carriage return reads back as a line feed or as itself, depending on the XML
    # parser openpyxl finds (lxml keeps it); the cell is the same text either way
    assert [c.value.replace("\r", "\n") for c in cells] == [
        t.replace("\r", "\n") for t in INJECTIONS
    ]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_no_formula_in_the_xml_either(app):
    book = Book("x")
    book.sheet("x", COLUMNS).append([INJECTIONS[0]])
    with zipfile.ZipFile(io.BytesIO(book.to_bytes())) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


def test_text_that_looks_like_a_formula_gets_a_quote_in_csv(app):
    table = read_csv(csv_bytes(COLUMNS, [[text] for text in INJECTIONS]))
    assert [row[0] for row in table[1:]] == ["'" + text for text in INJECTIONS]
    assert not [row for row in table if row[0].startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_numbers_stay_numbers_and_fen_become_yuan(app):
    sheet = workbook([["路灯", 3, 123450], ["灯", -2, -5]]).active
    assert sheet["B2"].value == 3 and sheet["B2"].data_type == "n"
    assert sheet["C2"].value == 1234.5 and sheet["C2"].number_format == "#,##0.00"
    assert sheet["B3"].value == -2 and sheet["C3"].value == -0.05  # numbers, not "-…" text
    table = read_csv(csv_bytes(COLUMNS, [["路灯", 3, 123450], ["灯", -2, -5]]))
    assert table[1:] == [["路灯", "3", "1234.50", "", ""], ["灯", "-2", "-0.05", "", ""]]


def test_times_are_local_never_utc(app):
    row = ["x", None, None, date(2026, 3, 2), REPORTED]
    sheet = workbook([row]).active
    assert sheet["D2"].value == datetime(2026, 3, 2) and sheet["D2"].number_format == "yyyy-mm-dd"
    assert sheet["E2"].value == datetime(2026, 3, 2, 0, 30)
    assert sheet["E2"].number_format == "yyyy-mm-dd hh:mm"
    assert read_csv(csv_bytes(COLUMNS, [row]))[1][3:] == ["2026-03-02", "2026-03-02 00:30"]


def test_control_characters_never_make_an_export_fail(app):
    name = "路灯\x0b一号\x07\x00"
    sheet = workbook([[name]]).active
    assert sheet["A2"].value == "路灯一号"
    assert read_csv(csv_bytes(COLUMNS, [[name]]))[1][0] == "路灯一号"
    book = workbook([["x"]], title="Title\x0b & more")
    assert book.active.oddHeader.center.text == "Title && more"  # "&" is a code in headers


def test_overlong_text_is_cut_at_excels_cell_limit(app):
    assert len(workbook([["长" * 40_000]]).active["A2"].value) == 32767


def test_an_enum_must_be_given_as_its_label(app):
    class Status(Enum):
        NEW = "new"

    with pytest.raises(TypeError):
        Book("x").sheet("x", COLUMNS).append([Status.NEW])
    with pytest.raises(TypeError):
        csv_bytes(COLUMNS, [[Status.NEW]])


def test_headers_are_styled_the_same_everywhere(app):
    sheet = workbook([["x", 1, Decimal("2.5")]]).active
    assert [c.value for c in sheet[1]] == ["Name", "Count", "Amount", "Day", "Reported"]
    assert all(c.font.bold and c.fill.fgColor.rgb == "00DCEFE4" for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E2"
    assert sheet.column_dimensions["A"].width == 30 and sheet.column_dimensions["B"].width == 8
    assert sheet["A2"].alignment.wrap_text


def test_every_sheet_prints_on_a4_landscape_fit_to_width(app):
    book = Book("设施台账", when=REPORTED)
    book.sheet("一", COLUMNS)
    book.sheet("二", COLUMNS[:2])
    for sheet in load_workbook(io.BytesIO(book.to_bytes())).worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.oddHeader.center.text == "设施台账"
        assert sheet.oddHeader.right.text == "2026-03-02 00:30"  # the export's local time


def test_wrapped_rows_are_stored_tall_enough_to_print_every_line(app):
    """A reader that does not resize rows (LibreOffice, a printout) showed each wrapped
    row one line high and cut its text: the height is stored, one line for a short row."""
    measures = "\n".join(["1. 加大对水草的清理治理，除草船每天水面巡逻作业"] * 3)
    sheet = workbook([["短", 1, 100, None, None], [measures, 2, 100, None, None]]).active
    assert sheet.row_dimensions[2].height is None  # one line: the reader's default
    tall = sheet.row_dimensions[3].height
    # three source lines of 24 CJK characters in a column of 30: two lines each
    assert tall is not None and 6 * 14 <= tall <= 6 * 16


def test_the_ledger_prints_on_a4_at_a_readable_size(app):
    """Fit to one A4 landscape page width, 280 widths of columns printed at 46 % (5 pt):
    the ledger's columns stay within 190 widths, about three quarters of 11 pt."""
    from parkops.rectification.export import _columns

    with app.test_request_context():
        assert sum(column.width for column in _columns()) <= 190
