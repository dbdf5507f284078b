"""Money in fen and time in the park's zone: the helpers every module uses."""

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkops.money import MoneyError, format_fen, parse_yuan
from parkops.query_args import parse_number
from parkops.timeutil import business_day, local_midnight_utc, week_start


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("0", 0),
        ("12", 1200),
        ("12.5", 1250),
        ("1,234.56", 123456),
        ("¥3.07", 307),
        ("-4.20", -420),
        (" 7.00 ", 700),
    ],
)
def test_parse_yuan(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "1.234",
        "NaN",
        "Infinity",
        "1e400",
        "12,3.4.5",
        "12,5",
        "12,50",
        "1,23",
        "1.234,50",
        "5²",  # not ¥52: only full-width forms are read as ASCII, not every look-alike
        "①",
        "⑩",
    ],
)
def test_parse_yuan_refuses_what_is_not_money(text):
    with pytest.raises(MoneyError):
        parse_yuan(text)


def test_a_comma_is_only_a_thousands_separator():
    """'12,5' (a decimal comma) was ¥125.00; now refused, and grouped amounts still read."""
    with pytest.raises(MoneyError):
        parse_yuan("12,5")
    assert parse_yuan("12,345,678.90") == 1234567890


def test_format_fen():
    assert format_fen(123450) == "¥1,234.50"
    assert format_fen(-5) == "-¥0.05"
    assert format_fen(None) == ""


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_format_and_parse_round_trip(fen):
    assert parse_yuan(format_fen(fen).replace("¥", "")) == fen


def test_business_day_is_the_local_date(app):
    # 17:30 UTC is 01:30 the next morning in Asia/Shanghai.
    assert business_day(datetime(2026, 11, 25, 17, 30, tzinfo=UTC)) == date(2026, 11, 26)
    assert business_day(datetime(2026, 11, 25, 15, 59, tzinfo=UTC)) == date(2026, 11, 25)


def test_local_midnight_and_week_start(app):
    assert local_midnight_utc(date(2026, 11, 26)) == datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
    assert week_start(date(2026, 11, 26)) == date(2026, 11, 23)  # a Thursday → its Monday


@pytest.mark.parametrize(("text", "number"), [("１２", 12), ("　７ ", 7), ("²", None), ("①", None)])
def test_a_typed_number_reads_full_width_digits_and_nothing_else(text, number):
    """A Chinese input method's full-width digits are digits; a superscript or a circled
    digit is not a number (it was, through NFKC: "5²" a page's 52)."""
    assert parse_number(text) == number
