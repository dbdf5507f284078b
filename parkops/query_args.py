"""Dates and numbers read from a page's query string (list filters, exports).

Every GET argument that is a date or a number is read here, so no typed value can
reach a date computation or SQL out of range (``?as_of=0001-01-01`` overflowed the
aging's bucket cut-offs, ``?age=99999999999`` a ``timedelta``). One rule for all:
an argument that is missing or not a date / not a number is absent (the page's
default, as before); a date or a number outside the range below is refused with a
400 page that says so (an export must not quietly answer for another date).
"""

from datetime import date, datetime

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

# Dates any form takes (what a person may mean; also what Excel can show).
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
# The largest id or count (of days, of rows) a query may carry: the database's
# 32-bit integer; a bigger one overflows it or a date.
MAX_NUMBER = 2**31 - 1
MAX_DAYS = 36_500  # a count of days asked for (``?age=``): a century, far inside a date's range
# A typed date outside EARLIEST–LATEST: the field's error (``forms.DayField``, ``form_date``).
OUT_OF_RANGE = _l("Enter a date between 2000 and 2100.")


class OutOfRange(BadRequest):
    """A query argument the page cannot answer for: the 400 page shows ``description``."""

    explained = True  # the error page shows the description, not the generic text


def date_in_range(value: date) -> bool:
    return EARLIEST <= value <= LATEST


# A Chinese input method's full-width forms ("１２３．５", "￥", the ideographic space)
# as their ASCII (and ¥) twins. Only these: NFKC would also read "5²" as 52 and "①" as 1.
_HALF_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xFFE5: 0xA5}


def half_width(text: str) -> str:
    """``text`` with its full-width letters, digits, signs and spaces as ASCII (and "￥"
    as "¥"); every other character as it is."""
    return text.translate(_HALF_WIDTH)


def parse_number(text: str, maximum: int = MAX_NUMBER) -> int | None:
    """``text`` (stripped) as a non-negative int (full-width digits too); None when it
    is not one ("²", "①"); 400 above ``maximum``."""
    text = half_width(text).strip()  # full-width "１２" as "12"
    if not text.isdecimal():  # not isdigit: "²" is a digit that int() refuses
        return None
    digits = text.lstrip("0") or "0"
    # Compared by length first: int() of 4,300 digits or more raises (CVE-2020-10735).
    if len(digits) > len(str(maximum)) or int(digits) > maximum:
        raise OutOfRange(
            _l("Number out of range: enter at most %(most)s.", most=format(maximum, ","))
        )
    return int(digits)


def _in_range(day: date) -> None:
    if not date_in_range(day):
        raise OutOfRange(_l("Date out of range: enter a date between 2000 and 2100."))


def parse_date(text: str) -> date | None:
    """``text`` (YYYY-MM-DD, stripped) as a date; None when it is not one; 400 outside
    EARLIEST–LATEST."""
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        return None
    _in_range(value)
    return value


class DateOutOfRange(ValueError):
    """A date typed in a hand-read form field outside EARLIEST–LATEST; its ``str`` is
    the field's error, translated: "Enter a date between 2000 and 2100."."""


def form_date(text: str) -> date | None:
    """A date typed in a form the view reads by hand (YYYY-MM-DD, stripped); None when
    it is not one. ``DateOutOfRange`` outside EARLIEST–LATEST: the view shows the form
    again with that error and changes nothing (as a ``forms.DayField`` does), where a
    query argument gets the 400 page (``parse_date``)."""
    try:
        return parse_date(text)
    except OutOfRange:
        raise DateOutOfRange(str(OUT_OF_RANGE)) from None


def parse_moment(text: str) -> datetime | None:
    """``text`` (YYYY-MM-DDTHH:MM[:SS], stripped) as a datetime as written (the caller
    places it in a time zone); None when it is not one; 400 when its date is outside
    EARLIEST–LATEST (a zone's offset would overflow year 1 or 9999)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    _in_range(value.date())
    return value


def int_arg(name: str, maximum: int = MAX_NUMBER) -> int | None:
    """The query argument ``name`` as a non-negative int; None when absent or not a
    number; 400 above ``maximum``."""
    return parse_number(request.args.get(name, ""), maximum)


def date_arg(name: str) -> date | None:
    """The query argument ``name`` as a date; None when absent or not a date; 400 out
    of range."""
    return parse_date(request.args.get(name, ""))


def month_arg(name: str) -> date | None:
    """The query argument ``name`` (YYYY-MM) as the month's first day; None when absent
    or not a month; 400 out of range."""
    return parse_date(f"{request.args.get(name, '').strip()}-01")
