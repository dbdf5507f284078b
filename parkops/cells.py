"""Parsing one cell of an imported row: dates, local times, amounts in fen.

Cells come from ``parkops.tabular.read_table``: text (as Excel and WPS write it
when they save CSV) or typed values from a workbook (int, float, datetime…).
Every parser returns None for an empty cell (the caller decides whether the
column is required) and raises ``TabularError`` with the reason alone otherwise
("not a date: 45500"): the importer names the line once, in a column of its table or
with ``parkops.tabular.line_problem``.
"""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from parkops.money import FEN_PER_YUAN, MoneyError, parse_yuan
from parkops.query_args import date_in_range
from parkops.tabular import TabularError
from parkops.timeutil import local_zone

EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug kept)
MAX_SERIAL = 2_958_465  # 9999-12-31

# 2021/3/5, 2021-03-05, 2021.3.5, 2021年3月5日; then an optional time 8:05, 08:05:30,
# 8时5分 (what Excel and WPS write for a datetime cell saved as CSV).
_DATE = re.compile(r"(\d{4})\s*(?:[/\-.]|年)\s*(\d{1,2})\s*(?:[/\-.]|月)\s*(\d{1,2})\s*日?")
_TIME = re.compile(
    r"(?:[T\s]\s*)?(\d{1,2})\s*[:时]\s*(\d{1,2})\s*分?(?:\s*[:：]?\s*(\d{1,2})\s*秒?)?"
)
_ISO_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _serial(value: float) -> datetime:
    if isinstance(value, bool) or not 1 <= value <= MAX_SERIAL:
        raise TabularError(_l("not a date: %(value)s", value=value))
    moment = EXCEL_EPOCH + timedelta(days=float(value))
    return moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))


def _split(text: str) -> tuple[date, time | None]:
    text = text.strip()
    match = _DATE.match(text) or _ISO_COMPACT.match(text)
    rest = text[match.end() :] if match else ""
    clock = _TIME.fullmatch(rest) if rest.strip() else None
    try:
        if match is None or (rest.strip() and clock is None):
            raise ValueError(text)
        day = date(*(int(g) for g in match.groups()))
        if clock is None:
            return day, None
        hour, minute, second = (int(g or 0) for g in clock.groups())
        return day, time(hour, minute, second)
    except ValueError as exc:
        raise TabularError(_l("not a date: %(value)s", value=text)) from exc


def bounded(day: date) -> date:
    """``day`` itself; TabularError ("date out of range (2000 to 2100): …") outside the
    range of every date a form takes (``parkops.query_args``): a file's 9999-12-31 or
    1900-01-01 is a typo or a placeholder, and would overflow the date sums that follow."""
    if not date_in_range(day):
        raise TabularError(_l("date out of range (2000 to 2100): %(value)s", value=day))
    return day


def parse_date(value) -> date | None:
    """A date cell → local date: date/datetime objects, Excel serial numbers, and text
    like ``2021/3/5``, ``2021-03-05``, ``2021年3月5日``, ``20210305`` (a time after it
    is dropped). Refused outside 2000–2100."""
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return bounded(value.date())
    if isinstance(value, date):
        return bounded(value)
    if isinstance(value, int | float):
        return bounded(_serial(value).date())
    return bounded(_split(str(value))[0])


def parse_datetime(value) -> datetime | None:
    """A date-and-time cell → an aware datetime in the park's zone (the cell is local
    time, as a person typed it): datetime objects, Excel serial numbers, text like
    ``2021/03/05 8:05``, ``2021-3-5 08:05:30``, ``2021年3月5日 8时5分``. A date
    without a time is refused: a time is what this column is for; so is a date outside
    2000–2100."""
    if _blank(value):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float):
        moment = _serial(value)
    else:
        text = value.isoformat() if isinstance(value, date) else str(value)
        day, clock = _split(text)
        if clock is None:
            raise TabularError(_l("give the time as well as the date: %(value)s", value=text))
        moment = datetime.combine(day, clock)
    bounded(moment.date())
    if moment.tzinfo is not None:
        return moment.astimezone(local_zone())
    return moment.replace(tzinfo=local_zone())


def parse_fen(value) -> int | None:
    """An amount cell in yuan → integer fen. Text must be plain (``1234.5``) or use
    commas as thousands separators (``1,234.50``); ``12,5`` (a decimal comma) and
    ``1,23`` are refused, never read as ¥125 or ¥123. Numbers from a workbook keep
    their value; more than two decimals is refused."""
    if _blank(value):
        return None
    refused = TabularError(_l("not an amount in yuan (e.g. 1,234.50): %(value)s", value=value))
    if isinstance(value, bool):
        raise refused
    if isinstance(value, int | float | Decimal):
        try:
            # repr of a float is its shortest exact text: 0.1 + 0.2 gives 0.30000000000000004
            amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
            fen = amount * FEN_PER_YUAN
            if fen != fen.to_integral_value():
                raise refused
            return parse_yuan(str(amount.quantize(Decimal("0.01"))))
        except (InvalidOperation, MoneyError) as exc:
            raise refused from exc
    try:
        return parse_yuan(str(value))
    except MoneyError as exc:
        raise refused from exc
