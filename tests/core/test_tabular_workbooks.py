"""Reading uploads: workbooks (.xlsx, the old .xls) as people and attackers send them:
200,000-row sheets written as raw XML, a dimension claiming A1:XFD…, zip bombs,
damaged files, typed cells. Moved from test_tabular.py (CSV and the helpers stay there).
"""

import tracemalloc
from datetime import date, datetime

import pytest

from parkops.tabular import MAX_ROWS, TabularError, read_table
from tests.core.test_tabular import (
    UNREADABLE,
    handmade,
    message,
    replace_parts,
    sheet_xml,
    xls,
    xlsx,
    zip_bomb,
)


def test_a_200000_row_sheet_is_refused_and_reading_stops_at_the_cap(app):
    header = '<row><c t="inlineStr"><is><t>n</t></is></c></row>'
    row = "<row><c><v>1</v></c></row>"  # no r=: each row follows the last, as Excel allows
    # Broken XML after the cap: reading it would answer "not readable", so the
    # "too many rows" answer shows that reading stopped at the cap.
    rows = header + row * (MAX_ROWS + 100) + "<row <<" + row * (200_000 - MAX_ROWS - 100)
    data = handmade(sheet_xml(rows))
    assert len(data) < 100_000  # tens of KB, as the file that took 34 s
    with pytest.raises(TabularError) as refused:
        read_table("x.xlsx", data)
    assert message(refused) == f"The file has more than {MAX_ROWS} rows: split it."
    assert refused.value.line == MAX_ROWS + 2


def test_a_workbook_read_by_hand_made_parts(app):
    table = read_table(
        "x.xlsx",
        handmade(
            sheet_xml(
                '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
                '<row r="3"><c r="A3"><v>7</v></c></row>'
            )
        ),
    )
    assert table.header == ("名称",) and [(r.line, r.cells) for r in table.rows] == [(3, (7,))]


def test_a_sheet_claiming_16384_columns_is_read_only_as_wide_as_its_header(app):
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>' + "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="XFD{n}"><v>1</v></c></row>'
        for n in range(2, 2002)
    )
    data = replace_parts(xlsx([["x"]]), xl__worksheets__sheet1_xml=sheet_xml(rows, "A1:XFD2001"))
    tracemalloc.start()
    try:
        table = read_table("x.xlsx", data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert table.header == ("code",)
    assert len(table.rows) == 2000 and all(len(r.cells) == 1 for r in table.rows)
    # Padding 2,000 rows to 16,384 columns would take over 250 MB.
    assert peak < 40 * 1024 * 1024


def test_a_zip_bomb_is_refused_without_being_inflated(app):
    data = zip_bomb()
    assert len(data) < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(TabularError) as refused:
            read_table("x.xlsx", data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (
        message(refused) == "The workbook is too large once unpacked: split it or save it as CSV."
    )
    assert peak < 10 * 1024 * 1024


# --- damaged workbooks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        lambda good: good[: len(good) // 2],  # truncated download
        lambda good: b"not a zip at all",
        lambda good: replace_parts(good, xl__workbook_xml=None),  # missing part
        lambda good: replace_parts(good, xl__worksheets__sheet1_xml="<worksheet><sheetData><row"),
        lambda good: replace_parts(
            good,
            xl__worksheets__sheet1_xml=sheet_xml(
                # a shared string that is not there
                '<row r="1"><c r="A1" t="s"><v>99</v></c></row>'
            ),
        ),
        lambda good: replace_parts(
            good,
            xl__sharedStrings_xml=(
                '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                "<si><t>&lol2;</t></si></sst>"
            ),
        ),
    ],
    ids=["truncated", "not a zip", "missing part", "broken XML", "inconsistent", "XML entities"],
)
def test_a_damaged_workbook_is_not_readable_never_a_crash(app, damage):
    good = handmade(sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'))
    with pytest.raises(TabularError) as refused:
        read_table("x.xlsx", damage(good))
    assert message(refused) == UNREADABLE


# --- typed cells ---------------------------------------------------------------------------------


def test_xlsx_cells_keep_their_types(app):
    data = xlsx(
        [
            ["code", "when", "day", "amount"],
            ["=1+1", datetime(2021, 3, 5, 8, 5), date(2021, 3, 5), 12.5],
        ]
    )
    row = read_table("x.xlsx", data).rows[0]
    assert row.line == 2
    assert row.cells[1:] == (datetime(2021, 3, 5, 8, 5), datetime(2021, 3, 5), 12.5)
    assert row.cells[0] in ("=1+1", "")  # a formula is read as its cached value, never run


def test_old_xls_aging_reports_are_read(app):
    data = xls(
        [["客户", "金额", "日期"], ["东门商铺\x0b", 1234.5, date(2021, 3, 5)], ["北门", 12, ""]]
    )
    table = read_table("账龄.xls", data)
    assert table.header == ("客户", "金额", "日期")
    assert [(r.line, r.cells) for r in table.rows] == [
        (2, ("东门商铺", 1234.5, date(2021, 3, 5))),
        (3, ("北门", 12, "")),
    ]


def test_a_damaged_xls_is_not_readable(app):
    good = xls([["a"], ["b"]])
    for bad in (good[:600], b"\xd0\xcf\x11\xe0" + b"\x00" * 600, b"plain text"):
        with pytest.raises(TabularError) as refused:
            read_table("x.xls", bad)
        assert message(refused) == UNREADABLE


def test_xls_rows_are_capped(app):
    with pytest.raises(TabularError) as refused:
        read_table("x.xls", xls([["n"], *([i] for i in range(12))]), max_rows=10)
    assert message(refused) == "The file has more than 10 rows: split it."
