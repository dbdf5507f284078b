"""Parsing imported cells: dates and times as Chinese Excel and WPS write them, amounts in fen."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale

from parkops.cells import parse_date, parse_datetime, parse_fen
from parkops.tabular import TabularError, line_problem, read_table

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "cell",
    [
        "2021/3/5",
        "2021-3-5",
        "2021/03/05",
        "2021-03-05",
        "2021.3.5",
        "2021年3月5日",
        "2021年03月05日",
        "20210305",
        "2021/3/5 0:00",  # a date cell formatted with a time
        44260,  # an Excel serial number
        datetime(2021, 3, 5, 0, 0),  # a date cell from a workbook
        date(2021, 3, 5),
    ],
)
def test_dates_as_excel_and_wps_write_them(app, cell):
    assert parse_date(cell) == date(2021, 3, 5)


@pytest.mark.parametrize(
    "cell",
    [
        "2021/03/05 8:05",
        "2021-3-5 08:05",
        "2021/3/5 8:05:00",
        "2021年3月5日 8时5分",
        "2021-03-05T08:05",
    ],
)
def test_times_are_local_times(app, cell):
    moment = parse_datetime(cell)
    assert moment == datetime(2021, 3, 5, 8, 5, tzinfo=SHANGHAI)
    assert moment.utcoffset().total_seconds() == 8 * 3600


def test_workbook_times_are_taken_as_local(app):
    assert parse_datetime(datetime(2021, 3, 5, 23, 30)) == datetime(
        2021, 3, 5, 23, 30, tzinfo=SHANGHAI
    )
    # 44260.5 is noon of 2021-03-05 in Excel's serial numbers
    assert parse_datetime(44260.5).timetz() == time(12, 0, tzinfo=SHANGHAI)


def test_dates_from_a_csv_saved_by_wps(app):
    data = "编号,安装日期,时间\r\nA1,2021/3/5,2021/3/5 8:05\r\n".encode("gb18030")
    row = read_table("设施.csv", data).rows[0]
    assert parse_date(row.cells[1]) == date(2021, 3, 5)
    assert parse_datetime(row.cells[2]).hour == 8


@pytest.mark.parametrize("cell", ["2021/2/30", "5/3/2021", "next week", "2021-3", 0, 3_000_000])
def test_what_is_not_a_date_is_refused_with_the_reason_alone(app, cell):
    """The importer names the line, once (a column of its table, or ``line_problem``)."""
    with pytest.raises(TabularError) as refused:
        parse_date(cell)
    with force_locale("en"):
        assert str(refused.value).startswith("not a date")
        assert line_problem(7, str(refused.value)).startswith("Line 7: not a date")


def test_a_time_column_needs_the_time(app):
    with pytest.raises(TabularError) as refused:
        parse_datetime("2021/3/5")
    with force_locale("en"):
        assert str(refused.value) == "give the time as well as the date: 2021/3/5"


def test_empty_cells_are_none(app):
    assert parse_date("") is None and parse_datetime(" ") is None and parse_fen(None) is None


@pytest.mark.parametrize(
    ("cell", "fen"),
    [
        ("1,234.50", 123450),
        ("1234.5", 123450),
        ("12,345,678", 1234567800),
        ("¥12.30", 1230),
        ("-5", -500),
        (1234.5, 123450),
        (12, 1200),
        (0.1, 10),
    ],
)
def test_amounts_in_yuan_become_fen(app, cell, fen):
    assert parse_fen(cell) == fen


@pytest.mark.parametrize(
    "cell", ["12,5", "12,50", "1,23", "1.234,50", "1,2345", "12.345", 1.234, True]
)
def test_a_decimal_comma_or_a_misplaced_separator_is_refused(app, cell):
    """'12,5' is never ¥125.00: a comma is a thousands separator or it is refused."""
    with pytest.raises(TabularError) as refused:
        parse_fen(cell)
    with force_locale("en"):
        assert str(refused.value).startswith("not an amount in yuan")
